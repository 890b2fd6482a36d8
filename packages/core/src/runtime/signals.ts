/**
 * The signal rules: message delivery, exit signals and links, and process death (the one
 * place where a process stops existing, which sends its exit signals and DOWNs). Signals to
 * processes of other nodes leave through `route` (nodes.ts).
 *
 * @module
 */
import { BadArgumentError, ExitError, formatReason } from "../errors.js";
import { reportFailure } from "../guards.js";
import { ExitMessage } from "../messages.js";
import { Pid, procOf, setProc } from "../pid.js";
import type { Runtime } from "../runtime.js";
import { onBehalfOf } from "../uncaught.js";
import { addLink, deleteLink, LinkSet } from "./link-set.js";
import { MonitorTable } from "./monitor-table.js";
import { fireDown, unwatch } from "./monitors.js";
import { isRemoteName, isViaName, remoteName } from "./names.js";
import { route } from "./nodes.js";
import type { Proc } from "./proc.js";
import { currentProc, enqueue, outsideProcesses } from "./scheduler.js";
import { cancelEntry } from "./timers.js";
import type { Dest, RemoteName } from "./types.js";

export interface ExitSig {
  to: Pid;
  from: Pid;
  reason: unknown;
  link: boolean;
}

const EV_EXIT = ["trellis", "process", "exit"] as const;

/** Appends to a live local process's mailbox and wakes it if it can take it. */
export function deliver(rt: Runtime, p: Proc, msg: unknown): void {
  p.mailbox.push(msg);
  if (!p.queued && (p.waiter !== undefined || (p.handler !== undefined && !p.busy))) enqueue(rt, p);
}

/** Sends to a pid, a registered name, a via name or `{ name, node }` (see `Runtime.send`). */
export function send<M>(rt: Runtime, dest: Dest, msg: M): M {
  if (dest instanceof Pid) {
    sendPid(rt, dest, msg);
  } else if (typeof dest === "string") {
    const p = rt.names.get(dest);
    if (p === undefined) {
      throw new BadArgumentError(`send: no process is registered as "${dest}" (Erlang: badarg)`);
    }
    deliver(rt, p, msg);
  } else if (isViaName(dest)) {
    dest.via.send(dest.key, msg);
  } else if (isRemoteName(dest)) {
    sendNamed(rt, remoteName("send", dest), msg);
  } else {
    throw new BadArgumentError(
      `send: the destination must be a pid, a registered name, a via name or { name, node }, got ${formatReason(dest)}`,
    );
  }
  return msg;
}

/**
 * Sends to `{ name, node }` (checked): on this node, to the holder of the name; elsewhere,
 * as a `"send-named"` signal that the peer resolves. Nobody holding the name drops the
 * message, as Erlang's `{Name, Node} ! Msg` does, also on the local node.
 */
export function sendNamed(rt: Runtime, to: RemoteName, msg: unknown): void {
  if (to.node === rt.node) {
    const p = rt.names.get(to.name);
    if (p !== undefined) deliver(rt, p, msg);
    return;
  }
  const c = currentProc();
  route(rt, { type: "send-named", from: c?.rt === rt ? c.pid : undefined, to, message: msg });
}

/** Sends to a pid: delivered here, routed to its node, or dropped if the process is dead. */
export function sendPid(rt: Runtime, pid: Pid, msg: unknown): void {
  const p = procOf(pid) as Proc | undefined;
  if (p !== undefined && p.rt === rt) {
    if (p.alive) deliver(rt, p, msg);
  } else if (pid.node !== rt.node) {
    route(rt, { type: "message", to: pid, message: msg });
  }
}

/** Emits the telemetry exit event, once the current signal processing is over. */
export function emitExit(rt: Runtime, p: Proc, reason: unknown): void {
  if (!rt.telemetry.listening(EV_EXIT)) return;
  const meta = { pid: p.pid, reason, name: p.name, behaviour: p.behaviour };
  rt.deferred.push(() =>
    rt.telemetry.execute(
      EV_EXIT,
      { monotonicTime: rt.clock.now(), reductions: p.reductions },
      meta,
    ),
  );
}

