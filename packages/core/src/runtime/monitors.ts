/**
 * Monitors: watching a process (by pid or by registered name, locally or on another node),
 * demonitoring, and the DOWN a watcher gets when the watched process exits.
 *
 * @module
 */
import { BadArgumentError, formatReason } from "../errors.js";
import { DownMessage } from "../messages.js";
import { Pid, procOf, type Ref } from "../pid.js";
import type { Runtime } from "../runtime.js";
import { MonitorTable } from "./monitor-table.js";
import { route } from "./nodes.js";
import type { DownSink, Monitor, Proc } from "./proc.js";
import { deliver } from "./signals.js";

/** Monitors `target` for process `p` (or with a callback sink, under a given ref). */
export function monitor(
  rt: Runtime,
  p: Proc | undefined,
  target: Pid | string,
  callback?: DownSink,
  useRef?: Ref,
): Ref {
  const ref = useRef ?? rt.makeRef();
  let pid: Pid;
  let name: string | undefined;
  if (typeof target === "string") {
    const holder = rt.names.get(target);
    name = target;
    if (holder === undefined) {
      downNow(rt, p, ref, { name: target, node: rt.node }, "noproc", callback);
      return ref;
    }
    pid = holder.pid;
  } else if (target instanceof Pid) {
    pid = target;
  } else {
    throw new BadArgumentError(
      `monitor: expected a pid or a registered name, got ${formatReason(target)}`,
    );
  }
  const m: Monitor = { ref, watcher: p, watcherPid: p?.pid, target: pid, name, callback };
  const t = procOf(pid) as Proc | undefined;
  if (t !== undefined && t.rt === rt) {
    if (!t.alive) {
      downNow(rt, p, ref, name === undefined ? pid : { name, node: rt.node }, "noproc", callback);
      return ref;
    }
    (t.watchers ??= new MonitorTable()).set(ref, m);
  } else if (pid.node !== rt.node && p !== undefined) {
    // Registered before routing: a transport may answer at once (a DOWN for a dead pid).
    (p.monitors ??= new MonitorTable()).set(ref, m);
    if (!route(rt, { type: "monitor", from: p.pid, to: pid, ref })) {
      p.monitors.delete(ref);
      downNow(rt, p, ref, pid, "noconnection", callback);
    }
    return ref;
  } else {
    downNow(rt, p, ref, pid, "noproc", callback);
    return ref;
  }
  if (p !== undefined) (p.monitors ??= new MonitorTable()).set(ref, m);
  return ref;
}

/** Delivers a DOWN at once (target dead, unknown or unreachable): to the callback, or to `p`'s mailbox. */
export function downNow(
  rt: Runtime,
  p: Proc | undefined,
  ref: Ref,
  object: Pid | { name: string; node: string },
  reason: unknown,
  callback: DownSink | undefined,
): void {
  if (callback !== undefined) callback.down(reason);
  else if (p !== undefined) deliver(rt, p, new DownMessage(ref, object, reason));
}

/** Removes `p`'s monitor `ref` (with `flush`, also its DOWN already queued); whether it was active. */
export function demonitor(rt: Runtime, p: Proc | undefined, ref: Ref, flush: boolean): boolean {
  const m = p === undefined ? undefined : p.monitors?.get(ref);
  let active = false;
  if (m !== undefined && p !== undefined) {
    p.monitors?.delete(ref);
    unwatch(rt, m);
    active = true;
  }
  if (
    flush &&
    p !== undefined &&
    p.mailbox.removeWhere((msg) => msg instanceof DownMessage && msg.ref === ref) > 0 &&
    p.waiter !== undefined
  ) {
    // A pending receive remembers how far it has scanned; the mailbox just shrank.
    p.waiter.scanned = 0;
  }
  return active;
}

/** Removes a callback monitor that has no owner process. */
export function demonitorCallback(rt: Runtime, target: Pid, ref: Ref): void {
  const t = procOf(target) as Proc | undefined;
  if (t !== undefined && t.rt === rt) t.watchers?.delete(ref);
}

/** Removes a monitor from its target's watchers, or tells the target's node. */
export function unwatch(rt: Runtime, m: Monitor): void {
  const t = procOf(m.target) as Proc | undefined;
  if (t !== undefined && t.rt === rt) t.watchers?.delete(m.ref);
  else if (m.target.node !== rt.node && m.watcherPid !== undefined) {
    route(rt, { type: "demonitor", from: m.watcherPid, to: m.target, ref: m.ref });
  }
}

/** The watched process exited: the DOWN goes to the watcher's mailbox, its callback, or its node. */
export function fireDown(rt: Runtime, m: Monitor, reason: unknown): void {
  const object = m.name === undefined ? m.target : { name: m.name, node: m.target.node };
  if (m.callback !== undefined) {
    m.watcher?.monitors?.delete(m.ref);
    m.callback.down(reason);
  } else if (m.watcher !== undefined) {
    if (m.watcher.alive && m.watcher.monitors?.delete(m.ref)) {
      deliver(rt, m.watcher, new DownMessage(m.ref, object, reason));
    }
  } else if (m.watcherPid !== undefined) {
    route(rt, { type: "down", from: m.target, to: m.watcherPid, ref: m.ref, reason });
  }
}
