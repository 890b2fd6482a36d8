# gen_statem: a two-state switch (:off <-> :on) that counts its toggles. 1M sequential
# :gen_statem.call events, then 1M :gen_statem.cast events followed by one call that
# returns once all were handled. statem_cast_state_timeout: the same 1M casts to a switch
# that sets a 1 s state timeout ({:state_timeout, 1000, :x}) on every transition.
Code.require_file("common.exs", __DIR__)

defmodule Switch do
  @behaviour :gen_statem

  def start, do: :gen_statem.start(__MODULE__, 0, [])

  @impl true
  def callback_mode, do: :state_functions

  @impl true
  def init(n), do: {:ok, :off, n}

  def off({:call, from}, :toggle, n), do: {:next_state, :on, n + 1, [{:reply, from, :on}]}
  def off(:cast, :toggle, n), do: {:next_state, :on, n + 1}
  def off({:call, from}, :count, n), do: {:keep_state_and_data, [{:reply, from, n}]}

  def on({:call, from}, :toggle, n), do: {:next_state, :off, n + 1, [{:reply, from, :off}]}
  def on(:cast, :toggle, n), do: {:next_state, :off, n + 1}
  def on({:call, from}, :count, n), do: {:keep_state_and_data, [{:reply, from, n}]}
end

defmodule TimedSwitch do
  @behaviour :gen_statem

  def start, do: :gen_statem.start(__MODULE__, 0, [])

  @impl true
  def callback_mode, do: :state_functions

  @impl true
  def init(n), do: {:ok, :off, n}

  def off(:cast, :toggle, n), do: {:next_state, :on, n + 1, [{:state_timeout, 1000, :x}]}
  def off({:call, from}, :count, n), do: {:keep_state_and_data, [{:reply, from, n}]}
  def off(:state_timeout, :x, _n), do: :keep_state_and_data

  def on(:cast, :toggle, n), do: {:next_state, :off, n + 1, [{:state_timeout, 1000, :x}]}
  def on({:call, from}, :count, n), do: {:keep_state_and_data, [{:reply, from, n}]}
  def on(:state_timeout, :x, _n), do: :keep_state_and_data
end

defmodule StatemBench do
  defp calls(_pid, 0), do: :ok

  defp calls(pid, n) do
    :gen_statem.call(pid, :toggle)
    calls(pid, n - 1)
  end

  defp casts(_pid, 0), do: :ok

  defp casts(pid, n) do
    :gen_statem.cast(pid, :toggle)
    casts(pid, n - 1)
  end

  def measure(n) do
    {:ok, pid} = Switch.start()
    call = Bench.rate(n, fn -> calls(pid, n) end)
    expected = 2 * n

    cast =
      Bench.rate(n, fn ->
        casts(pid, n)
        ^expected = :gen_statem.call(pid, :count, :infinity)
      end)

    :gen_statem.stop(pid)

    {:ok, timed} = TimedSwitch.start()

    cast_state_timeout =
      Bench.rate(n, fn ->
        casts(timed, n)
        ^n = :gen_statem.call(timed, :count, :infinity)
      end)

    :gen_statem.stop(timed)
    {call, cast, cast_state_timeout}
  end
end

n = Bench.size(1_000_000)
StatemBench.measure(Bench.warm(n))
{call, cast, cast_state_timeout} = StatemBench.measure(n)
Bench.report("statem_call", call, "calls/s")
Bench.report("statem_cast", cast, "casts/s")
Bench.report("statem_cast_state_timeout", cast_state_timeout, "casts/s")
