# Ring: N processes in a circle pass one token until it has made N × LAPS hops. Building the
# ring is not timed.
Code.require_file("common.exs", __DIR__)

defmodule Ring do
  def build(n) do
    main = self()
    pids = for _ <- 1..n, do: spawn(fn -> wait_next(main) end)

    Enum.zip(pids, tl(pids) ++ [hd(pids)])
    |> Enum.each(fn {p, next} -> send(p, {:next, next}) end)

    pids
  end

  defp wait_next(main) do
    receive do
      {:next, next} -> loop(next, main)
    end
  end

  defp loop(next, main) do
    receive do
      0 ->
        send(main, :done)
        loop(next, main)

      k when is_integer(k) ->
        send(next, k - 1)
        loop(next, main)

      :stop ->
        :ok
    end
  end

  def run(pids, hops) do
    send(hd(pids), hops)

    receive do
      :done -> :ok
    end
  end

  def measure(n, hops) do
    pids = build(n)
    r = Bench.rate(hops, fn -> run(pids, hops) end)
    Enum.each(pids, &send(&1, :stop))
    r
  end
end

n = Bench.size(1_000)
laps = Bench.size(1_000)
Ring.measure(n, Bench.warm(n * laps))
Bench.report("ring_hops", Ring.measure(n, n * laps), "hops/s")
