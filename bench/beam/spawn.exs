# spawn + exit: one process spawns N processes under monitors (spawn_monitor); each returns
# at once; the parent waits for the N DOWN messages.
Code.require_file("common.exs", __DIR__)

defmodule SpawnExit do
  def run(n) do
    spawn_all(n)
    await_downs(n)
  end

  defp spawn_all(0), do: :ok

  defp spawn_all(n) do
    spawn_monitor(fn -> :ok end)
    spawn_all(n - 1)
  end

  defp await_downs(0), do: :ok

  defp await_downs(n) do
    receive do
      {:DOWN, _ref, :process, _pid, _reason} -> await_downs(n - 1)
    end
  end
end

n = Bench.size(100_000)
SpawnExit.run(Bench.warm(n))
Bench.report("spawn_exit", Bench.rate(n, fn -> SpawnExit.run(n) end), "procs/s")
