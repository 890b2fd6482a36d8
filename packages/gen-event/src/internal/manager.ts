// The event manager process: a list of installed handlers, most recently added first, and
// the loop that runs them. Built on core's special-process toolkit only.
//
// Every callback may return a promise. The common case is synchronous, and that path makes
// no promise at all: each step below returns either a plain value or, only when a callback
// was asynchronous, a promise of it (`Sync<T>`), and `then` chains without allocating when
// the value is plain. While a promise is pending the toolkit holds the mailbox back, so the
// handler list cannot change under a paused loop.
import {
  ExitError,
  type ExitMessage,
  type From,
  formatReason,
  isExit,
  link,
  logReport,
  type Pid,
  reply,
  type SpecialProcess,
  send,
  type Term,
  unlink,
} from "@trellis/core";
import type { NotFoundReason } from "../errors.js";
import { HandlerExit, type HandlerExitReason } from "../messages.js";
import type { OkResult, SwapHandlerResult } from "../result.js";
import type { AnyHandlerId, HandlerState } from "../types.js";
import {
  type Answer,
  type Command,
  type ManagerRequest,
  NOTIFICATION,
  type Notification,
  OK,
  REQUEST,
  tagOf,
} from "./protocol.js";
import {
  CALLBACKS,
  type Definition,
  isThenable,
  type LooseCallbacks,
  type ParsedId,
  parseHandlerId,
  reasonFromThrown,
  sameId,
} from "./util.js";

type Sync<T> = T | Promise<T>;

function then<T, U>(value: Sync<T>, f: (value: T) => Sync<U>): Sync<U> {
  return value instanceof Promise ? value.then(f) : f(value);
}

/** Settles a thenable a callback returned, mapping a rejection like a throw. */
function settle(value: PromiseLike<unknown>): Promise<{ threw: boolean; value: unknown }> {
  return Promise.resolve(value).then(
    (v) => ({ threw: false, value: v }),
    (e: unknown) => ({ threw: true, value: e }),
  );
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null;
}

function isOk(v: unknown): v is OkResult<unknown> {
  return isObject(v) && v["type"] === "ok";
}

const EVENT = 0;
const INFO = 1;
type Kind = typeof EVENT | typeof INFO;

/** One installed handler. */
class Installed {
  readonly def: Definition;
  readonly cb: LooseCallbacks;
  readonly hasId: boolean;
  readonly id: Term | undefined;
  readonly supervisor: Pid | undefined;
  state: unknown = undefined;

  constructor(parsed: ParsedId, supervisor: Pid | undefined) {
    this.def = parsed.def;
    this.cb = parsed.def[CALLBACKS];
    this.hasId = parsed.hasId;
    this.id = parsed.id;
    this.supervisor = supervisor;
  }

  /** How the handler is named to users: its definition, or `{ handler, id }`. */
  handlerId(): AnyHandlerId {
    return idOf(this);
  }

  matches(p: ParsedId): boolean {
    return this.def === p.def && this.hasId === p.hasId && (!p.hasId || sameId(this.id, p.id));
  }
}

function nameOf(h: Installed): string {
  return h.hasId ? `{${h.def.name}, ${formatReason(h.id)}}` : h.def.name;
}

/** The manager process. */
export class EventManager implements SpecialProcess {
  private handlers: Installed[] = [];
  private readonly self: Pid;
  /**
   * The process that started the manager linked (core's parent), if any. An unlinked
   * manager has none, as in Erlang: an exit signal from its starter is an ordinary EXIT.
   */
  private readonly parent: Pid | undefined;

  constructor(self: Pid, parent: Pid | undefined) {
    this.self = self;
    this.parent = parent;
  }

