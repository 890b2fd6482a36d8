# The Elixir node of the example (src/cluster.ts starts it): joins the `pg` scope, calls the
# Trellis counter, waits to see the Trellis group member, joins the group itself, and stops
# when the Trellis side says so. One printed line per step; every wait is bounded.
[server, client] = Enum.map(System.argv(), &String.to_atom/1)

defmodule Observer do
  # the nodes of the members of `group`, once one lives on `node` (polls for up to 10 s)
  def await_member_on(group, node, deadline \\ System.monotonic_time(:millisecond) + 10_000) do
    nodes = :pg.get_members(group) |> Enum.map(&node/1) |> Enum.uniq() |> Enum.sort()
    cond do
      node in nodes -> nodes
      System.monotonic_time(:millisecond) > deadline -> exit({:no_member_on, node})
      true -> Process.sleep(20); await_member_on(group, node, deadline)
    end
  end
end

{:ok, _} = :pg.start_link()
Process.register(self(), :observer)
:pong = Node.ping(server)
:pong = Node.ping(client)
IO.puts("connected #{server} #{client}")

# the Trellis client's pg scope discovers this one, then its worker shows up here
IO.puts("members #{inspect(Observer.await_member_on(:workers, client))}")
IO.puts("counter #{inspect(GenServer.call({:counter, server}, {:add, 10}, 5000))}")

:ok = :pg.join(:workers, self())
IO.puts("joined")

receive do
  :stop -> IO.puts("bye")
after
  15_000 -> IO.puts("no stop from Trellis within 15 s"); System.halt(1)
end
