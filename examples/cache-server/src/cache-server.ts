// A cache whose writes go through a GenServer and whose reads go straight to an ETS table.
//
// The server creates a named, protected table in `init`, so it owns it: only the server may
// write it, and every other process may read it. `put` and `remove` are calls (serialised,
// in order, each one confirmed); `get` is an `Ets.lookup` in the caller's own process, with
// no message to the server and no wait in its mailbox.
import * as Ets from "@trellis/ets-table";
import * as GenServer from "@trellis/gen-server";

/** The table's name. */
export const TABLE: string = "cache_server.entries";
const SERVER = "cache_server";

type Row = [key: string, value: string];

type CacheCall =
  | GenServer.Request<{ type: "put"; key: string; value: string }, true>
  | GenServer.Request<{ type: "remove"; key: string }, boolean>;

const { ok, reply } = GenServer.Result;

const CacheServer = GenServer.define({
  init: (_: undefined) => {
    Ets.create<Row>(TABLE, { named: true, access: "protected" });
    return ok({ writes: 0 });
  },
  handleCall(call: CacheCall, _from, state) {
    const next = { writes: state.writes + 1 };
    if (call.type === "put") {
      Ets.insert<Row>(TABLE, [call.key, call.value]);
      return reply(true as const, next);
    }
    return reply(Ets.take<Row>(TABLE, call.key).length > 0, next);
  },
});

/** Starts the server (and with it the table), linked to the caller. */
export function startLink(): Promise<GenServer.Server<CacheCall, never>> {
  return GenServer.startLink(CacheServer, undefined, { name: SERVER });
}

/** Stores a value: a call, so writes happen one at a time, in the server. */
export function put(key: string, value: string): Promise<true> {
  return GenServer.call(GenServer.named(CacheServer, SERVER), { type: "put", key, value });
}

/** Removes a value; answers whether it was there. */
export function remove(key: string): Promise<boolean> {
  return GenServer.call(GenServer.named(CacheServer, SERVER), { type: "remove", key });
}

/** Reads a value in the calling process: a table lookup, no message. */
export function get(key: string): string | undefined {
  return Ets.lookup<Row>(TABLE, key)[0]?.[1];
}

/** How many entries the cache holds (also a direct read). */
export function size(): number {
  return Ets.info(TABLE, "size") ?? 0;
}