  handleMessage(msg: unknown): void | Promise<void> {
    const tag = tagOf(msg);
    if (tag === NOTIFICATION) return this.dispatch(EVENT, (msg as Notification).event, 0);
    if (tag === REQUEST) {
      const req = msg as ManagerRequest;
      return this.command(req.from, req.command);
    }
    if (isExit(msg)) return this.exitSignal(msg.from, msg.reason, msg);
    return this.dispatch(INFO, msg, 0);
  }

  getState(): HandlerState[] {
    return this.handlers.map((h) => ({ handler: h.def, id: h.id, state: h.state }));
  }

  /** As Erlang's `system_replace_state`: `fn` runs once per handler, on `{ handler, id, state }`. */
  replaceState(fn: (state: unknown) => unknown): unknown {
    return this.handlers.map((h) => {
      const current: HandlerState = { handler: h.def, id: h.id, state: h.state };
      try {
        const next = fn(current);
        if (isObject(next) && next["handler"] === h.def && sameId(next["id"] as Term, h.id)) {
          h.state = next["state"];
          return { handler: h.def, id: h.id, state: h.state };
        }
      } catch {
        // as Erlang: a handler whose function fails keeps its state
      }
      return current;
    });
  }

  /**
   * `GenEvent.stop` (core's `Sys.terminate`): every handler's `terminate("stop")`; the
   * toolkit then answers the stopper and exits with `reason`.
   */
  handleStop(reason: unknown): void | Promise<void> {
    return this.terminateServer(reason, false);
  }

  handleParentExit(reason: unknown): void | Promise<void> {
    return this.terminateServer(reason);
  }

  // -------------------------------------------------------------------------------------
  // Events and info messages

  /** Runs `msg` through every handler from index `i` on (Erlang's `server_notify`). */
  private dispatch(kind: Kind, msg: unknown, i: number): void | Promise<void> {
    const list = this.handlers;
    while (i < list.length) {
      const h = list[i] as Installed;
      const cb = h.cb;
      let r: unknown;
      try {
        if (kind === EVENT) {
          if (cb.handleEvent === undefined) {
            i++;
            continue;
          }
          r = cb.handleEvent(msg, h.state);
        } else {
          if (cb.handleInfo === undefined) {
            this.noHandleInfo(h, msg);
            i++;
            continue;
          }
          r = cb.handleInfo(msg, h.state);
        }
      } catch (e) {
        const removed = this.fail(i, h, { EXIT: reasonFromThrown(e) }, msg);
        if (removed instanceof Promise) return removed.then(() => this.dispatch(kind, msg, i));
        continue;
      }
      if (isObject(r) && r["type"] === "ok") {
        h.state = r["state"];
        i++;
        continue;
      }
      if (isThenable(r)) {
        const at = i;
        return settle(r).then((s) =>
          then(
            s.threw
              ? then(this.fail(at, h, { EXIT: reasonFromThrown(s.value) }, msg), () => false)
              : this.eventResult(at, h, s.value, msg),
            (kept) => this.dispatch(kind, msg, kept ? at + 1 : at),
          ),
        );
      }
      const kept = this.eventResult(i, h, r, msg);
      if (kept instanceof Promise) {
        const at = i;
        return kept.then((k) => this.dispatch(kind, msg, k ? at + 1 : at));
      }
      if (kept === true) i++;
    }
  }

  /** Applies what handleEvent/handleInfo returned; resolves whether the handler (or its swap) is still at `i`. */
  private eventResult(i: number, h: Installed, r: unknown, lastIn: unknown): Sync<boolean> {
    if (isObject(r)) {
      switch (r["type"]) {
        case "ok":
          h.state = r["state"];
          return true;
        case "remove_handler":
          return then(this.remove(i, h, "remove_handler", "normal"), () => false);
        case "swap_handler": {
          const swap = this.parseSwap(r);
          if (swap !== undefined)
            return this.swapInPlace(i, h, r as unknown as SwapResult, swap, lastIn);
          break;
        }
      }
    }
    return then(this.fail(i, h, r, lastIn), () => false);
  }

