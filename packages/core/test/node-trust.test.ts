// Forging signals and reaching internals (issue #16, items 4 and 5): signals from another
// node enter only through the Inbound a transport got from connect, and only as that node.
import {
  BadArgumentError,
  connectInMemory,
  createRuntime,
  type Inbound,
  type LogReport,
  Pid,
  receive,
  type Signal,
} from "@trellis/core";
import { describe, expect, it } from "vitest";

function pair(): {
  a: ReturnType<typeof createRuntime>;
  b: ReturnType<typeof createRuntime>;
  logs: LogReport[];
} {
  const logs: LogReport[] = [];
  const logger = { log: (r: LogReport) => void logs.push(r) };
  return {
    a: createRuntime({ node: "a@host", clock: "virtual", logger }),
    b: createRuntime({ node: "b@host", clock: "virtual", logger }),
    logs,
  };
}

describe("Runtime.connect", () => {
  it("has no public receiveSignal: nothing but an Inbound injects signals", () => {
    const rt = createRuntime({ node: "a@host" });
    expect((rt as unknown as Record<string, unknown>)["receiveSignal"]).toBeUndefined();
  });

  it("never replaces a live connection", async () => {
    const { a, b } = pair();
    connectInMemory(a, b);
    expect(() => a.connect("b@host", { deliver: () => {} })).toThrow(BadArgumentError);
    expect(() => connectInMemory(a, b)).toThrow(BadArgumentError);
    await a.shutdown();
    await b.shutdown();
  });

  it.each([
    ["not a node name", "nohost", { deliver: () => {} }],
    ["its own node", "a@host", { deliver: () => {} }],
    ["a transport without deliver", "b@host", {}],
    ["no transport", "b@host", undefined],
  ])("rejects %s", (_name, node, transport) => {
    const rt = createRuntime({ node: "a@host" });
    expect(() => rt.connect(node as string, transport as never)).toThrow(BadArgumentError);
  });

  it("an Inbound accepts only senders on its peer and targets here, and dies with the connection", async () => {
    const { a, logs } = pair();
    const sent: Signal[] = [];
    const inbound: Inbound = a.connect("b@host", { deliver: (s) => void sent.push(s) });
    const victim = a.spawn(() => receive(() => false));
    await new Promise((r) => setImmediate(r));
    // a forged exit claiming to come from a third node: dropped
    const third = new Pid("c@host", 1, 0, 1);
    inbound.receive({ type: "exit", from: third, to: victim, reason: "kill", link: false });
    // garbage: dropped
    inbound.receive({ type: "bogus" } as unknown as Signal);
    inbound.receive(null as unknown as Signal);
    expect(a.isAlive(victim)).toBe(true);
    expect(logs.filter((r) => r.kind === "warning").length).toBe(3);
    // a genuine exit from the peer works
    const peerPid = new Pid("b@host", 7, 0, 1);
    inbound.receive({ type: "exit", from: peerPid, to: victim, reason: "remote", link: false });
    expect(a.isAlive(victim)).toBe(false);
    // after disconnect, the inbound is dead
    a.disconnect("b@host");
    const other = a.spawn(() => receive(() => false));
    inbound.receive({ type: "exit", from: peerPid, to: other, reason: "late", link: false });
    expect(a.isAlive(other)).toBe(true);
    await a.shutdown();
  });
});

describe("pids keep the runtime's internals private (item 5)", () => {
  it("a pid has no $proc, and its own keys are its identity only", () => {
    const rt = createRuntime();
    const pid = rt.spawn(() => receive(() => false));
    expect((pid as unknown as Record<string, unknown>)["$proc"]).toBeUndefined();
    expect(Object.keys(pid).sort()).toEqual(["creation", "id", "node", "serial"]);
    rt.exit(pid, "kill");
  });
});
