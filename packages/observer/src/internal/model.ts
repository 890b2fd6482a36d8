// What the observer reads from a runtime: only public introspection (processes,
// processInfo, processMessages, Sys, Supervisor.tree, Ets.all/info/toList).

import { type Pid, type Runtime, Sys } from "@trellis/core";
import * as Ets from "@trellis/ets-table";
import * as Supervisor from "@trellis/supervisor";
import { render } from "./render.js";

/** One row of the process table. */
export interface ProcessRow {
  readonly id: number;
  readonly pid: string;
  readonly name: string | null;
  readonly behaviour: string | null;
  readonly status: string;
  readonly mailbox: number;
  readonly memory: number;
  readonly reductions: number;
}

export type SortKey = "id" | "name" | "behaviour" | "mailbox" | "memory" | "reductions";
export const SORT_KEYS: readonly SortKey[] = [
  "id",
  "name",
  "behaviour",
  "mailbox",
  "memory",
  "reductions",
];

/** How many processes are read between two turns of the event loop. */
const CHUNK = 1000;

/**
 * Every live process as a row. O(processes), in chunks of {@link CHUNK} with a turn of the
 * event loop between them, so that a large system is never blocked for the whole scan.
 */
export async function scanProcesses(
  rt: Runtime,
  previous: ReadonlyMap<Pid, ProcessRow> = new Map(),
): Promise<Map<Pid, ProcessRow>> {
  const rows = new Map<Pid, ProcessRow>();
  const pids = rt.processes();
  for (let k = 0; k < pids.length; k++) {
    if (k > 0 && k % CHUNK === 0) await new Promise((r) => setImmediate(r));
    const pid = pids[k] as Pid;
    const i = rt.processInfo(pid);
    if (i === undefined) continue;
    // Rows are updated in place from one scan to the next: a scan of a large system then
    // allocates little besides what processInfo itself does.
    const row = (previous.get(pid) as MutableRow | undefined) ?? {
      id: pid.id,
      pid: String(pid),
      name: null,
      behaviour: null,
      status: "",
      mailbox: 0,
      memory: 0,
      reductions: 0,
    };
    row.name = i.registeredName ?? null;
    row.behaviour = i.behaviour ?? null;
    row.status = i.status;
    row.mailbox = i.messageQueueLength;
    row.memory = i.memory;
    row.reductions = i.reductions;
    rows.set(pid, row);
  }
  return rows;
}

type MutableRow = { -readonly [K in keyof ProcessRow]: ProcessRow[K] };

/**
 * Filters, sorts and pages rows. Only the first `offset + limit` rows of the order are kept
 * while going through them (a bounded insertion), so a page of a large table costs
 * O(rows × log(page)) rather than a sort of every row.
 */
export function queryRows(
  rows: Iterable<ProcessRow>,
  q: { filter: string; sort: SortKey; desc: boolean; offset: number; limit: number },
): { total: number; rows: ProcessRow[] } {
  const f = q.filter.toLowerCase();
  const k = q.sort;
  const dir = q.desc ? -1 : 1;
  const before = (a: ProcessRow, b: ProcessRow): boolean => {
    const x = a[k] ?? "";
    const y = b[k] ?? "";
    if (x === y) return a.id < b.id;
    return x < y === (dir === 1);
  };
  const keep = Math.min(q.offset + q.limit, 100_000);
  const top: ProcessRow[] = [];
  let total = 0;
  for (const r of rows) {
    if (
      f !== "" &&
      !r.pid.includes(f) &&
      !(r.name?.toLowerCase().includes(f) ?? false) &&
      !(r.behaviour?.toLowerCase().includes(f) ?? false)
    )
      continue;
    total++;
    if (top.length === keep && !before(r, top[keep - 1] as ProcessRow)) continue;
    let lo = 0;
    let hi = top.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(r, top[mid] as ProcessRow)) hi = mid;
      else lo = mid + 1;
    }
    top.splice(lo, 0, r);
    if (top.length > keep) top.pop();
  }
  return { total, rows: top.slice(q.offset, q.offset + q.limit).map((r) => ({ ...r })) };
}

/** The live local pid with this id, or undefined. */
export function pidById(rt: Runtime, id: number): Pid | undefined {
  for (const pid of rt.processes()) if (pid.id === id) return pid;
  return undefined;
}

const STATE_CAP = 10_000;

