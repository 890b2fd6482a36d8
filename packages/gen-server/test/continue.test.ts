// handleContinue: CONFORMANCE §2 item 16.
import { type Pid, self, send, sleep, spawn } from "@trellis/core";
import { assertReceive, withRuntime } from "@trellis/core/testing";
import * as GenServer from "@trellis/gen-server";
import { describe, expect, it } from "vitest";
import { event } from "./support.js";

const { ok, reply, noreply, stop } = GenServer.Result;

interface Trace {
  readonly test: Pid;
  readonly log: readonly string[];
}

const note = (state: Trace, line: string): Trace => ({ ...state, log: [...state.log, line] });

/** A server that records, in order, every callback that runs. */
const Tracer = GenServer.define({
  init: (test: Pid) => ok<Trace>({ test, log: [] }),
  handleCall(request: GenServer.Request<"call-continue" | "log", readonly string[]>, _from, state) {
    if (request === "log") return reply(state.log, state);
    return reply(state.log, note(state, "call"), { continue: "from-call" });
  },
  handleCast(request: "cast-continue" | "plain-cast", state) {
    if (request === "plain-cast") return noreply(note(state, "plain-cast"));
    return noreply(note(state, "cast"), { continue: "from-cast" });
  },
  handleInfo(message, state) {
    if (message === "info-continue") return noreply(note(state, "info"), { continue: "from-info" });
    return noreply(note(state, `info:${String(message)}`));
  },
  async handleContinue(arg: string, state) {
    if (arg === "chain-1") return noreply(note(state, arg), { continue: "chain-2" });
    if (arg === "chain-2") return noreply(note(state, arg), { continue: "chain-3" });
    if (arg === "from-call") {
      // the reply has been sent already; make sure other messages wait for us
      await sleep(100);
      send(state.test, { event: "continued" });
    }
    if (arg === "from-cast") return noreply(note(state, arg), { continue: "chain-1" });
    return noreply(note(state, arg));
  },
});

describe("handleContinue", () => {
  it("runs from handleCast before messages that were already queued, and chains", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Tracer, self());
      GenServer.cast(pid, "cast-continue");
      send(pid, "queued");
      GenServer.cast(pid, "plain-cast");
      expect(await GenServer.call(pid, "log")).toEqual([
        "cast",
        "from-cast",
        "chain-1",
        "chain-2",
        "chain-3",
        "info:queued",
        "plain-cast",
      ]);
    }));

  it("runs from handleInfo", () =>
    withRuntime(async () => {
      const pid = await GenServer.startLink(Tracer, self());
      send(pid, "info-continue");
      send(pid, "after");
      expect(await GenServer.call(pid, "log")).toEqual(["info", "from-info", "info:after"]);
    }));

  it("from handleCall: the reply is sent first, then the continue runs", () =>
    withRuntime(async ({ clock }) => {
      const pid = await GenServer.startLink(Tracer, self());
      expect(await GenServer.call(pid, "call-continue")).toEqual([]);
      // the caller was answered before the (100 ms) continue finished
      expect(clock.now()).toBe(0);
      // a second call waits for the continue
      expect(await GenServer.call(pid, "log")).toEqual(["call", "from-call"]);
      expect(clock.now()).toBe(100);
      await assertReceive(event("continued"), { timeout: 0 });
    }));

  it("can stop the server", () =>
    withRuntime(async () => {
      const Quitter = GenServer.define({
        init: (test: Pid) => ok(test, { continue: "quit" }),
        handleContinue: (_arg: "quit", test) => stop("normal", test),
        terminate(reason, test) {
          send(test, { event: "terminate", reason });
        },
      });
      await GenServer.startLink(Quitter, self());
      expect((await assertReceive(event<{ reason: unknown }>("terminate"))).reason).toBe("normal");
    }));

  it("a continue without handleContinue crashes the server", () =>
    withRuntime(async () => {
      const NoContinue = GenServer.define({
        init: () => ok(0),
        handleCall: (_r: GenServer.Request<"go", number>, _from, n) =>
          reply(n, n, { continue: "next" }),
        terminate(reason) {
          send(parent, { event: "terminate", reason });
        },
      });
      const parent = self();
      const pid = await GenServer.start(NoContinue);
      expect(await GenServer.call(pid, "go")).toBe(0);
      const { reason } = await assertReceive(event<{ reason: Error }>("terminate"));
      expect(reason).toBeInstanceOf(Error);
      expect(reason.message).toMatch(/no handleContinue callback/);
    }));
});

// Checked on the BEAM (OTP 25): a handle_continue that returns {noreply, N + 1, {continue, :next}}
// until N = 100_000 runs the whole chain (gen_server's loop is tail-recursive), and a message
// sent meanwhile is handled after the chain.
describe("long handleContinue chains", () => {
  const Chain = GenServer.define({
    init: (steps: number) => ok({ steps, done: 0, otherSawStep: -1 }),
    handleCall(
      _request: GenServer.Request<"state", { done: number; otherSawStep: number }>,
      _f,
      s,
    ) {
      return reply({ done: s.done, otherSawStep: s.otherSawStep }, s);
    },
    handleCast(request: "run" | { other: number }, s) {
      if (request === "run") return noreply(s, { continue: "step" });
      return noreply({ ...s, otherSawStep: request.other });
    },
    handleContinue(_arg: "step", s) {
      const next = { ...s, done: s.done + 1 };
      current = next.done;
      return next.done < s.steps ? noreply(next, { continue: "step" }) : noreply(next);
    },
  });
  let current = 0;

  it("runs 100,000 synchronous continues, letting other processes run meanwhile", () =>
    withRuntime(async () => {
      current = 0;
      const pid = await GenServer.startLink(Chain, 100_000);
      GenServer.cast(pid, "run");
      let otherRanAt = -1;
      // Another process, ready to run as soon as the chain has started.
      spawn(() => {
        otherRanAt = current;
        GenServer.cast(pid, { other: current });
      });
      const state = await GenServer.call(pid, "state");
      expect(state.done).toBe(100_000);
      // The other process ran during the chain; its cast waited for the chain's end (and
      // for the call, which was queued before it).
      expect(otherRanAt).toBeGreaterThan(0);
      expect(otherRanAt).toBeLessThan(100_000);
      expect(state.otherSawStep).toBe(-1);
      expect((await GenServer.call(pid, "state")).otherSawStep).toBe(otherRanAt);
    }));

  it("a chain started by init runs to its end before the first message", () =>
    withRuntime(async () => {
      const FromInit = GenServer.define({
        init: (steps: number) => ok({ steps, done: 0 }, { continue: "step" }),
        handleCall: (_r: GenServer.Request<"done", number>, _f, s) => reply(s.done, s),
        handleContinue(_arg: "step", s) {
          const done = s.done + 1;
          return done < s.steps
            ? noreply({ ...s, done }, { continue: "step" })
            : noreply({ ...s, done });
        },
      });
      const pid = await GenServer.startLink(FromInit, 50_000);
      expect(await GenServer.call(pid, "done")).toBe(50_000);
    }));
});
