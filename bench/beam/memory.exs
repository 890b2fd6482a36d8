# Memory per idle process: N processes blocked in receive; the growth of
# :erlang.memory(:processes) divided by N. The pids are kept in an ETS table (not process
# memory) so the measuring process's own heap does not grow with N.
Code.require_file("common.exs", __DIR__)

defmodule IdleMemory do
  def per_process(n) do
    pids = :ets.new(:pids, [:set, :private])
    :erlang.garbage_collect()
    before = :erlang.memory(:processes)
    main = self()
    start(pids, main, n)
    Bench.await_n(:ready, n)
    :erlang.garbage_collect()
    after_ = :erlang.memory(:processes)
    stop(pids, n)
    :ets.delete(pids)
    (after_ - before) / n
  end

  defp start(_pids, _main, 0), do: :ok

  defp start(pids, main, i) do
    pid =
      spawn(fn ->
        send(main, :ready)

        receive do
          :stop -> :ok
        end
      end)

    :ets.insert(pids, {i, pid})
    start(pids, main, i - 1)
  end

  # Kills them all, then waits until the process count is back where it was.
  defp stop(pids, n) do
    count = :erlang.system_info(:process_count) - n
    :ets.foldl(fn {_, pid}, :ok -> Process.exit(pid, :kill) and :ok end, :ok, pids)
    wait_count(count)
  end

  defp wait_count(count) do
    if :erlang.system_info(:process_count) > count do
      Process.sleep(1)
      wait_count(count)
    end
  end
end

n = Bench.size(100_000)
IdleMemory.per_process(Bench.warm(n))
Bench.report("idle_process_memory", IdleMemory.per_process(n), "B")
