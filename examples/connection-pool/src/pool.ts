// A fixed pool of connection workers: a Supervisor starts a Registry, then N workers, each
// named through the Registry by its slot number. Callers pick a worker by hashing a key, and
// always reach whichever process holds that slot's name now — also after a crash and restart.
import { hash, type Pid, type Term } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import * as Registry from "@trellis/registry";
import * as Supervisor from "@trellis/supervisor";

const REGISTRY = "connection_pool";

type Req =
  | GenServer.Request<{ type: "query"; sql: string }, string>
  | GenServer.Request<{ type: "served" }, number>;

interface Conn {
  readonly slot: number;
  readonly served: number;
}

/** One connection: answers queries and counts how many it served since it started. */
const Connection = GenServer.define({
  init: (slot: number) => GenServer.Result.ok<Conn>({ slot, served: 0 }),
  handleCall: (req: Req, _from, conn) => {
    if (req.type === "served") return GenServer.Result.reply(conn.served, conn);
    const answer = `conn ${conn.slot} ran "${req.sql}"`;
    return GenServer.Result.reply(answer, { ...conn, served: conn.served + 1 });
  },
});

/** The via name of the worker in `slot`. */
function slotName(slot: number): ReturnType<typeof Registry.via<number, Term>> {
  return Registry.via<number, Term>(REGISTRY, slot);
}

/**
 * Starts the pool: the Registry first, then `size` workers, one_for_one so a crashed worker
 * is restarted alone. (Should the Registry crash, the workers registered in it are linked to
 * it and go down too, and are restarted after it.)
 */
export function startPool(size: number): Promise<Pid> {
  const workers = Array.from({ length: size }, (_, slot) =>
    GenServer.childSpec(Connection, slot, { id: `conn-${slot}`, name: slotName(slot) }),
  );
  return Supervisor.startLink(
    [Registry.childSpec({ keys: "unique", name: REGISTRY }), ...workers],
    {
      strategy: "one_for_one",
      maxRestarts: 5,
      maxSeconds: 5,
    },
  );
}

/** The slot a key goes to: the same key always reaches the same worker. */
export function slotFor(key: Term, size: number): number {
  return (hash(key) >>> 0) % size;
}

/** The process in `slot` right now, if any (a lookup in the Registry's table, no message). */
export function workerAt(slot: number): Pid | undefined {
  return Registry.lookup<number, Term>(REGISTRY, slot)[0]?.[0];
}

/** Runs `sql` on the worker chosen by `key`. */
export function query(key: Term, sql: string, size: number): Promise<string> {
  return GenServer.call(GenServer.named(Connection, slotName(slotFor(key, size))), {
    type: "query",
    sql,
  });
}

/** How many queries the worker in `slot` has served since it (re)started. */
export function served(slot: number): Promise<number> {
  return GenServer.call(GenServer.named(Connection, slotName(slot)), { type: "served" });
}
