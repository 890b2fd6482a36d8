# The Elixir side of docs/guides/distribution.md (test/guide.test.ts runs it): the iex
# session of the guide, one printed line per step; exits when told to.
defmodule Echo do
  use GenServer
  def init(s), do: {:ok, s}
  def handle_call(req, _from, s), do: {:reply, {:echo, req}, s}
  def handle_info(msg, s), do: (IO.puts("info #{inspect(msg)}"); {:noreply, s})
end

trellis = String.to_atom(System.fetch_env!("TRELLIS_NODE"))
IO.puts("ping #{Node.ping(trellis)}")
GenServer.cast({:counter, trellis}, {:add, 2})
IO.puts("call #{inspect(GenServer.call({:counter, trellis}, :get, 5000))}")
IO.puts("erpc #{inspect(:erpc.call(trellis, :math, :add, [1, 2], 5000))}")
{:ok, _} = GenServer.start(Echo, nil, name: :echo)
Process.register(self(), :guide)
IO.puts("echo ready")
receive do
  :stop -> IO.puts("stopped")
after
  15_000 -> IO.puts("timeout")
end
