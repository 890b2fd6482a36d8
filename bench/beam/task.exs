# Task: 100k Task.async (each returns its argument at once), then Task.await of each.
Code.require_file("common.exs", __DIR__)

defmodule TaskBench do
  def run(n) do
    tasks = for i <- 1..n, do: Task.async(fn -> i end)
    await(tasks, 0)
  end

  defp await([], acc), do: acc
  defp await([t | ts], acc), do: await(ts, acc + Task.await(t))

  def measure(n) do
    expected = div(n * (n + 1), 2)
    Bench.rate(n, fn -> ^expected = run(n) end)
  end
end

n = Bench.size(100_000)
TaskBench.measure(Bench.warm(n))
Bench.report("task_async_await", TaskBench.measure(n), "tasks/s")
