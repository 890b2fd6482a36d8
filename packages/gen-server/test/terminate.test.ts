// When terminate runs, and exit signals: CONFORMANCE §2 items 24-27.
import {
  exit,
  isAlive,
  isDown,
  isExit,
  link,
  monitor,
  type Pid,
  receive,
  Sys,
  self,
  send,
  sleep,
  spawn,
  trapExit,
} from "@trellis/core";
import { assertReceive, refuteReceive, withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";
import { event } from "./support.js";

const { ok, reply, noreply } = GenServer.Result;

interface Options {
  readonly report: Pid;
  readonly trap: boolean;
}

/** A server that reports what it handles and when it terminates. */
const Watcher = GenServer.define({
  init(options: Options) {
    trapExit(options.trap);
    return ok({ report: options.report, handled: [] as unknown[] });
  },
  handleCall: (_r: GenServer.Request<"handled", unknown[]>, _from, state) =>
    reply(state.handled, state),
  handleCast(request: string, state) {
    send(state.report, { event: "cast", request });
    return noreply({ ...state, handled: [...state.handled, request] });
  },
  handleInfo(message, state) {
    send(state.report, { event: "info", message });
    return noreply({ ...state, handled: [...state.handled, message] });
  },
  terminate(reason, state) {
    send(state.report, { event: "terminate", reason, handled: state.handled });
  },
});

const terminate = event<{ reason: unknown; handled: unknown[] }>("terminate");

describe("terminate on a parent's exit signal", () => {
  it("a trapping server runs terminate for any reason from its parent, normal included (item 24)", () =>
    withRuntime(async () => {
      for (const reason of ["normal", "shutdown", { shutdown: 1 }, "boom"]) {
        trapExit(true);
        const pid = await GenServer.startLink(Watcher, { report: self(), trap: true });
        const ref = monitor(pid);
        exit(pid, reason);
        expect((await assertReceive(terminate)).reason).toEqual(reason);
        const down = await assertReceive((m) => isDown(m) && m.ref === ref);
        expect(isDown(down) && down.reason).toEqual(reason);
        await assertReceive(isExit);
      }
    }));

  it("runs terminate when the parent process dies (item 24)", () =>
    withRuntime(async () => {
      const test = self();
      const parent = spawn(async () => {
        const pid = await GenServer.startLink(Watcher, { report: test, trap: true });
        send(test, { event: "started", pid });
        await receive((m) => m === "die");
        exit({ shutdown: "parent gone" });
      });
      const { pid } = await assertReceive(event<{ pid: Pid }>("started"));
      send(parent, "die");
      expect((await assertReceive(terminate)).reason).toEqual({ shutdown: "parent gone" });
      await sleep(1);
      expect(isAlive(pid)).toBe(false);
    }));

  it("a non-trapping server dies at once without terminate (item 25)", () =>
    withRuntime(async () => {
      trapExit(true);
      const pid = await GenServer.startLink(Watcher, { report: self(), trap: false });
      const ref = monitor(pid);
      exit(pid, "shutdown");
      const down = await assertReceive((m) => isDown(m) && m.ref === ref);
      expect(isDown(down) && down.reason).toBe("shutdown");
      await refuteReceive(terminate);
    }));

  it("an EXIT from a process other than the parent goes to handleInfo (item 26)", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Watcher, { report: self(), trap: true });
      // a linked peer that crashes
      spawn(async () => {
        link(pid);
        throw new Error("peer crashed");
      });
      const first = await assertReceive(event<{ message: unknown }>("info"));
      expect(isExit(first.message) && (first.message.reason as Error).message).toBe("peer crashed");
      // exit/2 from a stranger
      const stranger = spawn(() => exit(pid, "go away"));
      const second = await assertReceive(event<{ message: unknown }>("info"));
      expect(isExit(second.message) && [second.message.from, second.message.reason]).toEqual([
        stranger,
        "go away",
      ]);
      await refuteReceive(terminate);
      expect(isAlive(pid)).toBe(true);
    }));

  it("handles every message that arrived before the parent's signal first (item 27)", () =>
    withRuntime(async () => {
      trapExit(true);
      const pid = await GenServer.startLink(Watcher, { report: self(), trap: true });
      GenServer.cast(pid, "one");
      send(pid, "two");
      GenServer.cast(pid, "three");
      exit(pid, "shutdown");
      GenServer.cast(pid, "after the signal");
      const { reason, handled } = await assertReceive(terminate);
      expect(reason).toBe("shutdown");
      expect(handled).toEqual(["one", "two", "three"]);
      await assertReceive(isExit);
    }));

  it("kill skips terminate (item 27)", () =>
    withRuntime(async () => {
      trapExit(true);
      const pid = await GenServer.startLink(Watcher, { report: self(), trap: true });
      exit(pid, "kill");
      const exited = await assertReceive(isExit);
      expect(isExit(exited) && exited.reason).toBe("killed");
      await refuteReceive(terminate);
    }));

  it("a suspended trapping server still terminates on its parent's signal", () =>
    withRuntime(async () => {
      trapExit(true);
      const pid = await GenServer.startLink(Watcher, { report: self(), trap: true });
      await Sys.suspend(pid);
      exit(pid, "shutdown");
      expect((await assertReceive(terminate)).reason).toBe("shutdown");
      await assertReceive(isExit);
    }));
});
