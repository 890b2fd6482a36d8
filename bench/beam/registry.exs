# Registry: 100k processes each register a unique key (spawn included; each acks to the main
# process), then the main process looks up every key, 10 passes timed together (1M lookups, as
# the Trellis program). Then pub/sub: 10k processes register
# under one key of a duplicate-keys registry, and 100 dispatches each send a message to all
# of them (1M deliveries); timed until every subscriber has received all 100.
Code.require_file("common.exs", __DIR__)

defmodule RegistryBench do
  @dispatches 100

  def register_all(reg, from, to) do
    main = self()

    for i <- from..to do
      spawn(fn ->
        {:ok, _} = Registry.register(reg, i, nil)
        send(main, :registered)

        receive do
          :stop -> :ok
        end
      end)
    end

    Bench.await_n(:registered, to - from + 1)
  end

  def lookup_all(_reg, i, to) when i > to, do: :ok

  def lookup_all(reg, i, to) do
    [{_pid, nil}] = Registry.lookup(reg, i)
    lookup_all(reg, i + 1, to)
  end

  def stop_all(reg, from, to) do
    for i <- from..to, {pid, _} <- Registry.lookup(reg, i), do: send(pid, :stop)
  end

  def subscribe(reg, topic, n) do
    main = self()

    pids =
      for _ <- 1..n do
        spawn(fn ->
          {:ok, _} = Registry.register(reg, topic, nil)
          send(main, :subscribed)
          count(main, @dispatches)
        end)
      end

    Bench.await_n(:subscribed, n)
    pids
  end

  defp count(main, 0), do: send(main, :got_all)

  defp count(main, k) do
    receive do
      {:event, _} -> count(main, k - 1)
    end
  end

  def dispatch(reg, topic, n) do
    for i <- 1..@dispatches do
      Registry.dispatch(reg, topic, fn entries ->
        for {pid, _} <- entries, do: send(pid, {:event, i})
      end)
    end

    Bench.await_n(:got_all, n)
  end

  def measure_dispatch(reg, topic, n) do
    subscribe(reg, topic, n)
    Bench.rate(@dispatches * n, fn -> dispatch(reg, topic, n) end)
  end
end

partitions = System.schedulers_online()
{:ok, _} = Registry.start_link(keys: :unique, name: BenchNames, partitions: partitions)
{:ok, _} = Registry.start_link(keys: :duplicate, name: BenchTopics, partitions: partitions)

n = Bench.size(100_000)
w = Bench.warm(n)
RegistryBench.register_all(BenchNames, -w, -1)
RegistryBench.lookup_all(BenchNames, -w, -1)
RegistryBench.stop_all(BenchNames, -w, -1)
register = Bench.rate(n, fn -> RegistryBench.register_all(BenchNames, 1, n) end)
# 10 passes timed together (1M lookups), as the Trellis program does.
lookup_passes = 10

lookup =
  Bench.rate(n * lookup_passes, fn ->
    for _ <- 1..lookup_passes, do: RegistryBench.lookup_all(BenchNames, 1, n)
  end)

RegistryBench.stop_all(BenchNames, 1, n)
Bench.report("registry_register", register, "ops/s")
Bench.report("registry_lookup", lookup, "ops/s")

subs = Bench.size(10_000)
RegistryBench.measure_dispatch(BenchTopics, :warm, Bench.warm(subs))
dispatch = RegistryBench.measure_dispatch(BenchTopics, :topic, subs)
Bench.report("registry_dispatch", dispatch, "msgs/s")
