# Timeliness under overload (src/trellis/overload.ts): 10k concurrent callers against 100
# GenServers under a one_for_one supervisor. Servers 0–9 are slow (each call sleeps 20 ms),
# servers 10–19 crash on every 20th call (and are restarted), the rest reply at once. Each
# caller makes 10 calls with a 100 ms timeout, to server (caller + 7k) mod 100 for its k-th
# call, by registered name; a timeout or an exit is caught and the caller goes on.
#
# Prints: overload_calls (calls/s over the whole run); overload_timeouts; overload_late
# (timeouts that fired later than 100 + 50 ms after the call); overload_late_p50 / _p99 (how
# late a timeout fired past 100 ms, over all timeouts). The logger is off, as in the other
# supervisor workloads (crash reports are not printed).
Code.require_file("common.exs", __DIR__)

defmodule OverloadServer do
  use GenServer

  @slow_ms 20
  @crash_every 20

  def start_link({i, kind}), do: GenServer.start_link(__MODULE__, kind, name: name(i))

  def child_spec({i, kind}), do: %{id: i, start: {__MODULE__, :start_link, [{i, kind}]}}

  def name(i), do: :"s#{i}"

  @impl true
  def init(kind), do: {:ok, {kind, 0}}

  @impl true
  def handle_call(:work, _from, {kind, n}) do
    n = n + 1

    cond do
      kind == :slow -> Process.sleep(@slow_ms)
      kind == :crashing and rem(n, @crash_every) == 0 -> raise "crash on request"
      true -> :ok
    end

    {:reply, n, {kind, n}}
  end
end

defmodule Overload do
  @servers 100
  @calls 10
  @timeout 100
  @late 50

  def late_ms, do: @late

  def caller(c, parent) do
    lateness =
      for k <- 0..(@calls - 1), reduce: [] do
        acc ->
          t0 = System.monotonic_time(:microsecond)

          try do
            GenServer.call(OverloadServer.name(rem(c + 7 * k, @servers)), :work, @timeout)
            acc
          catch
            :exit, {:timeout, _} ->
              [(System.monotonic_time(:microsecond) - t0) / 1000 - @timeout | acc]

            :exit, _ ->
              acc
          end
      end

    send(parent, {:done, lateness})
  end

  def collect(0, acc), do: acc

  def collect(n, acc) do
    receive do
      {:done, l} -> collect(n - 1, l ++ acc)
    end
  end

  def run(callers) do
    children =
      for i <- 0..(@servers - 1) do
        kind = cond do
          i < 10 -> :slow
          i < 20 -> :crashing
          true -> :fast
        end

        {OverloadServer, {i, kind}}
      end

    t0 = System.monotonic_time(:nanosecond)

    {:ok, sup} =
      Supervisor.start_link(children, strategy: :one_for_one, max_restarts: 1_000_000_000, max_seconds: 1)

    parent = self()
    for c <- 0..(callers - 1), do: spawn(fn -> caller(c, parent) end)
    lateness = collect(callers, [])
    seconds = (System.monotonic_time(:nanosecond) - t0) / 1.0e9
    Process.unlink(sup)
    Supervisor.stop(sup)
    sorted = Enum.sort(lateness)
    {callers * @calls / seconds, sorted}
  end

  def quantile([], _q), do: 0.0

  def quantile(sorted, q) do
    i = min(length(sorted) - 1, max(0, ceil(q * length(sorted)) - 1))
    Enum.at(sorted, i)
  end
end

Logger.configure(level: :none)
callers = Bench.size(10_000)
Overload.run(Bench.warm(callers))
{rate, lateness} = Overload.run(callers)
Bench.report("overload_calls", rate, "calls/s")
Bench.report("overload_timeouts", length(lateness) * 1.0, "timeouts")
Bench.report("overload_late", Enum.count(lateness, &(&1 > Overload.late_ms())) * 1.0, "late")
Bench.report("overload_late_p50", max(0.0, Overload.quantile(lateness, 0.5)), "ms")
Bench.report("overload_late_p99", max(0.0, Overload.quantile(lateness, 0.99)), "ms")
