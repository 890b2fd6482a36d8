// A process body runs in a context that holds its process, copied from the scheduler pass's
// context, and the pass's context is restored after each body (ADR 0004, session 4: on
// Node 24+ one context frame per body instead of two). Checked on whatever Node runs the
// tests: many bodies started in one pass each find themselves after `await`, other
// AsyncLocalStorage stores current at spawn time reach the body, and nothing of a body's
// context leaks into code that runs after it outside processes.
import { AsyncLocalStorage } from "node:async_hooks";
import {
  createRuntime,
  inProcess,
  type Pid,
  receive,
  self,
  send,
  sleep,
  spawn,
} from "@trellis/core";
import { describe, expect, it } from "vitest";

describe("process bodies' async context", () => {
  it("bodies started in one pass each see themselves before and after await", async () => {
    const rt = createRuntime();
    const n = 200;
    const seen = await rt.run(async () => {
      const me = self();
      const pids: Pid[] = [];
      for (let i = 0; i < n; i++)
        pids.push(
          spawn(async (pid) => {
            const before = self();
            await sleep(1);
            const after = self();
            send(me, { pid, ok: before === pid && after === pid });
          }),
        );
      const out = new Map<Pid, boolean>();
      for (let i = 0; i < n; i++) {
        const m = await receive<{ pid: Pid; ok: boolean }>();
        out.set(m.pid, m.ok);
      }
      return pids.map((p) => out.get(p));
    });
    expect(seen).toEqual(new Array(n).fill(true));
    await rt.shutdown();
  });

  it("a store current when the process was spawned from outside reaches its body, also after await", async () => {
    const rt = createRuntime();
    const user = new AsyncLocalStorage<string>();
    const got: (string | undefined)[] = [];
    const done = new Promise<void>((resolve) => {
      user.run("request-1", () => {
        rt.spawn(async () => {
          got.push(user.getStore());
          await sleep(1);
          got.push(user.getStore());
          resolve();
        });
      });
    });
    await done;
    expect(got).toEqual(["request-1", "request-1"]);
    await rt.shutdown();
  });

  it("after a body returns, the code that runs next outside processes is outside processes", async () => {
    const rt = createRuntime();
    const outside: boolean[] = [];
    await new Promise<void>((resolve) => {
      for (let i = 0; i < 5; i++)
        rt.spawn(async () => {
          // a reaction scheduled by the body belongs to the body's (live) process
          void Promise.resolve().then(() => outside.push(inProcess()));
          await receive();
        });
      // scheduled after the spawns, from outside: runs after the pass, in no process
      setImmediate(() => {
        outside.push(inProcess());
        resolve();
      });
    });
    expect(outside).toEqual([true, true, true, true, true, false]);
    await rt.shutdown();
  });
});