/** Everything the process page shows. */
export async function processDetail(
  rt: Runtime,
  pid: Pid,
): Promise<Record<string, unknown> | undefined> {
  const info = rt.processInfo(pid);
  if (info === undefined) return undefined;
  const messages = rt.processMessages(pid, 10) ?? [];
  let state: { text: string; truncated: boolean } | { error: string } | null = null;
  let suspended = false;
  if (info.behaviour !== undefined) {
    try {
      const status = await Sys.getStatus(pid, 1000);
      suspended = status.status === "suspended";
      state = render(status.state, STATE_CAP);
    } catch (e) {
      state = { error: `could not read the state: ${e instanceof Error ? e.message : String(e)}` };
    }
  }
  return {
    id: pid.id,
    pid: String(pid),
    name: info.registeredName ?? null,
    behaviour: info.behaviour ?? null,
    status: suspended ? "suspended" : info.status,
    suspended,
    mailbox: info.messageQueueLength,
    memory: info.memory,
    reductions: info.reductions,
    trapExit: info.trapExit,
    parent: info.parent === undefined ? null : ref(info.parent),
    links: info.links.map(ref),
    monitors: info.monitors.map((m) => (typeof m.pid === "string" ? { name: m.pid } : ref(m.pid))),
    monitoredBy: info.monitoredBy.map(ref),
    dictionary: render(info.dictionary, 4000),
    messages: messages.map((m) => render(m, 1000).text),
    state,
  };
}

function ref(pid: Pid): { id: number; pid: string } {
  return { id: pid.id, pid: String(pid) };
}

/** A node of a supervision tree, as the page shows it. */
export interface TreeView {
  readonly id: string;
  readonly pid: string | null;
  readonly pidId: number | null;
  readonly type: string;
  readonly restarts: number;
  readonly behaviour: string | null;
  readonly name: string | null;
  readonly children: TreeView[];
}

const SUPERVISORS = new Set(["Supervisor", "DynamicSupervisor"]);

/** The supervision trees: every supervisor whose parent is not a supervisor, with its tree. */
export async function trees(rt: Runtime): Promise<TreeView[]> {
  const roots: Pid[] = [];
  for (const pid of rt.processes()) {
    const i = rt.processInfo(pid);
    if (i?.behaviour === undefined || !SUPERVISORS.has(i.behaviour)) continue;
    const parent = i.parent === undefined ? undefined : rt.processInfo(i.parent);
    if (parent?.behaviour !== undefined && SUPERVISORS.has(parent.behaviour)) continue;
    roots.push(pid);
  }
  const out: TreeView[] = [];
  for (const pid of roots) {
    const info = rt.processInfo(pid);
    let children: TreeView[] = [];
    try {
      children = (await Supervisor.tree(pid, { timeout: 1000 })).map((n) => view(rt, n));
    } catch {
      // it stopped meanwhile, or is busy: show it without children this time
    }
    out.push({
      id: "",
      pid: String(pid),
      pidId: pid.id,
      type: "supervisor",
      restarts: 0,
      behaviour: info?.behaviour ?? null,
      name: info?.registeredName ?? null,
      children,
    });
  }
  return out;
}

function view(rt: Runtime, n: Supervisor.TreeNode): TreeView {
  const pid = typeof n.pid === "object" ? n.pid : undefined;
  const info = pid === undefined ? undefined : rt.processInfo(pid);
  return {
    id: render(n.id, 200).text,
    pid: pid === undefined ? (n.pid === "restarting" ? "restarting" : null) : String(pid),
    pidId: pid === undefined ? null : pid.id,
    type: n.type,
    restarts: n.restarts,
    behaviour: info?.behaviour ?? null,
    name: info?.registeredName ?? null,
    children: (n.children ?? []).map((c) => view(rt, c)),
  };
}

/** The ETS tables of a runtime (a Registry's tables are owned by its partitions). */
export function tables(rt: Runtime): Record<string, unknown>[] {
  return Ets.all(rt).flatMap((t) => {
    const i = Ets.info(t);
    if (i === undefined) return [];
    const owner = rt.processInfo(i.owner);
    return [
      {
        id: i.id,
        name: i.name,
        type: i.type,
        access: i.access,
        size: i.size,
        memory: i.memory,
        owner: { id: i.owner.id, pid: String(i.owner) },
        registry: owner?.behaviour === "Registry.Partition",
      },
    ];
  });
}

/** A page of a table's rows, or an explanation of why they cannot be read. */
export function tableRows(
  rt: Runtime,
  id: number,
  offset: number,
  limit: number,
): { rows: string[]; total: number } | { error: string; status: number } {
  const t = Ets.all(rt).find((x) => Ets.info(x, "id") === id);
  if (t === undefined) return { error: `no table with id ${id}`, status: 404 };
  if (Ets.info(t, "access") === "private")
    return { error: "this table is private: only its owner can read its rows", status: 403 };
  try {
    const all = Ets.toList(t);
    return {
      total: all.length,
      rows: all.slice(offset, offset + limit).map((r) => render(r, 500).text),
    };
  } catch (e) {
    return {
      error: `could not read the rows: ${e instanceof Error ? e.message : String(e)}`,
      status: 409,
    };
  }
}
