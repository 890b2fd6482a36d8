/**
 * A `pg` scope: process groups shared with Erlang's `pg` (OTP 23+) and other Trellis nodes.
 *
 * @module
 */
import {
  BadArgumentError,
  CastRequest,
  DownMessage,
  demonitor,
  monitor,
  Pid,
  type Ref,
  type Runtime,
  receive,
  register,
  self,
  send,
} from "@trellis/core";
import type { DistributionNode } from "./node.js";
import { Atom, atom, type ErlTerm, List, list } from "./terms.js";

/**
 * A group name: an atom (as Erlang code usually names groups) or a string.
 *
 * @since 0.1.0
 * @category Process groups
 */
export type GroupName = Atom | string;

/**
 * A running `pg` scope. Membership is eventually consistent, as in Erlang: a join on one
 * node is seen on the others once its message has arrived.
 *
 * @since 0.1.0
 * @category Process groups
 */
export interface PgScope {
  /** The scope process (registered under the scope name). */
  readonly pid: Pid;
  /**
   * Adds local processes to a group (a process may join several times). Like `pg:join`, the
   * change is done on return: `getMembers` includes them at once; other nodes learn it next.
   */
  join(group: GroupName, pids: Pid | readonly Pid[]): void;
  /** Removes local processes from a group (one membership each), done on return like `join`. */
  leave(group: GroupName, pids: Pid | readonly Pid[]): void;
  /** Every member of the group, on every node this scope knows. */
  getMembers(group: GroupName): Pid[];
  /** The members of the group on this node. */
  getLocalMembers(group: GroupName): Pid[];
  /** The groups with at least one member. */
  whichGroups(): GroupName[];
  /** Asks the scope of the same name on `node` to exchange memberships (a hidden node must). */
  discover(node: string): void;
  /** Stops the scope process. */
  stop(): void;
}

const A = {
  discover: atom("discover"),
  sync: atom("sync"),
  join: atom("join"),
  leave: atom("leave"),
};

const JOIN = Symbol("join");
const LEAVE = Symbol("leave");
const DISCOVER = Symbol("discover");

function key(group: ErlTerm): GroupName | undefined {
  return group instanceof Atom || typeof group === "string" ? group : undefined;
}

function pidsOf(term: ErlTerm): Pid[] {
  if (term instanceof Pid) return [term];
  if (term instanceof List) return term.items.filter((p): p is Pid => p instanceof Pid);
  return [];
}

function removeOnce(list: Pid[], pids: readonly Pid[]): void {
  for (const p of pids) {
    const i = list.indexOf(p);
    if (i >= 0) list.splice(i, 1);
  }
}

/**
 * Starts a `pg` scope on a distributed runtime: a process registered as `scope` that keeps
 * process groups in step with the scopes of the same name on other nodes, speaking OTP's
 * `pg` protocol (`discover`, `sync`, `join`, `leave`). Erlang and Elixir processes see Trellis
 * members in `pg:get_members/2`, and Trellis sees theirs in `getMembers`. Start a scope on the
 * BEAM side too (`pg:start_link()`, or `-kernel start_pg true`). Being a hidden node, the
 * Trellis scope discovers the scopes of the nodes connected when it starts; call `discover`
 * for nodes connected later.
 *
 * @param rt - the runtime (started with `startNode`)
 * @param node - its distribution node
 * @param scope - the scope name. Default `"pg"`, Erlang's default scope
 * @returns the scope
 * @throws {BadArgumentError} if the name is taken
 * @example
 * ```ts
 * import { atom, startPg } from "@trellis/distribution";
 * const pg = startPg(rt, node);
 * pg.join(atom("chat"), worker);
 * pg.getMembers(atom("chat")); // worker, and the members on the other nodes
 * ```
 * @since 0.1.0
 * @category Process groups
 */
