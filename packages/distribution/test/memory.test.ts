// Two runtimes on one virtual clock, connected through the distribution's control messages
// (connectOverControlMessages): the same encoding and semantics as over TCP, deterministic.
import {
  BadArgumentError,
  CallTimeoutError,
  createRuntime,
  DownMessage,
  ExitMessage,
  type LogReport,
  link,
  monitor,
  type Pid,
  type Runtime,
  receive,
  self,
  send,
  trapExit,
  VirtualClock,
} from "@trellis/core";
import { assertNoLeaks } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";
import { atom, connectOverControlMessages } from "../src/index.js";

interface Nodes {
  clock: VirtualClock;
  a: Runtime;
  b: Runtime;
  logs: LogReport[];
  disconnect(): void;
}

async function withNodes(body: (nodes: Nodes) => Promise<void>): Promise<void> {
  const clock = new VirtualClock();
  const logs: LogReport[] = [];
  const logger = { log: (r: LogReport) => void logs.push(r) };
  const a = createRuntime({ clock, node: "a@host", creation: 1, logger });
  const b = createRuntime({ clock, node: "b@host", creation: 7, logger });
  const connection = connectOverControlMessages(a, b);
  try {
    await body({ clock, a, b, logs, disconnect: () => connection.disconnect() });
    await clock.settle();
    assertNoLeaks(a);
    assertNoLeaks(b);
  } finally {
    await a.shutdown();
    await b.shutdown();
  }
}

const { ok, reply, noreply } = GenServer.Result;
const Echo = GenServer.define({
  init: () => ok(0),
  handleCall: (req: unknown, _from, n: number) =>
    req === "silence" ? noreply(n) : reply([atom("echo"), req], n),
  handleCast: (_req: unknown, n: number) => noreply(n + 1),
});

describe("connectOverControlMessages", () => {
  it("carries GenServer calls as ETF, with call timeouts on the virtual clock", () =>
    withNodes(async ({ a, b, clock, logs }) => {
      const server = await b.run(() => GenServer.start(Echo, undefined));
      await a.run(async () => {
        const sent = { k: [1, 2], s: "text" };
        const got = (await GenServer.call(server, sent)) as [unknown, typeof sent];
        // the request went through the wire format: equal, but not the same object
        expect(got).toEqual([atom("echo"), sent]);
        expect(got[1]).not.toBe(sent);
        const t0 = clock.now();
        await expect(GenServer.call(server, "silence", { timeout: 500 })).rejects.toBeInstanceOf(
          CallTimeoutError,
        );
        expect(clock.now() - t0).toBe(500);
      });
      await b.run(() => GenServer.stop(server));
      expect(logs).toEqual([]);
    }));

  it("carries { name, node } sends, monitors and GenServer calls as REG_SEND and MONITOR_P", () =>
    withNodes(async ({ a, b, logs }) => {
      const server = await b.run(() => GenServer.start(Echo, undefined, { name: "echo" }));
      const echo = { name: "echo", node: "b@host" };
      await a.run(async () => {
        expect(await GenServer.call(echo, "hi")).toEqual([atom("echo"), "hi"]);
        const nobody = monitor({ name: "nobody", node: "b@host" });
        const d1 = (await receive(
          (m) => m instanceof DownMessage && m.ref === nobody,
        )) as DownMessage;
        expect(d1.pid).toEqual({ name: "nobody", node: "b@host" });
        expect(d1.reason).toBe("noproc");
        const ref = monitor(echo);
        send({ name: "nobody", node: "b@host" }, "dropped");
        send(echo, "not a call");
        await b.run(() => GenServer.stop(server));
        const d2 = (await receive((m) => m instanceof DownMessage && m.ref === ref)) as DownMessage;
        expect(d2.pid).toEqual(echo);
        expect(d2.reason).toBe("normal");
      });
      expect(b.isAlive(server)).toBe(false);
      // the message by name reached the server (which logs it); the one to "nobody" vanished
      expect(logs.map((r) => r["unexpectedMessage"])).toEqual(["not a call"]);
    }));

  it("maps values as the wire does, and refuses what has no Erlang form", () =>
    withNodes(async ({ a, b }) => {
      const inbox = b.spawn(async () => {
        const [from, m] = (await receive()) as [Pid, unknown];
        send(from, m);
      });
      await a.run(async () => {
        send(inbox, [self(), [atom("t"), "text", 2n ** 70n, 1.5]]);
        const back = await receive(() => true, { timeout: 1000 });
        expect(back).toEqual([atom("t"), "text", 2n ** 70n, 1.5]);
        expect(() => send(inbox, () => 1)).toThrow(BadArgumentError);
      });
      b.exit(inbox, "kill");
    }));

  it("gives noconnection to links and monitors across it when it goes down", () =>
    withNodes(async ({ a, b, clock, disconnect }) => {
      const far = b.spawn(() => receive());
      const watcher = a.run(async () => {
        trapExit(true);
        link(far);
        const ref = monitor(far);
        await clock.settle();
        disconnect();
        const first = await receive(() => true, { timeout: 1000 });
        const second = await receive(() => true, { timeout: 1000 });
        return { ref, got: [first, second] };
      });
      const { ref, got } = await watcher;
      expect(got).toContainEqual(new ExitMessage(far, "noconnection"));
      expect(got).toContainEqual(new DownMessage(ref, far, "noconnection"));
      expect(a.nodes()).toEqual([]);
      expect(b.nodes()).toEqual([]);
      b.exit(far, "kill");
    }));

  it("refuses runtimes without distinct node names, or already connected", () => {
    const a = createRuntime({ node: "a@host" });
    const b = createRuntime({ node: "a@host" });
    const anonymous = createRuntime();
    expect(() => connectOverControlMessages(a, b)).toThrow(BadArgumentError);
    expect(() => connectOverControlMessages(a, anonymous)).toThrow(BadArgumentError);
    const c = createRuntime({ node: "c@host" });
    connectOverControlMessages(a, c);
    expect(() => connectOverControlMessages(a, c)).toThrow(BadArgumentError);
  });
});
