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
import {
  addWatcher,
  deleteWatcher,
  HELD,
  type LinkedMonitor,
  MonitorTable,
  removeWatcher,
} from "./monitor-table.js";
import { isRemoteName, remoteName } from "./names.js";
import { route } from "./nodes.js";
import type { DownSink, Monitor, Proc } from "./proc.js";
import { deliver } from "./signals.js";
import type { RemoteName } from "./types.js";

/**
 * Monitors `target` for process `p` (or with a callback sink, under a given ref): a pid, a
 * registered name, or `{ name, node }` (a name on another node is monitored there, by a
 * `"monitor-named"` signal).
 */
export function monitor(
  rt: Runtime,
  p: Proc | undefined,
  target: Pid | string | RemoteName,
  callback?: DownSink,
  useRef?: Ref,
): Ref {
  const ref = useRef ?? rt.makeRef();
  let pid: Pid;
  let name: string | undefined;
  if (target instanceof Pid) {
    pid = target;
  } else {
    if (typeof target === "string") {
      name = target;
    } else if (isRemoteName(target)) {
      const r = remoteName("monitor", target);
      if (r.node !== rt.node) return monitorRemoteName(rt, p, r, callback, ref);
      name = r.name;
    } else {
      throw new BadArgumentError(
        `monitor: expected a pid, a registered name or { name, node }, got ${formatReason(target)}`,
      );
    }
    const holder = rt.names.get(name);
    if (holder === undefined) {
      downNow(rt, p, ref, { name, node: rt.node }, "noproc", callback);
      return ref;
    }
    pid = holder.pid;
  }
  const m = record(ref, p, p?.pid, pid, name, callback);
  const t = procOf(pid) as Proc | undefined;
  if (t !== undefined && t.rt === rt) {
    if (!t.alive) {
      downNow(rt, p, ref, name === undefined ? pid : { name, node: rt.node }, "noproc", callback);
      return ref;
    }
    addWatcher(t, m);
  } else if (pid.node !== rt.node && p !== undefined) {
    // Registered before routing: a transport may answer at once (a DOWN for a dead pid).
    (p.monitors ??= new MonitorTable(HELD)).add(m);
    if (!route(rt, { type: "monitor", from: p.pid, to: pid, ref })) {
      p.monitors.delete(ref);
      downNow(rt, p, ref, pid, "noconnection", callback);
    }
    return ref;
  } else {
    downNow(rt, p, ref, pid, "noproc", callback);
    return ref;
  }
  if (p !== undefined) (p.monitors ??= new MonitorTable(HELD)).add(m);
  return ref;
}

/**
 * A monitor record (with its list links, so that every record has one shape). Its reference
 * is fresh: tables take it with `add`, no lookup.
 */
export function record(
  ref: Ref,
  watcher: Proc | undefined,
  watcherPid: Pid | undefined,
  target: Pid | RemoteName,
  name: string | undefined,
  callback: DownSink | undefined,
): Monitor {
  const m: LinkedMonitor = {
    ref,
    watcher,
    watcherPid,
    target,
    name,
    callback,
    hPrev: undefined,
    hNext: undefined,
    wPrev: undefined,
    wNext: undefined,
  };
  return m;
}

/**
 * Monitors the live local process `t` from `p` (or from nowhere) with a record made by the
 * caller (a pending call is its own record): no Monitor object of its own.
 */
export function monitorLocal(t: Proc, p: Proc | undefined, m: Monitor): void {
  addWatcher(t, m);
  if (p !== undefined) (p.monitors ??= new MonitorTable(HELD)).add(m);
}

/** Removes the record `m` of a live local monitor from both sides (no DOWN). */
export function unmonitorLocal(t: Proc, m: Monitor): void {
  m.watcher?.monitors?.remove(m);
  removeWatcher(t, m);
}

/**
 * Monitors the holder of a name on another node (Erlang's `monitor(process, {Name, Node})`):
 * the peer resolves the name; its DOWN carries `{ name, node }`. Like a monitor of a remote
 * pid, it needs a watching process (without one: `"noproc"` at once).
 */
function monitorRemoteName(
  rt: Runtime,
  p: Proc | undefined,
  to: RemoteName,
  callback: DownSink | undefined,
  ref: Ref,
): Ref {
  if (p === undefined) {
    downNow(rt, p, ref, to, "noproc", callback);
    return ref;
  }
  const m = record(ref, p, p.pid, to, to.name, callback);
  // Registered before routing: a transport may answer at once (a DOWN for an unknown name).
  (p.monitors ??= new MonitorTable(HELD)).add(m);
  if (!route(rt, { type: "monitor-named", from: p.pid, to, ref })) {
    p.monitors.delete(ref);
    downNow(rt, p, ref, to, "noconnection", callback);
  }
  return ref;
}

/** Delivers a DOWN at once (target dead, unknown or unreachable): to the callback, or to `p`'s mailbox. */
export function downNow(
  rt: Runtime,
  p: Proc | undefined,
  ref: Ref,
  object: Pid | RemoteName,
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
    p.monitors?.remove(m);
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
export function demonitorCallback(rt: Runtime, target: Pid | RemoteName, ref: Ref): void {
  if (!(target instanceof Pid)) return; // a remote monitor always has an owner process
  const t = procOf(target) as Proc | undefined;
  if (t !== undefined && t.rt === rt) deleteWatcher(t, ref);
}

/** Removes a monitor from its target's watchers, or tells the target's node. */
export function unwatch(rt: Runtime, m: Monitor): void {
  // Its watcher no longer holds it (removed, or the watcher's table dropped at its exit):
  // stale links would keep the other records of that table alive with it.
  const l = m as LinkedMonitor;
  l.hPrev = undefined;
  l.hNext = undefined;
  const target = m.target;
  if (!(target instanceof Pid)) {
    // a monitor by name on another node
    if (m.watcherPid !== undefined)
      route(rt, { type: "demonitor-named", from: m.watcherPid, to: target, ref: m.ref });
    return;
  }
  const t = procOf(target) as Proc | undefined;
  if (t !== undefined && t.rt === rt) removeWatcher(t, m);
  else if (target.node !== rt.node && m.watcherPid !== undefined) {
    route(rt, { type: "demonitor", from: m.watcherPid, to: target, ref: m.ref });
  }
}

/** What a DOWN names: the monitored pid, or `{ name, node }` for a monitor by name. */
export function downObject(m: Monitor): Pid | RemoteName {
  return m.name === undefined ? m.target : { name: m.name, node: m.target.node };
}

/** The watched process exited: the DOWN goes to the watcher's mailbox, its callback, or its node. */
export function fireDown(rt: Runtime, m: Monitor, reason: unknown): void {
  // The target's table of watchers was dropped at its exit: clear the record's links into
  // it, or a record kept alive elsewhere (a `From` held by another process) would keep
  // every other watcher's record alive with it.
  const l = m as LinkedMonitor;
  l.wPrev = undefined;
  l.wNext = undefined;
  const object = downObject(m);
  if (m.callback !== undefined) {
    m.watcher?.monitors?.remove(m);
    m.callback.down(reason);
  } else if (m.watcher !== undefined) {
    if (m.watcher.alive && m.watcher.monitors?.remove(m)) {
      deliver(rt, m.watcher, new DownMessage(m.ref, object, reason));
    }
  } else if (m.watcherPid !== undefined) {
    route(rt, { type: "down", from: object, to: m.watcherPid, ref: m.ref, reason });
  }
}