  private noHandleInfo(h: Installed, msg: unknown): void {
    logReport({
      kind: "warning",
      message: `GenEvent handler ${nameOf(h)} has no handleInfo callback; the message ${formatReason(msg)} was dropped`,
      handler: h.handlerId(),
      lastMessage: msg,
    });
  }

  // -------------------------------------------------------------------------------------
  // Removing and swapping handlers

  /** Runs a handler's terminate; a throw or rejection becomes `{ EXIT: reason }` (Erlang's `catch`). */
  private terminate(h: Installed, reason: unknown, state: unknown): Sync<unknown> {
    const cb = h.cb;
    if (cb.terminate === undefined) return undefined;
    let r: unknown;
    try {
      r = cb.terminate(reason, state);
    } catch (e) {
      return { EXIT: reasonFromThrown(e) };
    }
    if (isThenable(r)) {
      return settle(r).then((s) => (s.threw ? { EXIT: reasonFromThrown(s.value) } : s.value));
    }
    return r;
  }

  /** Runs a handler's init; a throw or rejection becomes `{ EXIT: reason }`. */
  private init(h: Installed, args: unknown): Sync<unknown> {
    let r: unknown;
    try {
      r = h.cb.init(args);
    } catch (e) {
      return { EXIT: reasonFromThrown(e) };
    }
    if (isThenable(r)) {
      return settle(r).then((s) => (s.threw ? { EXIT: reasonFromThrown(s.value) } : s.value));
    }
    return r;
  }

  /** Tells a handler's supervising process (if any) that it left. */
  private notifySupervisor(h: Installed, reason: HandlerExitReason): void {
    if (h.supervisor !== undefined)
      send(h.supervisor, new HandlerExit(this.self, h.handlerId(), reason));
  }

  /**
   * Removes the handler at `i`, runs `terminate(reason, state)` and tells its supervisor
   * `exitReason` (Erlang's `do_terminate`). Resolves with what terminate returned.
   */
  private remove(
    i: number,
    h: Installed,
    reason: unknown,
    exitReason: HandlerExitReason,
  ): Sync<unknown> {
    this.handlers.splice(i, 1);
    return then(this.terminate(h, reason, h.state), (result) => {
      this.notifySupervisor(h, exitReason);
      return result;
    });
  }

  /**
   * A callback of the handler at `i` threw (`what` is `{ EXIT: reason }`) or returned the
   * invalid value `what`: log it, remove the handler with `terminate({ error: what })`.
   */
  private fail(i: number, h: Installed, what: unknown, lastIn: unknown): undefined | Promise<void> {
    logReport({
      kind: "error",
      message: `GenEvent handler ${nameOf(h)} crashed and was removed: ${describe(what)}`,
      handler: h.handlerId(),
      lastMessage: lastIn,
      state: h.state,
      reason: what,
    });
    const done = this.remove(i, h, { error: what }, what);
    return done instanceof Promise ? done.then(() => undefined) : undefined;
  }

  private parseSwap(r: Record<string, unknown>): ParsedId | undefined {
    try {
      return parseHandlerId("Result.swapHandler", r["handler"]);
    } catch {
      return undefined; // an invalid result: the handler is removed with { error: r }
    }
  }

  /**
   * A callback of the handler at `i` returned `swap_handler` (Erlang's `do_swap`): the old
   * handler terminates, the new one takes its place if its init succeeds. Resolves whether
   * the slot at `i` is still taken.
   */
  private swapInPlace(
    i: number,
    h1: Installed,
    r: SwapResult,
    to: ParsedId,
    lastIn: unknown,
  ): Sync<boolean> {
    return then(this.terminate(h1, r.terminateArgs, r.state), (result) => {
      const h2 = new Installed(to, h1.supervisor);
      this.notifySupervisor(h1, { swapped: h2.handlerId(), supervisor: h1.supervisor });
      return then(this.init(h2, { args: r.initArgs, result }), (out) => {
        if (isOk(out)) {
          h2.state = out.state;
          this.handlers[i] = h2;
          return true;
        }
        this.handlers.splice(i, 1);
        logReport({
          kind: "error",
          message: `GenEvent handler ${nameOf(h2)}, swapped in for ${nameOf(h1)}, was not installed: its init returned ${formatReason(out)}`,
          handler: h2.handlerId(),
          lastMessage: lastIn,
          reason: out,
        });
        this.notifySupervisor(h2, out);
        return false;
      });
    });
  }

