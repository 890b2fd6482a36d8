/**
 * Process groups spanning nodes: Erlang's `pg`. Every node that takes part runs a scope
 * process; scopes find each other, exchange their local memberships, and tell each other
 * about joins and leaves. Membership is eventually consistent, and reads are local.
 *
 * @module
 */
import {
  addExitHook,
  BadArgumentError,
  CallRequest,
  call,
  currentRuntime,
  formatReason,
  inProcess,
  isDown,
  monitor,
  Pid,
  type Ref,
  type Runtime,
  reply,
  send,
  startSpecial,
} from "@trellis/core";
import { contextOf } from "./node-context.js";

const DEFAULT_SCOPE = "pg";

interface ScopeState {
  readonly self: Pid;
  /** Local members by group (a pid once per join, as in pg). */
  readonly local: Map<string, Pid[]>;
  /** Members on other nodes, by their scope process. */
  readonly remote: Map<Pid, Map<string, Pid[]>>;
  /** Monitors of local members and of peer scopes. */
  readonly watched: Map<Pid, Ref>;
}

const scopes = new WeakMap<Runtime, Map<string, ScopeState>>();

type PgMessage =
  | { readonly $pg: "discover"; readonly from: Pid }
  | { readonly $pg: "sync"; readonly from: Pid; readonly groups: [string, Pid[]][] }
  | { readonly $pg: "join"; readonly from: Pid; readonly group: string; readonly pids: Pid[] }
  | { readonly $pg: "leave"; readonly from: Pid; readonly group: string; readonly pids: Pid[] };

type PgRequest =
  | { readonly op: "join"; readonly group: string; readonly pids: Pid[] }
  | { readonly op: "leave"; readonly group: string; readonly pids: Pid[] };

function isPg(m: unknown): m is PgMessage {
  return typeof m === "object" && m !== null && typeof (m as { $pg?: unknown }).$pg === "string";
}

/**
 * Options of {@link startGroups}.
 *
 * @example
 * ```ts
 * import type { GroupsOptions } from "@trellis/workers";
 * const options: GroupsOptions = { scope: "chat", link: true };
 * ```
 * @since 0.1.0
 * @category Placement
 */
