// handleContinue: CONFORMANCE §2 item 16.
import { type Pid, self, send, sleep } from "@trellis/core";
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
