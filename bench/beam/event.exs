# gen_event: one manager with 10 handlers (each counts events); 100k :gen_event.notify, then
# one :gen_event.sync_notify that returns once every handler has seen every event.
# The rate is notifications per second (each reaches all 10 handlers). Also with 1 and 100
# handlers (100 handlers: 10k events), and sync_notify round trips (100k, 10 handlers).
Code.require_file("common.exs", __DIR__)

defmodule Tally do
  @behaviour :gen_event

  @impl true
  def init(n), do: {:ok, n}

  @impl true
  def handle_event(:ping, n), do: {:ok, n + 1}

  @impl true
  def handle_call(:count, n), do: {:ok, n, n}
end

defmodule EventBench do
  defp notify(_mgr, 0), do: :ok

  defp notify(mgr, n) do
    :gen_event.notify(mgr, :ping)
    notify(mgr, n - 1)
  end

  defp sync_notify(_mgr, 0), do: :ok

  defp sync_notify(mgr, n) do
    :ok = :gen_event.sync_notify(mgr, :ping)
    sync_notify(mgr, n - 1)
  end

  def measure(n, handlers, sync \\ false) do
    {:ok, mgr} = :gen_event.start()
    for i <- 1..handlers, do: :ok = :gen_event.add_handler(mgr, {Tally, i}, 0)

    r =
      Bench.rate(n, fn ->
        if sync do
          sync_notify(mgr, n)
        else
          notify(mgr, n - 1)
          :ok = :gen_event.sync_notify(mgr, :ping)
        end
      end)

    ^n = :gen_event.call(mgr, {Tally, handlers}, :count)
    :gen_event.stop(mgr)
    r
  end
end

n = Bench.size(100_000)
EventBench.measure(Bench.warm(n), 10)
Bench.report("event_notify", EventBench.measure(n, 10), "events/s")
EventBench.measure(Bench.warm(n), 1)
Bench.report("event_notify_1", EventBench.measure(n, 1), "events/s")
n100 = Bench.size(10_000)
EventBench.measure(Bench.warm(n100), 100)
Bench.report("event_notify_100", EventBench.measure(n100, 100), "events/s")
ns = Bench.size(100_000)
EventBench.measure(Bench.warm(ns), 10, true)
Bench.report("event_sync_notify", EventBench.measure(ns, 10, true), "events/s")
