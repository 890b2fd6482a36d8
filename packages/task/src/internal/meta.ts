/**
 * The caller and parent of each task process: what Elixir keeps in the process dictionary
 * as `$callers` and `$ancestors`. Core has no process dictionary, so the package keeps its
 * own table, keyed by pid number (a `WeakMap` keyed by pid costs more than the rest of a
 * task's start). An entry is removed when its task returns; those of tasks that crashed
 * or were killed are swept out, a batch at a time, as the table grows.
 *
 * @module
 */
import { isAlive, type Pid, parentOf } from "@trellis/core";

/** Where a task comes from. The `up` links keep the chain of callers alive. */
export interface Origin {
  /** The task process. */
  readonly pid: Pid;
  /** The process that asked for the task, if any. */
  readonly caller: Pid | undefined;
  /** The process that started it: the caller, or a Task.Supervisor. */
  readonly parent: Pid;
  /** The origin of the caller, when the caller is a task itself. */
  readonly up: Origin | undefined;
}

const origins = new Map<number, Origin>();
let sweepAt = 1024;

/** The origin of a live task process, if `pid` is one. */
function originOf(pid: Pid): Origin | undefined {
  const o = origins.get(pid.id);
  return o !== undefined && o.pid === pid ? o : undefined;
}

/** Records where the task `pid` comes from; returns the record. */
export function setOrigin(pid: Pid, caller: Pid | undefined, parent: Pid): Origin {
  const o: Origin = {
    pid,
    caller,
    parent,
    up: caller === undefined ? undefined : originOf(caller),
  };
  if (origins.size >= sweepAt) sweep();
  origins.set(pid.id, o);
  return o;
}

/** The task has returned: forget it. */
export function dropOrigin(o: Origin): void {
  if (origins.get(o.pid.id) === o) origins.delete(o.pid.id);
}

function sweep(): void {
  for (const [id, o] of origins) if (!isAlive(o.pid)) origins.delete(id);
  sweepAt = Math.max(1024, origins.size * 2);
}

/** The chain of callers of `pid`, nearest first (Elixir's `$callers`). */
export function callersOf(pid: Pid): Pid[] {
  const out: Pid[] = [];
  for (let o = originOf(pid); o !== undefined && o.caller !== undefined; o = o.up) {
    out.push(o.caller);
  }
  return out;
}

/** The chain of parents of `pid`, nearest first (Elixir's `$ancestors`). */
export function ancestorsOf(pid: Pid): Pid[] {
  const out: Pid[] = [];
  let cur = pid;
  let o = originOf(pid);
  for (let i = 0; i < 10_000; i++) {
    const parent = o !== undefined ? o.parent : parentOf(cur);
    if (parent === undefined) break;
    out.push(parent);
    // a plain task's parent is its caller, whose origin `up` keeps even once it has returned
    o = o !== undefined && o.parent === o.caller ? o.up : originOf(parent);
    cur = parent;
  }
  return out;
}
