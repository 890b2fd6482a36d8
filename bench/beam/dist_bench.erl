%% Distribution benchmark peer: a `bench_echo` gen_server and a `bench_sink` counting
%% process, plus the client loops used for BEAM -> node measurements.
%%   erl -name srv@127.0.0.1 -s dist_bench serve          (servers only)
%%   dist_bench:client(Node, Calls, Sends) prints "calls <per s>" and "sends <per s>"
-module(dist_bench).
-behaviour(gen_server).
-export([serve/0, client/3, init/1, handle_call/3, handle_cast/2, handle_info/2]).

serve() ->
    {ok, _} = gen_server:start({local, bench_echo}, ?MODULE, [], []),
    register(bench_sink, spawn(fun() -> sink(0) end)),
    io:format("READY~n").

sink(N) ->
    receive
        {count, From} -> From ! {count, N}, sink(N);
        _ -> sink(N + 1)
    end.

client(Node, Calls, Sends) ->
    Echo = {bench_echo, Node},
    _ = [gen_server:call(Echo, {inc, I}) || I <- lists:seq(1, Calls div 10)],
    T0 = erlang:monotonic_time(microsecond),
    _ = [gen_server:call(Echo, {inc, I}) || I <- lists:seq(1, Calls)],
    T1 = erlang:monotonic_time(microsecond),
    io:format("calls ~p~n", [round(Calls * 1000000 / max(1, T1 - T0))]),
    Sink = {bench_sink, Node},
    Sink ! {count, self()},
    Before = receive {count, B} -> B end,
    T2 = erlang:monotonic_time(microsecond),
    _ = [Sink ! {msg, I} || I <- lists:seq(1, Sends)],
    Sink ! {count, self()},
    receive {count, C} when C =:= Before + Sends -> ok end,
    T3 = erlang:monotonic_time(microsecond),
    io:format("sends ~p~n", [round(Sends * 1000000 / max(1, T3 - T2))]).

init([]) -> {ok, 0}.
handle_call({inc, _}, _From, N) -> {reply, N + 1, N + 1}.
handle_cast(_, S) -> {noreply, S}.
handle_info(_, S) -> {noreply, S}.
