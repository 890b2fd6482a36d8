# 1M plain sends to one process that counts them and reports when it has seen them all.
Code.require_file("common.exs", __DIR__)

defmodule SendBench do
  def sink(main, 0), do: send(main, :done)

  def sink(main, k) do
    receive do
      _ -> sink(main, k - 1)
    end
  end

  defp sends(_pid, 0), do: :ok

  defp sends(pid, i) do
    send(pid, i)
    sends(pid, i - 1)
  end

  def measure(n) do
    main = self()

    Bench.rate(n, fn ->
      pid = spawn(fn -> sink(main, n) end)
      sends(pid, n)

      receive do
        :done -> :ok
      end
    end)
  end
end

n = Bench.size(1_000_000)
SendBench.measure(Bench.warm(n))
Bench.report("send", SendBench.measure(n), "msgs/s")
