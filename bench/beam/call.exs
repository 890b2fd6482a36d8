# 1M sequential GenServer.call from one client to one server.
Code.require_file("common.exs", __DIR__)
Code.require_file("server.exs", __DIR__)

defmodule CallBench do
  def calls(_pid, 0), do: :ok

  def calls(pid, n) do
    GenServer.call(pid, :inc)
    calls(pid, n - 1)
  end

  def measure(n) do
    {:ok, pid} = Counter.start()
    r = Bench.rate(n, fn -> calls(pid, n) end)
    GenServer.stop(pid)
    r
  end
end

n = Bench.size(1_000_000)
CallBench.measure(Bench.warm(n))
Bench.report("call", CallBench.measure(n), "calls/s")