export function startPg(rt: Runtime, node: DistributionNode, scope = "pg"): PgScope {
  if (rt.whereis(scope) !== undefined) {
    throw new BadArgumentError(`startPg: the name "${scope}" is already registered`);
  }
  /** The local groups as the scope process applied and announced them to its peers. */
  const local = new Map<GroupName, Pid[]>();
  /**
   * The local groups as callers see them: `join` and `leave` change them at once, as Erlang's
   * `pg:join` and `pg:leave` return after the change; the scope process follows in order.
   */
  const visible = new Map<GroupName, Pid[]>();
  /** Peer scope → its groups and the monitor on it. */
  const peers = new Map<Pid, { ref: Ref; groups: Map<GroupName, Pid[]> }>();
  const monitors = new Map<Pid, Ref>();
  let stopped = false;

  const pid = rt.spawn(async () => {
    register(scope, self());
    for (const n of node.nodes()) node.send({ name: scope, node: n }, [A.discover, self()]);
    for (;;) {
      const m = await receive();
      if (stopped) return;
      handle(m);
    }
  });

  function localPairs(): ErlTerm {
    return list(...[...local].map(([g, pids]) => [g, list(...pids)] as ErlTerm));
  }

  function broadcast(message: ErlTerm): void {
    for (const peer of peers.keys()) send(peer, message);
  }

  function peerOf(peer: Pid): { ref: Ref; groups: Map<GroupName, Pid[]> } {
    let p = peers.get(peer);
    if (p === undefined) {
      p = { ref: monitor(peer), groups: new Map() };
      peers.set(peer, p);
    }
    return p;
  }

  function handle(m: unknown): void {
    if (Array.isArray(m)) {
      const [tag] = m;
      if (tag === JOIN) {
        const [, group, pids] = m as [symbol, GroupName, Pid[]];
        local.set(group, [...(local.get(group) ?? []), ...pids]);
        for (const p of pids) if (!monitors.has(p)) monitors.set(p, monitor(p));
        broadcast([A.join, self(), group, list(...pids)]);
      } else if (tag === LEAVE) {
        const [, group, pids] = m as [symbol, GroupName, Pid[]];
        leaveLocal(group, pids);
      } else if (tag === DISCOVER) {
        node.send({ name: scope, node: m[1] as string }, [A.discover, self()]);
      } else if (tag === A.discover && m[1] instanceof Pid) {
        // as pg: answer with our groups, and discover back a scope we did not know
        const peer = m[1];
        send(peer, new CastRequest([A.sync, self(), localPairs()]));
        if (!peers.has(peer)) {
          peerOf(peer);
          send(peer, [A.discover, self()]);
        }
      } else if (tag === A.join && m[1] instanceof Pid) {
        const g = key(m[2] as ErlTerm);
        const p = peers.get(m[1]);
        if (g !== undefined && p !== undefined)
          p.groups.set(g, [...(p.groups.get(g) ?? []), ...pidsOf(m[3] as ErlTerm)]);
      } else if (tag === A.leave && m[1] instanceof Pid) {
        const p = peers.get(m[1]);
        const groups = m[3];
        if (p !== undefined && groups instanceof List) {
          for (const g of groups.items) {
            const k = key(g);
            const members = k === undefined ? undefined : p.groups.get(k);
            if (k !== undefined && members !== undefined) {
              removeOnce(members, pidsOf(m[2] as ErlTerm));
              if (members.length === 0) p.groups.delete(k);
            }
          }
        }
      }
    } else if (m instanceof CastRequest) {
      const r = m.request;
      if (Array.isArray(r) && r[0] === A.sync && r[1] instanceof Pid && r[2] instanceof List) {
        const p = peerOf(r[1]);
        p.groups = new Map();
        for (const pair of r[2].items) {
          if (!Array.isArray(pair) || pair.length !== 2) continue;
          const g = key(pair[0] as ErlTerm);
          if (g !== undefined) p.groups.set(g, pidsOf(pair[1] as ErlTerm));
        }
      }
    } else if (m instanceof DownMessage && m.pid instanceof Pid) {
      const p = peers.get(m.pid);
      if (p !== undefined && p.ref === m.ref) {
        peers.delete(m.pid);
        return;
      }
      if (monitors.get(m.pid) === m.ref) {
        monitors.delete(m.pid);
        const gone = m.pid;
        for (const [g, pids] of [...visible]) {
          const rest = pids.filter((x) => x !== gone);
          if (rest.length === 0) visible.delete(g);
          else visible.set(g, rest);
        }
        for (const [g, pids] of [...local]) {
          if (pids.includes(m.pid))
            leaveLocal(
              g,
              pids.filter((x) => x === m.pid),
            );
        }
      }
    }
  }

  function leaveLocal(group: GroupName, pids: readonly Pid[]): void {
    const members = local.get(group);
    if (members === undefined) return;
    const before = members.length;
    removeOnce(members, pids);
    if (members.length === 0) local.delete(group);
    if (members.length !== before) broadcast([A.leave, self(), list(...pids), list(group)]);
    for (const p of pids) {
      const still = [...local.values()].some((l) => l.includes(p));
      const ref = monitors.get(p);
      if (!still && ref !== undefined) {
        monitors.delete(p);
        demonitor(ref);
      }
    }
  }

  const asList = (pids: Pid | readonly Pid[]): Pid[] => (pids instanceof Pid ? [pids] : [...pids]);
  const checkGroup = (group: unknown, what: string): void => {
    if (!(group instanceof Atom) && typeof group !== "string") {
      throw new BadArgumentError(`${what}: a group is an atom or a string, got ${String(group)}`);
    }
  };

  return {
    pid,
    join(group, pids) {
      checkGroup(group, "join");
      const all = asList(pids);
      for (const p of all) {
        if (!(p instanceof Pid) || p.node !== rt.node) {
          throw new BadArgumentError(
            `join: only processes of this node can join, got ${String(p)}`,
          );
        }
      }
      visible.set(group, [...(visible.get(group) ?? []), ...all]);
      rt.send(pid, [JOIN, group, all]);
    },
    leave(group, pids) {
      checkGroup(group, "leave");
      const all = asList(pids);
      const members = visible.get(group);
      if (members !== undefined) {
        removeOnce(members, all);
        if (members.length === 0) visible.delete(group);
      }
      rt.send(pid, [LEAVE, group, all]);
    },
    getMembers(group) {
      const out = [...(visible.get(group) ?? [])];
      for (const p of peers.values()) out.push(...(p.groups.get(group) ?? []));
      return out;
    },
    getLocalMembers: (group) => [...(visible.get(group) ?? [])],
    whichGroups() {
      const all = new Set<GroupName>(visible.keys());
      for (const p of peers.values()) for (const g of p.groups.keys()) all.add(g);
      return [...all];
    },
    discover(n) {
      rt.send(pid, [DISCOVER, n]);
    },
    stop() {
      stopped = true;
      rt.exit(pid, "kill");
    },
  };
}
