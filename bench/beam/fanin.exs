# Fan-in: 100 client processes each make 10k sequential GenServer.call to one server.
Code.require_file("common.exs", __DIR__)
Code.require_file("server.exs", __DIR__)

defmodule FanIn do
  @clients 100

  defp calls(_pid, 0), do: :ok

  defp calls(pid, n) do
    GenServer.call(pid, :inc)
    calls(pid, n - 1)
  end

  def measure(per_client) do
    {:ok, pid} = Counter.start()
    main = self()

    r =
      Bench.rate(@clients * per_client, fn ->
        for _ <- 1..@clients do
          spawn(fn ->
            calls(pid, per_client)
            send(main, :done)
          end)
        end

        Bench.await_n(:done, @clients)
      end)

    GenServer.stop(pid)
    r
  end
end

per_client = Bench.size(10_000)
FanIn.measure(Bench.warm(per_client))
Bench.report("fanin", FanIn.measure(per_client), "calls/s")