/** Process death: the one place where a process stops existing. */
export function exitProc(rt: Runtime, p: Proc, reason: unknown): void {
  if (!p.alive) return;
  p.alive = false;
  p.reason = reason;
  if (rt.telemetry.enabled) emitExit(rt, p, reason);
  rt.procs.delete(p);
  // The rarely set fields live in one side object (ProcExtra): most processes have none.
  const x = p.x;
  if (x !== undefined && x.name !== undefined) {
    rt.names.delete(x.name);
    x.name = undefined;
  }
  const w = p.waiter;
  p.waiter = undefined;
  if (w?.timer !== undefined) cancelEntry(rt, w.timer);
  p.mailbox.clear();
  p.handler = undefined;
  p.start = undefined;
  if (x !== undefined && x.timers !== undefined) {
    for (const t of x.timers) {
      rt.heap.remove(t);
      rt.timerRefs.delete(t.ref);
    }
    x.timers = undefined;
  }
  if (x !== undefined && x.exitHooks !== undefined) {
    const hooks = x.exitHooks;
    x.exitHooks = undefined;
    for (const hook of hooks) {
      try {
        outsideProcesses(() => hook(reason));
      } catch (e) {
        rt.report({
          kind: "error",
          message: `an exit hook of ${p.pid} threw: ${formatReason(e)}`,
          reason: e,
        });
      }
    }
  }
  if (p.monitors !== undefined) {
    for (const m of p.monitors.values()) {
      unwatch(rt, m);
      m.callback?.ownerExited?.();
    }
    p.monitors = undefined;
  }
  const links = p.links;
  if (links !== undefined) {
    p.links = undefined;
    // one link (a supervised child's, a task's) sits inline, without a set
    if (!(links instanceof LinkSet)) rt.sigs.push({ to: links, from: p.pid, reason, link: true });
    else
      for (const other of links.values())
        rt.sigs.push({ to: other, from: p.pid, reason, link: true });
  }
  const ws = p.watchers;
  if (ws !== undefined) {
    p.watchers = undefined;
    // one watcher (a task's owner) sits inline, without a table
    if (!(ws instanceof MonitorTable)) fireDown(rt, ws, reason);
    else for (const m of ws.values()) fireDown(rt, m, reason);
  }
  // read again: the exit hooks and DOWN callbacks above may have set one
  const y = p.x;
  if (y !== undefined && y.abortCtl !== undefined) {
    const ctl = y.abortCtl;
    // On behalf of the dead process: a listener that throws is reported, not fatal.
    rt.deferred.push(() => onBehalfOf(p, () => ctl.abort(new ExitError(reason))));
  }
  if (y !== undefined && y.settle !== undefined) {
    const settle = y.settle;
    y.settle = undefined;
    rt.deferred.push(() => settle(false, new ExitError(reason)));
  }
  setProc(p.pid, undefined);
  drain(rt);
}

/** Queues an exit signal and processes all pending signals. */
export function exitSignal(rt: Runtime, to: Pid, from: Pid, reason: unknown, link: boolean): void {
  rt.sigs.push({ to, from, reason, link });
  drain(rt);
}

/** Applies the queued exit signals (which may queue more), then runs the deferred callbacks. */
export function drain(rt: Runtime): void {
  if (rt.draining) return;
  rt.draining = true;
  try {
    for (let i = 0; i < rt.sigs.length; i++) {
      const s = rt.sigs[i] as ExitSig;
      try {
        applyExitSignal(rt, s.to, s.from, s.reason, s.link);
      } catch (e) {
        // one signal failing (a transport that throws…) must not drop the others
        rt.report({
          kind: "error",
          message: `exit signal to ${s.to} failed: ${formatReason(e)}`,
          reason: e,
        });
      }
    }
  } finally {
    // emptied in place: every exit drains, most with one signal or none
    if (rt.sigs.length > 0) rt.sigs.length = 0;
    rt.draining = false;
  }
  flushDeferred(rt);
}

/** Runs the callbacks deferred during signal processing (settles, aborts, reports) outside any process. */
export function flushDeferred(rt: Runtime): void {
  while (rt.deferred.length > 0) {
    const d = rt.deferred;
    rt.deferred = [];
    outsideProcesses(() => {
      for (const f of d) {
        try {
          f();
        } catch (e) {
          // a settle or abort that throws must not drop the rest of the batch
          reportFailure(rt, e);
        }
      }
    });
  }
}

/** The exit-signal rules for one signal: `kill`, trapped (an `ExitMessage`), `normal`, or death. */
export function applyExitSignal(
  rt: Runtime,
  to: Pid,
  from: Pid,
  reason: unknown,
  link: boolean,
): void {
  const t = procOf(to) as Proc | undefined;
  if (t === undefined || t.rt !== rt) {
    if (to.node !== rt.node) route(rt, { type: "exit", from, to, reason, link });
    return;
  }
  if (!t.alive) return;
  if (link && !deleteLink(t, from)) return; // unlinked meanwhile
  if (!link && reason === "kill") {
    exitProc(rt, t, "killed");
  } else if (t.trap) {
    deliver(rt, t, new ExitMessage(from, reason));
  } else if (reason === "normal") {
    if (!link && from === to) exitProc(rt, t, "normal");
  } else {
    exitProc(rt, t, reason);
  }
}

/** Links `p` and `target`: a dead or unknown local target gives `noproc`, an unreachable node `noconnection`. */
export function link(rt: Runtime, p: Proc, target: Pid): void {
  if (target === p.pid) return;
  const t = procOf(target) as Proc | undefined;
  if (t !== undefined && t.rt === rt) {
    if (!t.alive) {
      exitSignal(rt, p.pid, target, "noproc", false);
      return;
    }
    addLink(p, target);
    addLink(t, p.pid);
  } else if (target.node !== rt.node) {
    addLink(p, target);
    if (!route(rt, { type: "link", from: p.pid, to: target })) {
      deleteLink(p, target);
      exitSignal(rt, p.pid, target, "noconnection", false);
    }
  } else {
    exitSignal(rt, p.pid, target, "noproc", false);
  }
}

/** Removes the link between `p` and `target`, on both sides. */
export function unlink(rt: Runtime, p: Proc, target: Pid): void {
  if (!deleteLink(p, target)) return;
  const t = procOf(target) as Proc | undefined;
  if (t !== undefined && t.rt === rt) deleteLink(t, p.pid);
  else if (target.node !== rt.node) route(rt, { type: "unlink", from: p.pid, to: target });
}
