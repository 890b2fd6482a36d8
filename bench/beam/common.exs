# Helpers shared by the BEAM programs. Each program prints lines `name value unit`, with the
# same metric names as the JavaScript programs. Hot loops live in modules (compiled), never
# in top-level script code (evaluated).
defmodule Bench do
  @scale (case System.get_env("SCALE") do
            nil -> 1.0
            s -> elem(Float.parse(s), 0)
          end)

  @doc "The size to use for a workload whose full size is n (at least 1)."
  def size(n), do: max(1, round(n * @scale))

  @doc "The warm-up size: a tenth of the full size."
  def warm(n), do: max(1, div(n, 10))

  @doc "Runs fun once; returns operations per second for ops operations."
  def rate(ops, fun) do
    t0 = System.monotonic_time(:nanosecond)
    fun.()
    ops / ((System.monotonic_time(:nanosecond) - t0) / 1.0e9)
  end

  def report(name, value, unit) when abs(value) < 100 do
    IO.puts("#{name} #{:erlang.float_to_binary(value / 1, decimals: 2)} #{unit}")
  end

  def report(name, value, unit), do: IO.puts("#{name} #{round(value)} #{unit}")

  @doc "Receives n copies of msg."
  def await_n(_msg, 0), do: :ok

  def await_n(msg, n) do
    receive do
      ^msg -> await_n(msg, n - 1)
    end
  end
end
