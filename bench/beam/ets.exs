# ETS: 1M inserts of shuffled integer keys into an empty table, then 1M lookups in another
# shuffled order: a set with integer keys, a set with 2-tuple keys {k, rem(k, 1000)}, and an
# ordered_set; then 1,000 range scans of 100 rows on the ordered_set (ets:lookup + ets:next
# from a random start). Warm-up: the same at 1/10 size. The shuffles are not timed. Also
# 1M :ets.update_counter on the set's existing integer keys, and the memory per row of the
# full set and ordered_set (:ets.info(t, :memory) words × word size / rows).
Code.require_file("common.exs", __DIR__)

defmodule EtsBench do
  @scans 1_000
  @rows 100

  def insert(_t, []), do: :ok

  def insert(t, [k | ks]) do
    :ets.insert(t, {k, k})
    insert(t, ks)
  end

  def lookup(_t, [], acc), do: acc

  def lookup(t, [k | ks], acc) do
    [{_, v}] = :ets.lookup(t, k)
    lookup(t, ks, acc + v)
  end

  def insert_tuple(_t, []), do: :ok

  def insert_tuple(t, [k | ks]) do
    :ets.insert(t, {{k, rem(k, 1000)}, k})
    insert_tuple(t, ks)
  end

  def lookup_tuple(_t, [], acc), do: acc

  def lookup_tuple(t, [k | ks], acc) do
    [{_, v}] = :ets.lookup(t, {k, rem(k, 1000)})
    lookup_tuple(t, ks, acc + v)
  end

  def update_counter(_t, [], acc), do: acc

  def update_counter(t, [k | ks], acc) do
    update_counter(t, ks, acc + :ets.update_counter(t, k, 1))
  end

  defp row_memory(t), do: :ets.info(t, :memory) * :erlang.system_info(:wordsize) / :ets.info(t, :size)

  def scans(_t, [], acc), do: acc

  def scans(t, [lo | los], acc) do
    rows = scan(t, lo, @rows, [])
    scans(t, los, acc + length(rows))
  end

  defp scan(_t, :"$end_of_table", _n, acc), do: :lists.reverse(acc)
  defp scan(_t, _k, 0, acc), do: :lists.reverse(acc)

  defp scan(t, k, n, acc) do
    [row] = :ets.lookup(t, k)
    scan(t, :ets.next(t, k), n - 1, [row | acc])
  end

  def suite(n, print) do
    ins = Enum.shuffle(0..(n - 1))
    look = Enum.shuffle(0..(n - 1))
    sum = div(n * (n - 1), 2)

    set = :ets.new(:set, [:set, :public])
    set_insert = Bench.rate(n, fn -> insert(set, ins) end)
    set_row_memory = row_memory(set)
    set_lookup = Bench.rate(n, fn -> ^sum = lookup(set, look, 0) end)
    sum_plus_n = sum + n
    update_counter = Bench.rate(n, fn -> ^sum_plus_n = update_counter(set, look, 0) end)
    :ets.delete(set)

    tset = :ets.new(:tset, [:set, :public])
    tuple_insert = Bench.rate(n, fn -> insert_tuple(tset, ins) end)
    tuple_lookup = Bench.rate(n, fn -> ^sum = lookup_tuple(tset, look, 0) end)
    :ets.delete(tset)

    oset = :ets.new(:oset, [:ordered_set, :public])
    oset_insert = Bench.rate(n, fn -> insert(oset, ins) end)
    oset_row_memory = row_memory(oset)
    oset_lookup = Bench.rate(n, fn -> ^sum = lookup(oset, look, 0) end)
    starts = for _ <- 1..@scans, do: :rand.uniform(max(1, n - @rows)) - 1
    expected = @scans * min(@rows, n)
    range = Bench.rate(@scans, fn -> ^expected = scans(oset, starts, 0) end)
    :ets.delete(oset)

    if print do
      Bench.report("ets_set_insert", set_insert, "ops/s")
      Bench.report("ets_set_lookup", set_lookup, "ops/s")
      Bench.report("ets_set_tuple_insert", tuple_insert, "ops/s")
      Bench.report("ets_set_tuple_lookup", tuple_lookup, "ops/s")
      Bench.report("ets_oset_insert", oset_insert, "ops/s")
      Bench.report("ets_oset_lookup", oset_lookup, "ops/s")
      Bench.report("ets_oset_range100", range, "scans/s")
      Bench.report("ets_update_counter", update_counter, "ops/s")
      Bench.report("ets_set_row_memory", set_row_memory, "B")
      Bench.report("ets_oset_row_memory", oset_row_memory, "B")
    end
  end
end

n = Bench.size(1_000_000)
EtsBench.suite(max(101, Bench.warm(n)), false)
EtsBench.suite(n, true)
