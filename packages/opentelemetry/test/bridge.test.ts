// The OpenTelemetry bridge against the SDK's in-memory exporters.

import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from "@opentelemetry/sdk-metrics";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { connectInMemory, createRuntime, type Pid, receive, send } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { instrument } from "@trellis/opentelemetry";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, it } from "vitest";

const { ok, reply, noreply } = GenServer.Result;

type Calls =
  | GenServer.Request<"ping", string>
  | GenServer.Request<"hang", never>
  | GenServer.Request<"boom", never>;

const Pong = GenServer.define({
  init: () => ok(null),
  handleCall: (r: Calls, _from, s: null) => {
    if (r === "boom") throw new Error("boom");
    return r === "hang" ? noreply(s) : reply("pong", s);
  },
});

function tracing() {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  return { exporter, provider };
}

function byName(spans: readonly ReadableSpan[], name: string): ReadableSpan[] {
  return spans.filter((s) => s.name === name);
}

describe("traces", () => {
  it("a client span per call, and the server's handleCall as its child", () =>
    withRuntime(async ({ runtime }) => {
      const { exporter, provider } = tracing();
      const inst = instrument({ runtime, tracerProvider: provider, metrics: false });
      const server = await GenServer.start(Pong, undefined);
      expect(await GenServer.call(server, "ping")).toBe("pong");
      inst.stop();
      await GenServer.stop(server);
      const spans = exporter.getFinishedSpans();
      const [client] = byName(spans, "GenServer.call");
      const [handled] = byName(spans, "GenServer.handleCall");
      expect(client?.kind).toBe(SpanKind.CLIENT);
      expect(handled?.kind).toBe(SpanKind.SERVER);
      expect(handled?.spanContext().traceId).toBe(client?.spanContext().traceId);
      expect(handled?.parentSpanContext?.spanId).toBe(client?.spanContext().spanId);
      expect(client?.attributes["trellis.target"]).toBe(String(server));
      expect(client?.status.code).toBe(SpanStatusCode.UNSET);
    }));

  it("a call that times out, or whose handler throws, ends with an error status", () =>
    withRuntime(async ({ runtime }) => {
      const { exporter, provider } = tracing();
      const inst = instrument({ runtime, tracerProvider: provider, metrics: false });
      const server = await GenServer.start(Pong, undefined);
      await expect(GenServer.call(server, "hang", { timeout: 100 })).rejects.toThrow();
      await expect(GenServer.call(server, "boom")).rejects.toThrow();
      inst.stop();
      const spans = exporter.getFinishedSpans();
      const clients = byName(spans, "GenServer.call");
      expect(clients.map((s) => [s.status.code, s.status.message])).toEqual([
        [SpanStatusCode.ERROR, "timeout"],
        [SpanStatusCode.ERROR, "boom"],
      ]);
      const [handled] = byName(spans, "GenServer.handleCall").filter(
        (s) => s.status.code === SpanStatusCode.ERROR,
      );
      expect(handled?.events.map((e) => e.name)).toEqual(["exception"]);
    }));

  it("the trace context crosses nodes inside the call", async () => {
    const a = createRuntime({ node: "a@host", clock: "virtual" });
    const b = createRuntime({ node: "b@host", clock: "virtual" });
    const conn = connectInMemory(a, b);
    const { exporter, provider } = tracing();
    const ia = instrument({ runtime: a, tracerProvider: provider, metrics: false });
    const ib = instrument({ runtime: b, tracerProvider: provider, metrics: false });
    try {
      const server = await b.run(() => GenServer.start(Pong, undefined));
      expect(await a.run(() => GenServer.call(server as Pid, "ping"))).toBe("pong");
      const spans = exporter.getFinishedSpans();
      const [client] = byName(spans, "GenServer.call");
      const [handled] = byName(spans, "GenServer.handleCall");
      expect(handled?.parentSpanContext?.spanId).toBe(client?.spanContext().spanId);
      expect(handled?.parentSpanContext?.isRemote).toBe(true);
    } finally {
      ia.stop();
      ib.stop();
      conn.disconnect();
      await a.shutdown();
      await b.shutdown();
    }
  });
});

describe("metrics", () => {
  it("process count, mailbox lengths, restarts and call durations", () =>
    withRuntime(async ({ runtime }) => {
      const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
      const reader = new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: 3_600_000,
      });
      const meterProvider = new MeterProvider({ readers: [reader] });
      const inst = instrument({ runtime, meterProvider, traces: false });
      const server = await GenServer.start(Pong, undefined);
      await GenServer.call(server, "ping");
      await GenServer.call(server, "ping");
      const sink = runtime.spawn(() => receive(() => false));
      for (let i = 0; i < 3; i++) send(sink, i);
      const sup = await Supervisor.start(
        [{ ...GenServer.childSpec(Pong, undefined), id: "pong" }],
        {
          strategy: "one_for_one",
        },
      );
      const [child] = await Supervisor.whichChildren(sup);
      runtime.exit(child?.pid as Pid, "kill");
      await Supervisor.whichChildren(sup); // the restart has happened once this answers
      await reader.forceFlush();
      const metrics = exporter
        .getMetrics()
        .flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics));
      const find = (name: string) => metrics.filter((m) => m.descriptor.name === name).at(-1);
      const count = find("trellis.process.count");
      expect(count?.dataPoints[0]?.value).toBe(runtime.processes().length);
      const mailbox = find("trellis.mailbox.length");
      const points = Object.fromEntries(
        (mailbox?.dataPoints ?? []).map((p) => [
          String(p.attributes["trellis.aggregate"]),
          p.value,
        ]),
      );
      expect(points).toEqual({ sum: 3, max: 3 });
      const restarts = find("trellis.supervisor.restarts");
      expect(restarts?.dataPoints[0]).toMatchObject({
        value: 1,
        attributes: { "trellis.child": "pong" },
      });
      const duration = find("trellis.call.duration");
      expect(duration?.dataPointType).toBe(DataPointType.HISTOGRAM);
      const ok = duration?.dataPoints.find(
        (p) => p.attributes["trellis.operation"] === "GenServer.call",
      );
      expect(ok?.value).toMatchObject({ count: 2 });
      inst.stop();
      runtime.exit(sink, "kill");
      await Supervisor.stop(sup);
      await GenServer.stop(server);
      await meterProvider.shutdown();
    }));
});
