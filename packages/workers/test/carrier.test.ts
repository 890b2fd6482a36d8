// The carrier on its own: two runtimes of one thread joined by a MessageChannel, so the
// batch format, the intern tables and bad input can be tested without worker threads.
import { MessageChannel } from "node:worker_threads";
import {
  call,
  createRuntime,
  exit,
  isDown,
  monitor,
  type Ref,
  type Runtime,
  self,
  send,
} from "@trellis/core";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { BatchReader, BatchWriter } from "../src/batch.js";
import type { Carrier } from "../src/carrier.js";
import { contextOf } from "../src/node-context.js";
import { spawnOn } from "../src/remote.js";
import { expectReceive, has, NODES } from "./support.js";

const runtimes: Runtime[] = [];
afterEach(async () => {
  for (const rt of runtimes.splice(0)) await rt.shutdown();
});

/** Two nodes of this thread, connected; returns them and the carrier of each. */
function pair(): { a: Runtime; b: Runtime; ab: Carrier; ba: Carrier } {
  const a = createRuntime({ node: "a@localhost" });
  const b = createRuntime({ node: B, logger: { log: () => {} } });
  runtimes.push(a, b);
  const { port1, port2 } = new MessageChannel();
  const ab = contextOf(a).attach(B, port1);
  const ba = contextOf(b).attach("a@localhost", port2);
  return { a, b, ab, ba };
}

const B = "b@localhost";

describe("batches", () => {
  it("read back what was written, in order; rewind drops a half-written signal", () => {
    const w = new BatchWriter();
    for (let i = 0; i < 5000; i++) w.num(i * 1.5);
    w.obj("x");
    const n = w.n;
    const o = w.objs.length;
    w.num(-1);
    w.obj({ half: true });
    w.rewind(n, o);
    w.obj("y");
    const b = w.take();
    expect(w.empty).toBe(true);
    const r = new BatchReader();
    expect(r.reset(b)).toBe(true);
    for (let i = 0; i < 5000; i++) expect(r.num()).toBe(i * 1.5);
    expect(r.more).toBe(false);
    expect(r.num()).toBeNaN();
    expect([r.obj(), r.obj(), r.obj()]).toEqual(["x", "y", undefined]);
    expect(r.reset([1, 2])).toBe(false);
    expect(r.reset([new Float64Array(1)])).toBe(false);
  });
});

describe("carrier", () => {
  it("carries calls both ways, many per batch", async () => {
    const { a } = pair();
    await a.run(async () => {
      const server = await spawnOn(B, { module: NODES, function: "rawServer" });
      const answers = await Promise.all(Array.from({ length: 500 }, (_, i) => call(server, i)));
      expect(answers).toEqual(Array.from({ length: 500 }, (_, i) => ({ answer: i, node: B })));
    });
  });

  it("a ref held across many generations of refs comes back as the same object", async () => {
    const { a } = pair();
    await a.run(async () => {
      const server = await spawnOn(B, { module: NODES, function: "rawServer" });
      const target = await spawnOn(B, { module: NODES, function: "idle" });
      const echo = await spawnOn(B, { module: NODES, function: "echo", args: [self()] });
      await expectReceive(has("ready"));
      const watched: Ref = monitor(target);
      // 20,000 calls: a fresh ref each, five times the young generations' size
      for (let round = 0; round < 40; round++)
        await Promise.all(Array.from({ length: 500 }, (_, i) => call(server, i)));
      // the peer sends the ref back in a DOWN: the same object, so the monitor is found
      exit(target, "kill");
      const down = await expectReceive((m) => isDown(m), 3000);
      expect(down.ref).toBe(watched);
      expect(down.reason).toBe("killed");
      // and inside a message
      send(echo, watched);
      const back = await expectReceive(has("echo"), 3000);
      expect(back.echo).toBe(watched);
    });
  });

  it("drops what does not read as a batch, and goes on carrying", async () => {
    const { a, b, ba } = pair();
    // Junk can name pids 0..12 of either node (and does: killing, linking, monitoring
    // them, as a peer may): the processes this test needs get higher ids.
    for (let i = 0; i < 20; i++) {
      a.spawn(() => {});
      b.spawn(() => {});
    }
    const server = await a.run(() => spawnOn(B, { module: NODES, function: "rawServer" }));
    const junk = fc.oneof(
      fc.anything(),
      fc.tuple(
        fc.float64Array({ maxLength: 40 }),
        fc.array(fc.oneof(fc.anything(), fc.string()), { maxLength: 8 }),
      ),
      fc.tuple(
        fc
          .array(fc.integer({ min: -1, max: 12 }), { maxLength: 40 })
          .map((xs) => Float64Array.from(xs)),
        fc.array(fc.anything(), { maxLength: 8 }),
      ),
    );
    fc.assert(
      fc.property(junk, (batch) => {
        ba.receive(batch);
      }),
      { numRuns: 2000 },
    );
    await a.run(async () => {
      expect(await call(server, "still here")).toEqual({ answer: "still here", node: B });
    });
  });
});
