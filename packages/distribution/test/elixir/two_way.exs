# Elixir side of the interop test: calls a Trellis GenServer by {name, node}, then serves
# an Elixir GenServer that Trellis calls. Prints one line per step; exits when told to.
defmodule Echo do
  use GenServer
  def init(state), do: {:ok, state}
  def handle_call({:add, a, b}, _from, state), do: {:reply, {:sum, a + b, node()}, state}
  def handle_call(other, _from, state), do: {:reply, {:echo, other}, state}
end

trellis = String.to_atom(System.fetch_env!("TRELLIS_NODE"))
IO.puts("ping #{Node.ping(trellis)}")
IO.puts("call #{inspect(GenServer.call({:counter, trellis}, :get, 5000))}")
GenServer.cast({:counter, trellis}, {:add, 8})
IO.puts("after_cast #{inspect(GenServer.call({:counter, trellis}, :get, 5000))}")
{:ok, pid} = GenServer.start(Echo, nil, name: :echo)
send({:inbox, trellis}, {:echo_pid, pid})
receive do
  :stop -> IO.puts("stopped")
after
  15_000 -> IO.puts("timeout")
end