  private find(p: ParsedId): number {
    const list = this.handlers;
    for (let i = 0; i < list.length; i++) if ((list[i] as Installed).matches(p)) return i;
    return -1;
  }

  // -------------------------------------------------------------------------------------
  // Requests

  private command(from: From, c: Command): void | Promise<void> {
    switch (c.kind) {
      case "syncNotify":
        return then(this.dispatch(EVENT, c.event, 0), () => reply(from, undefined));
      case "call":
        return this.call(from, c.handler, c.request);
      case "which":
        reply(from, { ok: true, value: this.handlers.map((h) => h.handlerId()) });
        return;
      case "add":
        return answer(from, this.add(c.handler, c.args, c.supervisor));
      case "delete": {
        const i = this.find(c.handler);
        if (i < 0) return answer(from, notFound("module_not_found"));
        return answer(
          from,
          then(this.remove(i, this.handlers[i] as Installed, c.args, "normal"), (value) => ({
            ok: true,
            value,
          })),
        );
      }
      case "swap":
        return answer(from, this.swap(c));
    }
  }

  /** Erlang's `server_add_handler` / `server_add_sup_handler`. */
  private add(p: ParsedId, args: unknown, supervisor: Pid | undefined): Sync<Answer> {
    // As Erlang, the link is made first and stays if init fails.
    if (supervisor !== undefined) link(supervisor);
    const h = new Installed(p, supervisor);
    return then(this.init(h, args), (out) => {
      if (!isOk(out)) return { ok: false, failure: { kind: "init", result: out } };
      h.state = out.state;
      this.handlers.unshift(h);
      return OK;
    });
  }

  /** Erlang's `server_swap_handler`: the new handler goes first in the list. */
  private swap(c: Extract<Command, { kind: "swap" }>): Sync<Answer> {
    const i = this.find(c.from);
    if (i < 0) return notFound("non_existing");
    const h1 = this.handlers[i] as Installed;
    this.handlers.splice(i, 1);
    const supervisor = c.supervisor ?? h1.supervisor;
    return then(this.terminate(h1, c.terminateArgs, h1.state), (result) => {
      this.notifySupervisor(h1, { swapped: idOf(c.to), supervisor });
      return this.add(c.to, { args: c.initArgs, result }, supervisor);
    });
  }

  /** Erlang's `server_call`. */
  private call(from: From, p: ParsedId, request: unknown): void | Promise<void> {
    const i = this.find(p);
    if (i < 0) {
      reply(from, notFound("bad_module"));
      return;
    }
    const h = this.handlers[i] as Installed;
    let r: unknown;
    try {
      if (h.cb.handleCall === undefined) {
        throw new Error(`the handler ${nameOf(h)} has no handleCall callback`);
      }
      r = h.cb.handleCall(request, h.state);
    } catch (e) {
      return this.callFailed(from, i, h, { EXIT: reasonFromThrown(e) }, request);
    }
    if (isThenable(r)) {
      return settle(r).then((s) =>
        s.threw
          ? this.callFailed(from, i, h, { EXIT: reasonFromThrown(s.value) }, request)
          : this.callResult(from, i, h, s.value, request),
      );
    }
    return this.callResult(from, i, h, r, request);
  }

