%% A BEAM peer for the interop tests. Reads one Erlang expression per line on stdin,
%% evaluates it (bindings persist) and prints "RESULT <term>" or "ERROR <class> <reason>".
%% Asynchronous reports are printed as "EVENT <term>" by the helpers below.
%%   echo    a gen_server: call Req -> {echo, Req, node()}; {crash, R} stops with R
%%   inbox   a process keeping the messages it gets; trellis_peer:take() returns the oldest
-module(trellis_peer).
-behaviour(gen_server).
-export([main/0, take/0, watch_link/1, watch_monitor/1, event/1]).
-export([init/1, handle_call/3, handle_cast/2, handle_info/2]).

main() ->
    {ok, _} = gen_server:start({local, echo}, ?MODULE, [], []),
    register(inbox, spawn(fun() -> inbox([]) end)),
    io:format("READY ~w~n", [node()]),
    loop(erl_eval:new_bindings()).

loop(B) ->
    case io:get_line("") of
        eof -> halt(0);
        Line ->
            B2 = try
                     {ok, Tokens, _} = erl_scan:string(Line),
                     {ok, Exprs} = erl_parse:parse_exprs(Tokens),
                     {value, V, NB} = erl_eval:exprs(Exprs, B),
                     io:format("RESULT ~w~n", [V]),
                     NB
                 catch C:R ->
                     io:format("ERROR ~w ~w~n", [C, R]),
                     B
                 end,
            loop(B2)
    end.

event(T) -> io:format("EVENT ~w~n", [T]).

inbox(Q) ->
    receive
        {'$take', From} ->
            case Q of
                [] -> From ! {'$took', none}, inbox([]);
                [H | T] -> From ! {'$took', {ok, H}}, inbox(T)
            end;
        M -> inbox(Q ++ [M])
    end.

%% The oldest message the inbox got, waiting up to 5 s.
take() -> take(50).
take(0) -> none;
take(N) ->
    inbox ! {'$take', self()},
    receive {'$took', {ok, M}} -> M; {'$took', none} -> timer:sleep(100), take(N - 1) end.

%% A process that links to Pid, traps exits and reports the EXIT it gets.
watch_link(Pid) ->
    Parent = self(),
    W = spawn(fun() ->
                      process_flag(trap_exit, true),
                      link(Pid),
                      Parent ! linked,
                      receive {'EXIT', P, R} -> event({exit, P, R}) end
              end),
    receive linked -> W after 5000 -> timeout end.

%% A process that monitors Pid and reports the DOWN it gets.
watch_monitor(Pid) ->
    Parent = self(),
    W = spawn(fun() ->
                      Ref = monitor(process, Pid),
                      Parent ! monitoring,
                      receive {'DOWN', Ref, process, Obj, R} -> event({down, Obj, R}) end
              end),
    receive monitoring -> W after 5000 -> timeout end.

init([]) -> {ok, nostate}.
handle_call({crash, R}, _From, S) -> {stop, R, S};
handle_call(Req, _From, S) -> {reply, {echo, Req, node()}, S}.
handle_cast(_, S) -> {noreply, S}.
handle_info(_, S) -> {noreply, S}.
