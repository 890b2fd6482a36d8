// An async process body's promise is awaited from inside the process's own async context,
// with shared handlers that find the process there (ADR 0004, session 3). These check that
// each completion is attributed to its own process, however the bodies interleave, and that
// a foreign thenable (which may call back from anywhere) still ends the right process.
import {
  downFor,
  type Pid,
  receive,
  self,
  send,
  sleep,
  spawnMonitor,
  TIMEOUT,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { describe, expect, it } from "vitest";

describe("async process bodies end the process they belong to", () => {
  it("bodies that settle in reverse order of spawning each give their own DOWN reason", () =>
    withRuntime(async () => {
      const n = 20;
      const procs: [Pid, ReturnType<typeof spawnMonitor>[1]][] = [];
      for (let i = 0; i < n; i++) {
        const [pid, ref] = spawnMonitor(async () => {
          // later spawns finish first; odd ones reject with their own index
          await sleep((n - i) * 5);
          if (i % 2 === 1) throw new Error(`body ${i}`);
          return i;
        });
        procs.push([pid, ref]);
      }
      for (let i = 0; i < n; i++) {
        const [pid, ref] = procs[i] as [Pid, ReturnType<typeof spawnMonitor>[1]];
        const down = await receive(downFor(ref));
        expect(down.pid).toBe(pid);
        if (i % 2 === 1) {
          expect(down.reason).toBeInstanceOf(Error);
          expect((down.reason as Error).message).toBe(`body ${i}`);
        } else {
          expect(down.reason).toBe("normal");
        }
      }
    }));

  it("self() inside the body and the pid the DOWN names agree, for bodies resumed by messages", () =>
    withRuntime(async () => {
      const main = self();
      const body = async (): Promise<void> => {
        const m = await receive<string>();
        send(main, [self(), m]);
        if (m === "crash") throw new Error("asked to");
      };
      const [a, ra] = spawnMonitor(body);
      const [b, rb] = spawnMonitor(body);
      send(b, "crash");
      send(a, "ok");
      const said = (pid: Pid) => (m: unknown) => Array.isArray(m) && m[0] === pid;
      expect(await receive(said(b))).toEqual([b, "crash"]);
      expect(await receive(said(a))).toEqual([a, "ok"]);
      const downB = await receive(downFor(rb));
      expect((downB.reason as Error).message).toBe("asked to");
      expect((await receive(downFor(ra))).reason).toBe("normal");
    }));

  it("a body returning a foreign thenable ends with its value or its rejection", () =>
    withRuntime(async () => {
      const main = self();
      // calls back later, from a timer outside any process context
      const later = (ok: boolean): PromiseLike<unknown> => ({
        // biome-ignore lint/suspicious/noThenProperty: a deliberate thenable
        then(onOk, onErr) {
          setTimeout(() => (ok ? onOk?.("fine") : onErr?.(new Error("foreign"))), 1);
          return undefined as never;
        },
      });
      const [, okRef] = spawnMonitor(() => {
        send(main, "ran");
        return later(true);
      });
      const [, errRef] = spawnMonitor(() => later(false));
      expect(await receive()).toBe("ran");
      expect((await receive(downFor(okRef))).reason).toBe("normal");
      expect(((await receive(downFor(errRef))).reason as Error).message).toBe("foreign");
      expect(await receive(() => true, { timeout: 0 })).toBe(TIMEOUT);
    }));
});
