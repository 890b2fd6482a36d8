%% Test peer for the ETF codec: reads commands on stdin, one per line, answers one line each.
%%   R <hex>      -> hex of term_to_binary(binary_to_term(Hex), [{minor_version, 2}])
%%   S            -> the sample terms: one line per term, "<index> <hex1> <hex2> <hex3>"
%%                   (default encoding, minor_version 0, compressed), then "END"
%%   K <i> <hex>  -> "true" if binary_to_term(Hex) =:= sample I, else "false"
%%   Q            -> stop
-module(etf_peer).
-export([main/0]).

main() ->
    Samples = samples(),
    loop(Samples).

loop(Samples) ->
    case io:get_line("") of
        eof -> halt(0);
        Line ->
            case string:trim(Line) of
                "Q" -> halt(0);
                "S" ->
                    lists:foreach(
                      fun({I, T}) ->
                              io:format("~b ~s ~s ~s~n",
                                        [I, hex(term_to_binary(T)),
                                         hex(term_to_binary(T, [{minor_version, 0}])),
                                         hex(term_to_binary(T, [compressed]))])
                      end, lists:zip(lists:seq(1, length(Samples)), Samples)),
                    io:format("END~n");
                "R " ++ Hex ->
                    Reply = try hex(term_to_binary(binary_to_term(unhex(Hex)), [{minor_version, 2}]))
                            catch _:E -> "ERROR " ++ lists:flatten(io_lib:format("~p", [E]))
                            end,
                    io:format("~s~n", [Reply]);
                "K " ++ Rest ->
                    [IS, Hex] = string:split(Rest, " "),
                    T = lists:nth(list_to_integer(IS), Samples),
                    Same = try binary_to_term(unhex(Hex)) =:= T catch _:_ -> false end,
                    io:format("~p~n", [Same])
            end,
            loop(Samples)
    end.

hex(B) -> binary_to_list(binary:encode_hex(B)).
unhex(S) -> binary:decode_hex(list_to_binary(S)).

samples() ->
    Port = hd(erlang:ports()),
    X = 42,
    [0, 255, 256, -1, 2147483647, -2147483648, 2147483648, 1 bsl 53, (1 bsl 53) + 1,
     -(1 bsl 64), 1 bsl 2100, -(1 bsl 2100),
     1.5, -0.25, 1.0e300, 3.0, 0.1,
     ok, 'hello world', '', 'ünïcödé', list_to_atom(lists:duplicate(255, $a)),
     list_to_atom(lists:duplicate(255, 16#1F600)), true, false, nil, undefined,
     {}, {a, 1}, list_to_tuple(lists:seq(1, 300)),
     [], [1, 2, 3], "abc", lists:seq(1, 70000), [a | b], [1, 2 | 3], [[], [[]]],
     <<>>, <<"bin">>, <<255, 0, 200>>, <<5:3>>, <<1, 2, 3:4>>,
     #{}, #{a => 1}, #{<<"k">> => [1]}, #{{connection_id, n@h} => 7, 1 => 2.5},
     maps:from_list([{I, I} || I <- lists:seq(1, 40)]),
     self(), make_ref(), Port,
     fun lists:reverse/1, fun(Y) -> X + Y end, fun() -> ok end,
     {self(), [make_ref(), #{k => {v, <<"x">>}}], "text", 3.25}].
