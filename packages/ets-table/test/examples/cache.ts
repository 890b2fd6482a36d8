// The running example of docs/guides/ets.md: a cache whose owner is a GenServer. Writes go
// through the server, one at a time; reads go straight to the table, without a call.
// test/examples.test.ts runs it.

// #region cache
import * as Ets from "@trellis/ets-table";
import * as GenServer from "@trellis/gen-server";

/** A cached value and when it expires (ms, on the runtime's clock). */
export type Entry = [key: string, value: string, expiresAt: number];

type Put = GenServer.Request<{ type: "put"; key: string; value: string; ttl: number }, true>;

const { ok, reply } = GenServer.Result;

const Cache = GenServer.define({
  init: (now: () => number) => {
    // Named and protected: every process reads it, only this server writes it, and the
    // table goes away with the server.
    Ets.create<Entry>("cache", { named: true });
    return ok({ now });
  },
  handleCall(put: Put, _from, state) {
    Ets.insert<Entry>("cache", [put.key, put.value, state.now() + put.ttl]);
    return reply(true as const, state);
  },
});

/** Starts the cache server (and with it the table), linked to the caller. */
export function startLink(now: () => number): Promise<GenServer.Server<Put, never>> {
  return GenServer.startLink(Cache, now, { name: "cache_server" });
}

/** Stores a value for `ttl` ms. Writes are serialised through the server. */
export function put(key: string, value: string, ttl: number): Promise<true> {
  return GenServer.call<true>("cache_server", { type: "put", key, value, ttl });
}

/** Reads a value: a table lookup in the caller, no message to the server. */
export function get(key: string, now: number): string | undefined {
  const [entry] = Ets.lookup<Entry>("cache", key);
  return entry !== undefined && entry[2] > now ? entry[1] : undefined;
}
// #endregion cache
