# DynamicSupervisor: start 100k children one after another (DynamicSupervisor.start_child,
# each a minimal GenServer that just waits), then stop the supervisor, which stops all the
# children. Warm-up at 1/10 size.
Code.require_file("common.exs", __DIR__)

defmodule Idle do
  use GenServer

  def start_link(_), do: GenServer.start_link(__MODULE__, nil)

  @impl true
  def init(nil), do: {:ok, nil}
end

defmodule DynsupBench do
  defp start_children(_sup, 0), do: :ok

  defp start_children(sup, n) do
    {:ok, _} = DynamicSupervisor.start_child(sup, {Idle, nil})
    start_children(sup, n - 1)
  end

  def measure(n) do
    {:ok, sup} = DynamicSupervisor.start_link(strategy: :one_for_one)
    Process.unlink(sup)
    start = Bench.rate(n, fn -> start_children(sup, n) end)
    %{active: ^n} = DynamicSupervisor.count_children(sup)
    shutdown = Bench.rate(n, fn -> :ok = DynamicSupervisor.stop(sup, :normal, :infinity) end)
    {start, shutdown}
  end
end

n = Bench.size(100_000)
DynsupBench.measure(Bench.warm(n))
{start, shutdown} = DynsupBench.measure(n)
Bench.report("dynsup_start", start, "children/s")
Bench.report("dynsup_shutdown", shutdown, "children/s")
