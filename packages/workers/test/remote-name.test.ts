// `{ name, node }` as a destination across worker nodes: the carrier takes the named
// signals (send, call, monitor, demonitor, DOWN by name) over its MessagePort.
import {
  call,
  type DownMessage,
  demonitor,
  exit,
  isDown,
  monitor,
  NoProcessError,
  type Pid,
  self,
  send,
} from "@trellis/core";
import { describe, expect, it } from "vitest";
import { callOn, spawnOn, startWorkerNode } from "../src/index.js";
import { expectReceive, mainRuntime, NODES } from "./support.js";

const downFor =
  (ref: unknown) =>
  (m: unknown): m is DownMessage =>
    isDown(m) && m.ref === ref;

describe("{ name, node } across worker nodes", () => {
  it("send, call, monitor and demonitor by name reach the worker; DOWNs carry the name", async () => {
    const rt = mainRuntime();
    await rt.run(async () => {
      const w = await startWorkerNode({ module: NODES, start: "start", args: ["hi"] });
      // the boot export registered "greeter" there
      send({ name: "greeter", node: w.node }, { from: self(), name: "main" });
      expect(await expectReceive((m): m is string => typeof m === "string")).toBe(
        `hi, main from ${w.node}`,
      );
      const server = await spawnOn(w.node, { module: NODES, function: "rawServer" });
      await callOn(w.node, {
        module: "@trellis/core",
        function: "register",
        args: ["raw", server],
      });
      const raw = { name: "raw", node: w.node };
      expect(await call(raw, { q: 1 }, { timeout: 5000 })).toEqual({
        answer: { q: 1 },
        node: w.node,
      });
      const nobody = monitor({ name: "nobody", node: w.node });
      const d1 = await expectReceive(downFor(nobody));
      expect(d1.pid).toEqual({ name: "nobody", node: w.node });
      expect(d1.reason).toBe("noproc");
      await expect(
        call({ name: "nobody", node: w.node }, 1, { timeout: 5000 }),
      ).rejects.toBeInstanceOf(NoProcessError);
      const dropped = monitor(raw);
      expect(demonitor(dropped)).toBe(true);
      const ref = monitor(raw);
      exit(server as Pid, "bye");
      const d2 = await expectReceive(downFor(ref));
      expect(d2.pid).toEqual(raw);
      expect(d2.reason).toBe("bye");
      expect(rt.pendingCalls()).toBe(0);
    });
  });
});
