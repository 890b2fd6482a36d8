// Handlers used by the tests. Each reports what happens to it to a test process, so that
// the tests can assert on the order and content of callbacks with assertReceive.
import { type NameRegistry, type Pid, send } from "@trellis/core";
import * as GenEvent from "@trellis/gen-event";

const { ok, reply, removeHandler, swapHandler, error } = GenEvent.Result;

/** What a Recorder reports: `{ tag, what, ... }`. */
export interface Report {
  readonly tag: string;
  readonly what: "init" | "event" | "info" | "call" | "terminate";
  readonly value: unknown;
  readonly state?: unknown;
}

export interface RecorderState {
  readonly to: Pid;
  readonly tag: string;
  readonly seen: readonly unknown[];
}

/** The events a Recorder understands; anything else is recorded. */
export type RecorderEvent =
  | string
  | {
      readonly type: "swap";
      readonly to: GenEvent.HandlerId<never, never, never, unknown>;
      readonly initArgs?: unknown;
    };

export type RecorderArgs =
  | { readonly to: Pid; readonly tag: string }
  | GenEvent.SwapInit<{ readonly to: Pid; readonly tag: string }>;

function argsOf(args: RecorderArgs): { to: Pid; tag: string; carried?: unknown } {
  return "args" in args ? { ...args.args, carried: args.result } : args;
}

/** Matches a report from the handler tagged `tag` about `what`. */
export function reportOf(tag: string, what: Report["what"]): (m: unknown) => m is Report {
  return (m: unknown): m is Report =>
    typeof m === "object" && m !== null && (m as Report).tag === tag && (m as Report).what === what;
}

function handle(
  kind: "event" | "info",
  msg: unknown,
  s: RecorderState,
): GenEvent.EventResult<RecorderState> {
  send(s.to, { tag: s.tag, what: kind, value: msg } satisfies Report);
  if (msg === "crash") throw new Error(`${s.tag} crashed`);
  if (msg === "bad") return "garbage" as never;
  if (msg === "remove") return removeHandler();
  if (typeof msg === "object" && msg !== null && (msg as { type?: unknown }).type === "swap") {
    const swap = msg as Extract<RecorderEvent, { type: "swap" }>;
    return swapHandler(
      s,
      swap.to as GenEvent.HandlerId<never, GenEvent.SwapInit<unknown>, never, unknown>,
      {
        terminateArgs: "swapping",
        initArgs: swap.initArgs,
      },
    );
  }
  return ok({ ...s, seen: [...s.seen, msg] });
}

/** A handler that reports every callback to `to`, and misbehaves on request. */
export type RecorderCall = "seen" | "crash" | "bad" | "remove" | "swap";

export const Recorder: GenEvent.Handler<
  RecorderEvent,
  RecorderArgs,
  RecorderCall,
  readonly unknown[]
> = GenEvent.defineHandler(
  {
    init(args: RecorderArgs) {
      const a = argsOf(args);
      send(a.to, { tag: a.tag, what: "init", value: args } satisfies Report);
      return ok<RecorderState>({ to: a.to, tag: a.tag, seen: [] });
    },
    handleEvent: (event: RecorderEvent, s) => handle("event", event, s),
    handleInfo: (msg, s) => handle("info", msg, s),
    handleCall(request: RecorderCall, s) {
      send(s.to, { tag: s.tag, what: "call", value: request } satisfies Report);
      switch (request) {
        case "seen":
          return reply(s.seen, s);
        case "crash":
          throw new Error(`${s.tag} crashed in a call`);
        case "bad":
          return 42 as never;
        case "remove":
          return removeHandler(["bye"] as readonly unknown[]);
        case "swap":
          return swapHandler(
            s,
            Other as GenEvent.HandlerId<never, GenEvent.SwapInit<unknown>, never, unknown>,
            {
              terminateArgs: "swapping",
              initArgs: { to: s.to, tag: `${s.tag}'` },
              reply: ["swapped"] as readonly unknown[],
            },
          );
      }
    },
    terminate(reason, s) {
      send(s.to, { tag: s.tag, what: "terminate", value: reason, state: s.seen } satisfies Report);
      return `${s.tag} done`;
    },
  },
  { name: "Recorder" },
);

/** A second definition with the same behaviour, to swap to. */
export const Other: GenEvent.Handler<RecorderEvent, RecorderArgs> = GenEvent.defineHandler(
  {
    init(args: RecorderArgs) {
      const a = argsOf(args);
      send(a.to, { tag: a.tag, what: "init", value: args } satisfies Report);
      return ok<RecorderState>({ to: a.to, tag: a.tag, seen: [] });
    },
    handleEvent: (event: RecorderEvent, s) => handle("event", event, s),
    handleInfo: (msg, s) => handle("info", msg, s),
    terminate(reason, s) {
      send(s.to, { tag: s.tag, what: "terminate", value: reason, state: s.seen } satisfies Report);
      return `${s.tag} done`;
    },
  },
  { name: "Other" },
);

/** A handler whose init returns what it is given (to test init results). */
export const Picky: GenEvent.Handler<unknown, "ok" | "error" | "other" | "throw"> =
  GenEvent.defineHandler(
    {
      init(args: "ok" | "error" | "other" | "throw") {
        switch (args) {
          case "ok":
            return ok(0);
          case "error":
            return error("no way");
          case "other":
            return { unexpected: true } as never;
          case "throw":
            throw new Error("init blew up");
        }
      },
    },
    { name: "Picky" },
  );

/** A counting handler with no handleInfo, no handleCall and no terminate. */
export const Counter: GenEvent.Handler<unknown, undefined> = GenEvent.defineHandler(
  {
    init: () => ok(0),
    handleEvent: (_event: unknown, n) => ok(n + 1),
  },
  { name: "Counter" },
);

/** A minimal via registry for the name tests. */
export function mapRegistry(): NameRegistry<string> & { readonly names: Map<string, Pid> } {
  const names = new Map<string, Pid>();
  return {
    names,
    registerName(key, pid) {
      if (names.has(key)) return false;
      names.set(key, pid);
      return true;
    },
    unregisterName(key) {
      names.delete(key);
    },
    whereisName: (key) => names.get(key),
    send(key, message) {
      const pid = names.get(key);
      if (pid === undefined) throw new Error(`no process named ${key}`);
      send(pid, message);
    },
  };
}
