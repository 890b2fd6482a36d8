# Supervisor: a one_for_one supervisor restarts a permanent GenServer child that raises on
# request; each new child reports to the driver, which makes it crash again. 10k crash +
# restart cycles. Logging is switched off so the console is not measured (crash reports are
# still built). max_seconds is 1, as in OTP's default; max_restarts is never reached.
Code.require_file("common.exs", __DIR__)

defmodule Crashy do
  use GenServer

  def start_link(driver), do: GenServer.start_link(__MODULE__, driver)

  @impl true
  def init(driver) do
    send(driver, {:started, self()})
    {:ok, driver}
  end

  @impl true
  def handle_cast(:crash, _driver), do: raise("boom")
end

defmodule SupRestart do
  def cycles(pid, 0), do: pid

  def cycles(pid, n) do
    GenServer.cast(pid, :crash)

    receive do
      {:started, next} -> cycles(next, n - 1)
    end
  end
end

Logger.configure(level: :none)
:logger.set_primary_config(:level, :none)

{:ok, _sup} =
  Supervisor.start_link([{Crashy, self()}],
    strategy: :one_for_one,
    max_restarts: 1_000_000_000,
    max_seconds: 1
  )

first = receive do: ({:started, pid} -> pid)
n = Bench.size(10_000)
child = SupRestart.cycles(first, Bench.warm(n))
Bench.report("sup_restart", Bench.rate(n, fn -> SupRestart.cycles(child, n) end), "restarts/s")
