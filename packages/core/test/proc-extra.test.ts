// A process keeps its rarely set fields in a side object made on the first write of one, and
// is its own mailbox (ADR 0004, second round). These check that an idle process makes no side
// object, that every field reads back what was written, and that what processInfo shows of
// those fields is unchanged.

import type { Pid } from "@trellis/core";
import {
  exit,
  link,
  processInfo,
  putProcessData,
  receive,
  register,
  self,
  send,
  spawn,
  startSpecial,
  TIMEOUT,
  trapExit,
  unlink,
} from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import { expect, it } from "vitest";
import { procOf } from "../src/pid.js";
import { Proc } from "../src/runtime/proc.js";

it("an idle process waiting in receive has no side object, and its mailbox is itself", () =>
  withRuntime(async () => {
    const idle = spawn(async () => {
      await receive((m) => m === "go");
    });
    await receive(undefined, { timeout: 1 });
    const p = procOf(idle) as Proc;
    expect(p.x).toBeUndefined();
    expect(p.mailbox).toBe(p);
    send(idle, "a");
    send(idle, "b");
    expect(p.mailbox.toArray()).toEqual(["a", "b"]);
    expect(processInfo(idle)?.messageQueueLength).toBe(2);
    expect(p.x).toBeUndefined();
    send(idle, "go");
  }));

it("every rare field reads back what was written, and clearing one on a fresh process makes no side object", () =>
  withRuntime(async () => {
    const pid = self();
    const fresh = (): Proc => new Proc((procOf(pid) as Proc).rt, pid);
    const values: Record<string, unknown> = {
      trap: true,
      timers: new Set(),
      name: "n",
      abortCtl: new AbortController(),
      exitHooks: [() => {}],
      settle: () => {},
      data: new Map([["k", 1]]),
    };
    for (const [key, value] of Object.entries(values)) {
      const p = fresh() as unknown as Record<string, unknown>;
      const empty = typeof value === "boolean" ? false : undefined;
      expect(p[key], key).toBe(empty);
      p[key] = empty;
      expect((p as unknown as Proc).x, key).toBeUndefined();
      p[key] = value;
      expect(p[key], key).toBe(value);
      // the other fields are untouched
      for (const other of Object.keys(values)) {
        if (other !== key)
          expect(p[other], `${key} → ${other}`).toBe(
            typeof values[other] === "boolean" ? false : undefined,
          );
      }
      p[key] = empty;
      expect(p[key], key).toBe(empty);
    }
  }));

it("processInfo shows links, name, trapExit and process data kept in the side object", () =>
  withRuntime(async () => {
    const main = self();
    const worker = spawn(async () => {
      link(main);
      trapExit(true);
      putProcessData("k", 42);
      register("worker_x", self());
      send(main, "ready");
      await receive((m) => m === "stop");
    });
    await receive((m) => m === "ready");
    const info = processInfo(worker);
    expect(info?.links).toEqual([main]);
    expect(info?.registeredName).toBe("worker_x");
    expect(info?.trapExit).toBe(true);
    expect(info?.dictionary).toEqual({ k: 42 });
    expect((procOf(worker) as Proc).x).toBeDefined();
    trapExit(true);
    send(worker, "stop");
    await receive(undefined, { timeout: 10 });
  }));

it("a process is its own waiter while it receives, and only then", () =>
  withRuntime(async () => {
    const main = self();
    const got: unknown[] = [];
    const worker = spawn(async () => {
      got.push(await receive((m) => m === "a", { timeout: 50 }));
      got.push(await receive((m) => m === "b"));
      send(main, "done");
      await receive((m) => m === "stop");
    });
    await receive(undefined, { timeout: 1 });
    const p = procOf(worker) as Proc;
    expect(p.waiter).toBe(p);
    await receive(undefined, { timeout: 60 }); // virtual time passes the worker's 50 ms
    // the first receive timed out; the second waits with no timeout and no match yet
    expect(got).toEqual([TIMEOUT]);
    expect(p.waiter).toBe(p);
    expect(p.timer).toBeUndefined();
    send(worker, "x");
    send(worker, "b");
    await receive((m) => m === "done");
    expect(got[1]).toBe("b");
    expect(p.match).not.toBeUndefined();
    send(worker, "stop");
    await receive(undefined, { timeout: 1 });
    expect(p.waiter).toBeUndefined();
  }));

it("a special process keeps its parent, behaviour and exit reporting in a side object; a plain one has none", () =>
  withRuntime(async () => {
    const me = self();
    const plain = spawn(async () => {
      await receive((m) => m === "go");
    });
    const linked = (await startSpecial(() => ({ type: "ok", process: { handleMessage() {} } }), {
      behaviour: "Counter",
      link: true,
    })) as Pid;
    const unlinked = (await startSpecial(() => ({
      type: "ok",
      process: { handleMessage() {} },
    }))) as Pid;
    const p = procOf(plain) as Proc;
    expect(p.sp).toBeUndefined();
    expect([p.parent, p.behaviour, p.reportsExits]).toEqual([undefined, undefined, false]);
    const s = procOf(linked) as Proc;
    expect([s.parent, s.behaviour, s.reportsExits]).toEqual([me, "Counter", true]);
    expect(processInfo(linked)).toMatchObject({ parent: me, behaviour: "Counter" });
    const u = procOf(unlinked) as Proc;
    expect([u.parent, u.behaviour, u.reportsExits]).toEqual([undefined, undefined, true]);
    expect(processInfo(unlinked)?.parent).toBeUndefined();
    // clearing a field of a fresh process makes no side object
    p.parent = undefined;
    p.behaviour = undefined;
    p.reportsExits = false;
    expect(p.sp).toBeUndefined();
    send(plain, "go");
    unlink(linked);
    exit(linked, "kill");
    exit(unlinked, "kill");
  }));
