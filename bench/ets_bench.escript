#!/usr/bin/env escript
%% -*- erlang -*-
%% The ETS side of the hot cache comparison (issue #6, table 1; cache_bench.cc
%% is the C++ side): the same key counts and access pattern, ets:lookup/2 on a
%% set table with read_concurrency (the configuration a shared read-mostly
%% cache would use), holding one tuple per province with Province's six
%% fields. The same table without read_concurrency is measured too
%% ("ets_plain"): on one reader it is often faster, and the fair comparison
%% is against ETS at its best. Each reader walks its own precomputed tuple of 2^20
%% uniform random ids (built before the clock starts, so the RNG is not
%% measured; a tuple, not a list, so that the garbage collector does not
%% scan 4 M cons cells) and sums one field, as the C++ readers do. 1 and 2 reader
%% processes; the rate is lookups per second over wall time.
%%
%% Usage: escript bench/ets_bench.escript [Repetitions]
%% Prints one JSON object per line:
%%   {"name":"ets/keys:5000/threads:1","median":..,"runs":[..]}  (lookups/s)
%%   {"name":"ets_plain/keys:5000/threads:1",...}  (no read_concurrency)
-mode(compile).

-define(LOOKUPS, 2097152).  % per reader and run: 2^21 (about as long as a C++ run)
-define(IDS, 1048576).      % precomputed ids per reader: 2^20, as in cache_bench.cc

main(Args) ->
    Reps = case Args of [R] -> list_to_integer(R); _ -> 5 end,
    [run(Variant, Keys, Readers, Reps)
     || Keys <- [5000, 50000], Readers <- [1, 2], Variant <- [ets, ets_plain]],
    ok.

run(Variant, Keys, Readers, Reps) ->
    Options = case Variant of
                  ets -> [set, public, {read_concurrency, true}];
                  ets_plain -> [set, public]
              end,
    T = ets:new(provinces, Options),
    %% {Id, Owner, Controller, Development, Unrest, SiegeProgress}
    ets:insert(T, [{Id, Id rem 500 + 1, Id rem 500 + 1, Id rem 10 + 1, 0, 0}
                   || Id <- lists:seq(1, Keys)]),
    Runs = [one_run(T, Keys, Readers, Rep) || Rep <- lists:seq(1, Reps)],
    ets:delete(T),
    io:format("{\"name\":\"~s/keys:~b/threads:~b\",\"median\":~.1f,\"runs\":[~s]}~n",
              [Variant, Keys, Readers, median(Runs),
               lists:join(",", [io_lib:format("~.1f", [X]) || X <- Runs])]).

%% Every reader builds its ids first; the clock runs from "go" until the last
%% reader is done.
one_run(T, Keys, Readers, Rep) ->
    Parent = self(),
    Pids = [spawn_link(fun() -> reader(Parent, T, Keys, Rep * 100 + N) end)
            || N <- lists:seq(1, Readers)],
    [receive {ready, P} -> ok end || P <- Pids],
    Start = erlang:monotonic_time(nanosecond),
    [P ! go || P <- Pids],
    [receive {done, P, _Sum} -> ok end || P <- Pids],
    Elapsed = erlang:monotonic_time(nanosecond) - Start,
    Readers * ?LOOKUPS / (Elapsed / 1.0e9).

reader(Parent, T, Keys, Seed) ->
    rand:seed(exsss, {Seed, 6, 1444}),
    Ids = list_to_tuple([rand:uniform(Keys) || _ <- lists:seq(1, ?IDS)]),
    erlang:garbage_collect(),
    Parent ! {ready, self()},
    receive go -> ok end,
    Parent ! {done, self(), lookups(0, Ids, T, 0)}.

lookups(?LOOKUPS, _Ids, _T, Sum) -> Sum;
lookups(I, Ids, T, Sum) ->
    Id = element((I band (?IDS - 1)) + 1, Ids),
    [{_, _, _, Development, _, _}] = ets:lookup(T, Id),
    lookups(I + 1, Ids, T, Sum + Development).

median(Xs) ->
    S = lists:sort(Xs),
    N = length(S),
    case N rem 2 of
        1 -> lists:nth(N div 2 + 1, S);
        0 -> (lists:nth(N div 2, S) + lists:nth(N div 2 + 1, S)) / 2
    end.
