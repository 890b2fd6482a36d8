# 1M GenServer.cast to one server, then one call that returns once all were handled.
Code.require_file("common.exs", __DIR__)
Code.require_file("server.exs", __DIR__)

defmodule CastBench do
  def casts(_pid, 0), do: :ok

  def casts(pid, n) do
    GenServer.cast(pid, :inc)
    casts(pid, n - 1)
  end

  def measure(n) do
    {:ok, pid} = Counter.start()

    r =
      Bench.rate(n, fn ->
        casts(pid, n)
        ^n = GenServer.call(pid, :get, :infinity)
      end)

    GenServer.stop(pid)
    r
  end
end

n = Bench.size(1_000_000)
CastBench.measure(Bench.warm(n))
Bench.report("cast", CastBench.measure(n), "casts/s")