export interface GroupsOptions {
  /** The scope name, registered on the node. Default `"pg"`. */
  readonly scope?: string;
  /** Link the scope process to the caller. Default `false`. */
  readonly link?: boolean;
  /** The runtime to start in outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
}

function checkScope(scope: unknown): string {
  if (typeof scope !== "string" || scope.length === 0)
    throw new BadArgumentError(`pg: a scope is a non-empty string, got ${formatReason(scope)}`);
  return scope;
}

function checkGroup(group: unknown): string {
  if (typeof group !== "string")
    throw new BadArgumentError(`pg: a group name is a string, got ${formatReason(group)}`);
  return group;
}

function add(map: Map<string, Pid[]>, group: string, pids: readonly Pid[]): void {
  map.set(group, [...(map.get(group) ?? []), ...pids]);
}

function remove(map: Map<string, Pid[]>, group: string, pids: readonly Pid[]): void {
  const left = [...(map.get(group) ?? [])];
  for (const p of pids) {
    const i = left.indexOf(p);
    if (i >= 0) left.splice(i, 1);
  }
  if (left.length === 0) map.delete(group);
  else map.set(group, left);
}

/**
 * Starts a `pg` scope process on the calling node (Erlang's `pg:start_link(Scope)`). Start
 * one on every node that takes part, main and workers (in a worker module's `start`
 * export). Scopes of the same name on connected nodes find each other, exchange their
 * members, and drop the members of a node that goes down.
 *
 * @example
 * ```ts
 * import { self } from "@trellis/core";
 * import { getMembers, join, startGroups } from "@trellis/workers";
 * await startGroups(); // scope "pg" on this node
 * await join("workers", self());
 * getMembers("workers"); // pids on every node, once their scopes have synced
 * ```
 * @throws {AlreadyStartedError} (rejects) if the scope already runs on this node
 * @since 0.1.0
 * @category Placement
 */
export async function startGroups(options: GroupsOptions = {}): Promise<Pid> {
  const scope = checkScope(options.scope ?? DEFAULT_SCOPE);
  const rt = inProcess() ? currentRuntime() : (options.runtime ?? currentRuntime());
  const started = await startSpecial(
    (self) => {
      const state: ScopeState = { self, local: new Map(), remote: new Map(), watched: new Map() };
      let table = scopes.get(rt);
      if (table === undefined) {
        table = new Map();
        scopes.set(rt, table);
      }
      table.set(scope, state);
      const mine = table;
      addExitHook(self, () => {
        if (mine.get(scope) === state) mine.delete(scope);
      });
      const peers = (): Pid[] => [...state.remote.keys()];
      const watchPeer = (peer: Pid): boolean => {
        if (state.remote.has(peer)) return false;
        state.remote.set(peer, new Map());
        state.watched.set(peer, monitor(peer));
        return true;
      };
      // Discovery: ask every connected node for its scope of this name.
      const ctx = contextOf(rt);
      for (const node of rt.nodes()) {
        ctx.request(node, "@trellis/core", "whereis", [scope], undefined, false, "call").then(
          (peer) => {
            if (peer instanceof Pid) send(peer, { $pg: "discover", from: self });
          },
          () => {
            // that node has no scope (yet); it will discover us when it starts one
          },
        );
      }
      const handleMessage = (msg: unknown): void => {
        if (msg instanceof CallRequest) {
          const req = msg.request as PgRequest;
          for (const p of req.pids) {
            if (!state.watched.has(p)) state.watched.set(p, monitor(p));
          }
          if (req.op === "join") add(state.local, req.group, req.pids);
          else remove(state.local, req.group, req.pids);
          const note: PgMessage =
            req.op === "join"
              ? { $pg: "join", from: self, group: req.group, pids: req.pids }
              : { $pg: "leave", from: self, group: req.group, pids: req.pids };
          for (const peer of peers()) send(peer, note);
          reply(msg.from, "ok");
          return;
        }
        if (isDown(msg)) {
          const who = msg.pid as Pid;
          state.watched.delete(who);
          if (state.remote.delete(who)) return; // a peer scope (or its node) went down
          for (const [group, pids] of [...state.local]) {
            const gone = pids.filter((p) => p === who);
            if (gone.length === 0) continue;
            remove(state.local, group, gone);
            for (const peer of peers()) send(peer, { $pg: "leave", from: self, group, pids: gone });
          }
          return;
        }
        if (!isPg(msg) || msg.from === self) return;
        switch (msg.$pg) {
          case "discover": {
            const fresh = watchPeer(msg.from);
            send(msg.from, { $pg: "sync", from: self, groups: [...state.local] });
            if (fresh) send(msg.from, { $pg: "discover", from: self });
            return;
          }
          case "sync": {
            watchPeer(msg.from);
            state.remote.set(msg.from, new Map(msg.groups));
            return;
          }
          case "join": {
            const theirs = state.remote.get(msg.from);
            if (theirs !== undefined) add(theirs, msg.group, msg.pids);
            return;
          }
          case "leave": {
            const theirs = state.remote.get(msg.from);
            if (theirs !== undefined) remove(theirs, msg.group, msg.pids);
            return;
          }
        }
      };
      return { type: "ok", process: { handleMessage, getState: () => state } };
    },
    { name: scope, link: options.link === true, behaviour: "pg", runtime: rt },
  );
  return started as Pid;
}

function stateOf(scope: string, what: string): ScopeState {
  const s = scopes.get(currentRuntime())?.get(checkScope(scope));
  if (s === undefined)
    throw new BadArgumentError(`${what}: no pg scope "${scope}" runs on this node (startGroups)`);
  return s;
}

function pidsOf(pids: Pid | readonly Pid[], what: string): Pid[] {
  const list = Pid.is(pids) ? [pids] : pids;
  if (!Array.isArray(list) || list.some((p) => !Pid.is(p)))
    throw new BadArgumentError(
      `${what}: expected a pid or an array of pids, got ${formatReason(pids)}`,
    );
  const rt = currentRuntime();
  for (const p of list)
    if (p.node !== rt.node)
      throw new BadArgumentError(`${what}: ${p} is not a process of this node (${rt.node})`);
  return [...list];
}

/**
 * Adds local processes to `group` (Erlang's `pg:join/3`); a pid may join more than once.
 * A member leaves when it exits.
 *
 * @example
 * ```ts
 * import { self } from "@trellis/core";
 * import { join } from "@trellis/workers";
 * await join("workers", self());
 * ```
 * @throws {BadArgumentError} (rejects) for a pid of another node, or no scope on this node
 * @since 0.1.0
 * @category Placement
 */
export async function join(
  group: string,
  pids: Pid | readonly Pid[],
  scope: string = DEFAULT_SCOPE,
): Promise<void> {
  const s = stateOf(scope, "pg.join");
  const req: PgRequest = { op: "join", group: checkGroup(group), pids: pidsOf(pids, "pg.join") };
  await call(s.self, req, { module: "pg", function: "join" });
}

/**
 * Removes local processes from `group` once each (Erlang's `pg:leave/3`).
 *
 * @example
 * ```ts
 * import { self } from "@trellis/core";
 * import { leave } from "@trellis/workers";
 * await leave("workers", self());
 * ```
 * @since 0.1.0
 * @category Placement
 */
export async function leave(
  group: string,
  pids: Pid | readonly Pid[],
  scope: string = DEFAULT_SCOPE,
): Promise<void> {
  const s = stateOf(scope, "pg.leave");
  const req: PgRequest = { op: "leave", group: checkGroup(group), pids: pidsOf(pids, "pg.leave") };
  await call(s.self, req, { module: "pg", function: "leave" });
}

/**
 * The members of `group` on every node, as this node knows them (Erlang's
 * `pg:get_members/2`): read locally, without a message.
 *
 * @example
 * ```ts
 * import { getMembers } from "@trellis/workers";
 * getMembers("workers"); // [Pid, Pid, …]
 * ```
 * @since 0.1.0
 * @category Placement
 */
export function getMembers(group: string, scope: string = DEFAULT_SCOPE): Pid[] {
  const s = stateOf(scope, "pg.getMembers");
  const out = [...(s.local.get(checkGroup(group)) ?? [])];
  for (const groups of s.remote.values()) out.push(...(groups.get(group) ?? []));
  return out;
}

/**
 * The members of `group` on this node (Erlang's `pg:get_local_members/2`).
 *
 * @example
 * ```ts
 * import { getLocalMembers } from "@trellis/workers";
 * getLocalMembers("workers");
 * ```
 * @since 0.1.0
 * @category Placement
 */
export function getLocalMembers(group: string, scope: string = DEFAULT_SCOPE): Pid[] {
  return [...(stateOf(scope, "pg.getLocalMembers").local.get(checkGroup(group)) ?? [])];
}

/**
 * Every group with a member anywhere (Erlang's `pg:which_groups/1`).
 *
 * @example
 * ```ts
 * import { whichGroups } from "@trellis/workers";
 * whichGroups(); // ["workers"]
 * ```
 * @since 0.1.0
 * @category Placement
 */
export function whichGroups(scope: string = DEFAULT_SCOPE): string[] {
  const s = stateOf(scope, "pg.whichGroups");
  const names = new Set(s.local.keys());
  for (const groups of s.remote.values()) for (const g of groups.keys()) names.add(g);
  return [...names];
}
