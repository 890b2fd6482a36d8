# The counter GenServer used by call, cast and fanin: :inc adds one, :get reads.
defmodule Counter do
  use GenServer

  def start, do: GenServer.start(__MODULE__, 0)

  @impl true
  def init(n), do: {:ok, n}

  @impl true
  def handle_call(:inc, _from, n), do: {:reply, n + 1, n + 1}
  def handle_call(:get, _from, n), do: {:reply, n, n}

  @impl true
  def handle_cast(:inc, n), do: {:noreply, n + 1}
end
