# The BEAM side of the worker-node benchmark (src/trellis/workers.ts): the same workloads on
# one node, where the schedulers are the cores. Calls (one client, and 100 clients), casts
# then a call, a ring of 100 processes, and CPU-bound hashing requests from 64 clients served
# by a pool of gen_servers, with 1 and then 2 schedulers online (the Trellis side uses 1
# and 2 worker nodes).
Code.require_file("common.exs", __DIR__)

defmodule Echo do
  use GenServer
  def init(s), do: {:ok, s}
  def handle_call(n, _from, s), do: {:reply, n, s}
end

defmodule Sink do
  use GenServer
  def init(_), do: {:ok, 0}
  def handle_call(:count, _from, n), do: {:reply, n, n}
  def handle_cast(:hit, n), do: {:noreply, n + 1}
end

defmodule Hasher do
  use GenServer
  def init(s), do: {:ok, s}
  def handle_call({:hash, data, rounds}, _from, s), do: {:reply, WorkersBench.hash(data, rounds), s}
end

defmodule WorkersBench do
  def hash(data, 0), do: data

  def hash(data, n),
    do: hash(Base.encode16(:crypto.hash(:sha256, data), case: :lower), n - 1)

  def seq(_pid, 0), do: :ok

  def seq(pid, n) do
    GenServer.call(pid, n)
    seq(pid, n - 1)
  end

  def clients(k, per, fun) do
    me = self()
    for c <- 1..k, do: spawn_link(fn -> fun.(c, per); send(me, :done) end)
    Bench.await_n(:done, k)
  end

  def casts(_pid, 0), do: :ok

  def casts(pid, n) do
    GenServer.cast(pid, :hit)
    casts(pid, n - 1)
  end

  def member(main) do
    receive do
      next -> member_loop(main, next)
    end
  end

  def member_loop(main, next) do
    receive do
      0 -> send(main, :done)
      n -> send(next, n - 1)
    end

    member_loop(main, next)
  end

  def cpu(servers, jobs, rounds) do
    per = div(jobs + 63, 64)
    n = length(servers)
    t = List.to_tuple(servers)

    Bench.rate(per * 64, fn ->
      clients(64, per, fn c, per ->
        for i <- 1..per do
          s = elem(t, :erlang.phash2({c, i}, n))
          GenServer.call(s, {:hash, "req#{c}:#{i}", rounds}, 60_000)
        end
      end)
    end)
  end
end

calls = Bench.size(50_000)
casts = Bench.size(500_000)
hops = Bench.size(200_000)
jobs = Bench.size(1_000)
rounds = 1_000

{:ok, echo} = GenServer.start(Echo, nil)
WorkersBench.seq(echo, Bench.warm(calls))
Bench.report("worker_call_seq", Bench.rate(calls, fn -> WorkersBench.seq(echo, calls) end), "calls/s")

per = div(calls * 4, 100)

Bench.report(
  "worker_call_100",
  Bench.rate(per * 100, fn ->
    WorkersBench.clients(100, per, fn _c, per -> WorkersBench.seq(echo, per) end)
  end),
  "calls/s"
)

{:ok, sink} = GenServer.start(Sink, nil)

Bench.report(
  "worker_cast",
  Bench.rate(casts, fn ->
    WorkersBench.casts(sink, casts)
    GenServer.call(sink, :count, 60_000)
  end),
  "msgs/s"
)

me = self()
members = for _ <- 1..100, do: spawn(fn -> WorkersBench.member(me) end)

Enum.zip(members, tl(members) ++ [hd(members)])
|> Enum.each(fn {m, next} -> send(m, next) end)

Bench.report(
  "worker_ring_hops",
  Bench.rate(hops, fn ->
    send(hd(members), hops)

    receive do
      :done -> :ok
    end
  end),
  "hops/s"
)

start_pool = fn n -> for _ <- 1..n, do: elem(GenServer.start(Hasher, nil), 1) end
online = :erlang.system_info(:schedulers_online)
:erlang.system_flag(:schedulers_online, 1)
WorkersBench.cpu(start_pool.(1), Bench.warm(jobs), rounds)
one = WorkersBench.cpu(start_pool.(1), jobs, rounds)
:erlang.system_flag(:schedulers_online, min(2, :erlang.system_info(:schedulers)))
two = WorkersBench.cpu(start_pool.(2), jobs, rounds)
:erlang.system_flag(:schedulers_online, online)
Bench.report("worker_cpu_1", one, "req/s")
Bench.report("worker_cpu_2", two, "req/s")
Bench.report("worker_cpu_scaling", two / one, "x")
Bench.report("cores", :erlang.system_info(:schedulers), "cores")
