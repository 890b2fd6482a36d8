// One session process per signed-in user, started on demand under a DynamicSupervisor,
// named through a Registry by user id, and stopped after a period without activity.
import { isAlive, type Pid, TIMEOUT, type ViaName } from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as GenServer from "@trellis/gen-server";
import * as Registry from "@trellis/registry";
import * as Supervisor from "@trellis/supervisor";

const REGISTRY = "sessions";
const SUPERVISOR = "session_sup";

/** How long a session lives without a request, by default: 30 minutes. */
export const IDLE_MS: number = 30 * 60_000;

type Req =
  | GenServer.Request<{ type: "add"; item: string }, string[]>
  | GenServer.Request<{ type: "cart" }, string[]>;

interface Session {
  readonly user: string;
  readonly cart: string[];
  readonly idleMs: number;
}

/**
 * A user's session: a shopping cart. Every reply re-arms the idle timeout; when it fires
 * (`TIMEOUT` in handleInfo) the session stops "normal", and being transient it is not
 * restarted, and its Registry name is freed.
 */
const SessionServer = GenServer.define(
  {
    init: (arg: { user: string; idleMs: number }) =>
      GenServer.Result.ok<Session>({ ...arg, cart: [] }, { timeout: arg.idleMs }),
    handleCall: (req: Req, _from, s) => {
      const next = req.type === "add" ? { ...s, cart: [...s.cart, req.item] } : s;
      return GenServer.Result.reply(next.cart, next, { timeout: s.idleMs });
    },
    handleInfo: (message, s) =>
      message === TIMEOUT
        ? GenServer.Result.stop("normal", s)
        : GenServer.Result.noreply(s, { timeout: s.idleMs }),
  },
  { restart: "transient" },
);

/** The via name of `user`'s session. */
function nameOf(user: string): ViaName<string> {
  return Registry.via<string, null>(REGISTRY, user);
}

/** Starts the session system: the Registry, then the DynamicSupervisor of sessions. */
export function startSessions(): Promise<Pid> {
  return Supervisor.startLink(
    [
      Registry.childSpec({ keys: "unique", name: REGISTRY }),
      DynamicSupervisor.childSpec({ name: SUPERVISOR }),
    ],
    { strategy: "rest_for_one" },
  );
}

/**
 * The pid of `user`'s session, if one is running: a Registry lookup, no message. (The
 * Registry removes a dead process's entry asynchronously, hence the liveness check.)
 */
export function findSession(user: string): Pid | undefined {
  const pid = Registry.lookup<string, null>(REGISTRY, user)[0]?.[0];
  return pid !== undefined && isAlive(pid) ? pid : undefined;
}

/** `user`'s session, started if it is not running. */
export async function openSession(user: string, idleMs: number = IDLE_MS): Promise<Pid> {
  const running = findSession(user);
  if (running !== undefined) return running;
  const spec = GenServer.childSpec(SessionServer, { user, idleMs }, { name: nameOf(user) });
  try {
    const pid = await DynamicSupervisor.startChild(SUPERVISOR, spec);
    if (pid !== "ignore") return pid;
  } catch (error) {
    // Someone else started it between our lookup and our start: use theirs.
    const theirs = findSession(user);
    if (theirs !== undefined) return theirs;
    throw error;
  }
  throw new Error(`the session of ${user} did not start`);
}

/** Adds `item` to `user`'s cart (opening the session if needed); resolves with the cart. */
export async function addToCart(user: string, item: string, idleMs?: number): Promise<string[]> {
  await openSession(user, idleMs);
  return GenServer.call(GenServer.named(SessionServer, nameOf(user)), { type: "add", item });
}

/** The number of sessions running. */
export async function sessionCount(): Promise<number> {
  return (await DynamicSupervisor.countChildren(SUPERVISOR)).active;
}