  private callResult(
    from: From,
    i: number,
    h: Installed,
    r: unknown,
    request: unknown,
  ): void | Promise<void> {
    if (isObject(r)) {
      switch (r["type"]) {
        case "reply":
          if ("reply" in r) {
            h.state = r["state"];
            reply(from, { ok: true, value: r["reply"] });
            return;
          }
          break;
        case "remove_handler":
          return answer(
            from,
            then(this.remove(i, h, "remove_handler", "normal"), () => ({
              ok: true,
              value: r["reply"],
            })),
          );
        case "swap_handler": {
          const swap = this.parseSwap(r);
          if (swap !== undefined) {
            return answer(
              from,
              then(this.swapInPlace(i, h, r as unknown as SwapResult, swap, request), () => ({
                ok: true,
                value: r["reply"],
              })),
            );
          }
          break;
        }
      }
    }
    return this.callFailed(from, i, h, r, request);
  }

  private callFailed(
    from: From,
    i: number,
    h: Installed,
    what: unknown,
    request: unknown,
  ): void | Promise<void> {
    const failure: Answer = { ok: false, failure: { kind: "call", reason: what } };
    return answer(
      from,
      then(this.fail(i, h, what, request), () => failure),
    );
  }

  // -------------------------------------------------------------------------------------
  // Exits

  /**
   * An exit signal from `from` (Erlang's `handle_exit`): the handlers it supervised are
   * removed with `terminate({ stop: reason })`, then every handler's handleInfo receives the
   * EXIT message (when there is one to pass on).
   */
  private exitSignal(
    from: Pid,
    reason: unknown,
    msg: ExitMessage | undefined,
  ): void | Promise<void> {
    const step = (k: number): Sync<void> => {
      const list = this.handlers;
      while (k < list.length) {
        const h = list[k] as Installed;
        if (h.supervisor === from) {
          const done = this.remove(k, h, { stop: reason }, "shutdown");
          if (done instanceof Promise) return done.then(() => step(k));
          continue;
        }
        k++;
      }
    };
    return then(step(0), () => (msg === undefined ? undefined : this.dispatch(INFO, msg, 0)));
  }

  /**
   * Stops the manager (Erlang's `terminate_server`): every handler's `terminate("stop")`,
   * in order; their supervisors get `"shutdown"`; supervisors other than the parent are
   * unlinked so that the manager's exit does not reach them; then the process exits.
   */
  private terminateServer(reason: unknown, exitAfter = true): Promise<void> | undefined {
    const all = this.handlers;
    this.handlers = [];
    const step = (k: number): Sync<void> => {
      while (k < all.length) {
        const h = all[k] as Installed;
        const done = this.terminate(h, "stop", h.state);
        if (done instanceof Promise) {
          return done.then(() => {
            this.notifySupervisor(h, "shutdown");
            return step(k + 1);
          });
        }
        this.notifySupervisor(h, "shutdown");
        k++;
      }
    };
    const exit = (): undefined => {
      for (const h of all) {
        if (h.supervisor !== undefined && h.supervisor !== this.parent) {
          unlink(h.supervisor);
        }
      }
      if (exitAfter) throw new ExitError(reason);
      return undefined;
    };
    const done = step(0);
    if (done instanceof Promise) return done.then(exit);
    return exit();
  }
}

type SwapResult = SwapHandlerResult<unknown, unknown>;

function idOf(p: ParsedId): AnyHandlerId {
  return p.hasId ? { handler: p.def, id: p.id as Term } : p.def;
}

function notFound(reason: NotFoundReason): Answer {
  return { ok: false, failure: { kind: "not_found", reason } };
}

function answer(from: From, value: Sync<Answer>): undefined | Promise<void> {
  if (value instanceof Promise) return value.then((a) => reply(from, a));
  reply(from, value);
  return undefined;
}

function describe(what: unknown): string {
  if (isObject(what) && "EXIT" in what) return `it threw ${formatReason(what["EXIT"])}`;
  return `it returned ${formatReason(what)}, which is not a valid result`;
}
