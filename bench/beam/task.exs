# Task: 100k Task.async (each returns its argument at once), then Task.await of each.
# task_stream: Task.async_stream over 100k inputs (each task returns its input) with
# max_concurrency: 8, consumed in order.
Code.require_file("common.exs", __DIR__)

defmodule TaskBench do
  def run(n) do
    tasks = for i <- 1..n, do: Task.async(fn -> i end)
    await(tasks, 0)
  end

  defp await([], acc), do: acc
  defp await([t | ts], acc), do: await(ts, acc + Task.await(t))

  def stream(n) do
    expected = div(n * (n + 1), 2)

    Bench.rate(n, fn ->
      ^expected =
        1..n
        |> Task.async_stream(fn i -> i end, max_concurrency: 8)
        |> Enum.reduce(0, fn {:ok, v}, acc -> acc + v end)
    end)
  end

  def measure(n) do
    expected = div(n * (n + 1), 2)
    Bench.rate(n, fn -> ^expected = run(n) end)
  end
end

n = Bench.size(100_000)
TaskBench.measure(Bench.warm(n))
Bench.report("task_async_await", TaskBench.measure(n), "tasks/s")
TaskBench.stream(Bench.warm(n))
Bench.report("task_stream", TaskBench.stream(n), "tasks/s")
