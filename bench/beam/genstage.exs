# GenStage's demand protocol with plain processes (Hex, and so the gen_stage package, is not
# reachable here): producer -> producer-consumer -> consumer, each subscription with
# max_demand 1000 and min_demand 500. The messages are GenStage's own:
#   {:"$gen_producer", {consumer, ref}, {:subscribe, nil, opts}}   consumer -> producer
#   {:"$gen_producer", {consumer, ref}, {:ask, n}}                  consumer -> producer
#   {:"$gen_consumer", {producer, ref}, events}                     producer -> consumer
# and every subscriber monitors its producer (the ref is the monitor's), as GenStage does.
# A consumer handles events in batches of max - min and asks for more each time what it has
# not handled falls to min_demand (GenStage's automatic demand). The producer-consumer asks
# its producer only for what its consumer wants. Metrics as in src/trellis/genstage.ts.
Code.require_file("common.exs", __DIR__)

defmodule Pipeline do
  @max 1000
  @min 500

  # -- producer: emits next..next+n-1 for each ask

  def producer(next) do
    receive do
      {:"$gen_producer", {_pid, _ref}, {:subscribe, _, _}} ->
        producer(next)

      {:"$gen_producer", {pid, ref}, {:ask, n}} ->
        send(pid, {:"$gen_consumer", {self(), ref}, :lists.seq(next, next + n - 1)})
        :persistent_term.get(:produced) |> :atomics.put(1, next + n)
        producer(next + n)

      :stop ->
        :ok
    end
  end

  # -- subscribing: monitor, subscribe, ask max_demand

  def subscribe(producer) do
    ref = Process.monitor(producer)
    send(producer, {:"$gen_producer", {self(), ref}, {:subscribe, nil, [max_demand: @max]}})
    send(producer, {:"$gen_producer", {self(), ref}, {:ask, @max}})
    ref
  end

  # Splits events into batches of at most max - min; returns [{batch, ask}] and the new demand.
  def batches([], demand, acc), do: {:lists.reverse(acc), demand}

  def batches(events, demand, acc) do
    {batch, rest} = split(events, @max - @min, [])
    n = length(batch)

    case demand - n do
      diff when diff <= @min -> batches(rest, @max, [{batch, @max - diff} | acc])
      diff -> batches(rest, diff, [{batch, 0} | acc])
    end
  end

  defp split(rest, 0, acc), do: {:lists.reverse(acc), rest}
  defp split([], _, acc), do: {:lists.reverse(acc), []}
  defp split([e | rest], k, acc), do: split(rest, k - 1, [e | acc])

  # -- producer-consumer: adds one. As GenStage's, it asks its producer for max_demand at
  # once, keeps what arrives in a queue, and handles (and asks again for) a batch only while
  # its consumer has demand; what it handles beyond that demand waits in its buffer.

  def middle(upstream) do
    up_ref = subscribe(upstream)

    receive do
      {:"$gen_producer", {pid, ref}, {:subscribe, _, _}} ->
        middle_loop(%{
          up: upstream,
          up_ref: up_ref,
          up_demand: @max,
          down: {pid, ref},
          down_demand: 0,
          inbox: :queue.new(),
          buffer: []
        })
    end
  end

  defp middle_loop(s) do
    receive do
      {:"$gen_producer", _from, {:ask, n}} ->
        s = take(send_buffer(%{s | down_demand: s.down_demand + n}))
        middle_loop(s)

      {:"$gen_consumer", {_pid, _ref}, events} ->
        middle_loop(take(%{s | inbox: :queue.in(events, s.inbox)}))

      {:DOWN, _, _, _, reason} ->
        exit(reason)
    end
  end

  defp take(%{down_demand: 0} = s), do: s

  defp take(s) do
    case :queue.out(s.inbox) do
      {:empty, _} ->
        s

      {{:value, events}, inbox} ->
        {bs, demand} = batches(events, s.up_demand, [])
        take(handle(bs, %{s | inbox: inbox, up_demand: demand}))
    end
  end

  defp handle([], s), do: s

  defp handle([{batch, ask} | rest], s) do
    out = for e <- batch, do: e + 1
    s = emit(out, s)
    if ask > 0, do: send(s.up, {:"$gen_producer", {self(), s.up_ref}, {:ask, ask}})
    handle(rest, s)
  end

  # Sends what the consumer wants; keeps the rest in the buffer.
  defp emit(out, %{down_demand: 0} = s), do: %{s | buffer: s.buffer ++ out}

  defp emit(out, s) do
    {pid, ref} = s.down
    {now, later} = split(out, s.down_demand, [])
    send(pid, {:"$gen_consumer", {self(), ref}, now})
    %{s | buffer: s.buffer ++ later, down_demand: s.down_demand - length(now)}
  end

  defp send_buffer(%{buffer: []} = s), do: s

  defp send_buffer(s) do
    buffered = s.buffer
    emit(buffered, %{s | buffer: []})
  end

  # -- consumer: counts; with work > 0, burns a little CPU per event; samples memory halfway

  def consumer(upstream, main, n, work, baseline) do
    ref = subscribe(upstream)
    consumer_loop(%{
      up: upstream,
      ref: ref,
      demand: @max,
      seen: 0,
      n: n,
      main: main,
      work: work,
      baseline: baseline,
      sampled: false,
      inflight: 0,
      produced: :persistent_term.get(:produced)
    })
  end

  defp consumer_loop(s) do
    receive do
      {:"$gen_consumer", {_pid, _ref}, events} ->
        {bs, demand} = batches(events, s.demand, [])
        s = consume(bs, %{s | demand: demand})
        if s.seen >= s.n, do: send(s.main, {:done, s.inflight}), else: consumer_loop(s)

      {:DOWN, _, _, _, reason} ->
        exit(reason)
    end
  end

  defp consume([], s), do: s

  defp consume([{batch, ask} | rest], s) do
    if s.work > 0, do: Enum.each(batch, fn e -> burn(e, s.work, 0) end)
    seen = s.seen + length(batch)

    s =
      if not s.sampled and s.baseline > 0 and seen >= div(s.n, 2) do
        send(s.main, {:held, used_memory() - s.baseline})
        %{s | sampled: true}
      else
        s
      end

    inflight = max(s.inflight, :atomics.get(s.produced, 1) - seen)
    if ask > 0, do: send(s.up, {:"$gen_producer", {self(), s.ref}, {:ask, ask}})
    consume(rest, %{s | seen: seen, inflight: inflight})
  end

  defp burn(_e, 0, acc), do: acc
  defp burn(e, i, acc), do: burn(e, i - 1, Bitwise.band(acc + e * i, 0xFFFFFFF))

  def used_memory do
    for p <- Process.list(), do: :erlang.garbage_collect(p)
    :erlang.memory(:total)
  end

  def run(n, work, sample) do
    main = self()
    :persistent_term.put(:produced, :atomics.new(1, []))
    baseline = if sample, do: used_memory(), else: 0

    t0 = System.monotonic_time(:nanosecond)
    p = spawn(fn -> producer(0) end)
    m = spawn(fn -> middle(p) end)
    c = spawn(fn -> consumer(m, main, n, work, baseline) end)
    {held, inflight} = wait(0)
    rate = n / ((System.monotonic_time(:nanosecond) - t0) / 1.0e9)
    for pid <- [p, m, c], do: Process.exit(pid, :kill)
    {rate, held, inflight}
  end

  defp wait(held) do
    receive do
      {:done, inflight} -> {held, inflight}
      {:held, h} -> wait(h)
    end
  end
end

n = Bench.size(5_000_000)
Pipeline.run(max(1, div(n, 2)), 0, false)
{rate, _, _} = Pipeline.run(n, 0, false)
Bench.report("genstage_events", rate, "events/s")

slow = Bench.size(200_000)
{rate, held, inflight} = Pipeline.run(slow, 200, true)
Bench.report("genstage_slow_held", held / 1024, "KB")
Bench.report("genstage_slow_events", rate, "events/s")
Bench.report("genstage_slow_inflight_max", inflight, "events")
