// Helpers shared by the GenServer tests.
import { type NameRegistry, type Pid, send } from "@trellis/core";

/** A minimal via registry backed by a Map, for the `via` name tests. */
export function mapRegistry(): NameRegistry<string> & { readonly table: Map<string, Pid> } {
  const table = new Map<string, Pid>();
  return {
    table,
    registerName(key, pid) {
      if (table.has(key)) return false;
      table.set(key, pid);
      return true;
    },
    unregisterName(key) {
      table.delete(key);
    },
    whereisName(key) {
      return table.get(key);
    },
    send(key, msg) {
      const pid = table.get(key);
      if (pid === undefined) throw new Error(`no process is registered as ${key}`);
      send(pid, msg);
    },
  };
}

/** A matcher for `assertReceive`: an object message whose `event` is `event`. */
export function event<T = { event: string; [k: string]: unknown }>(
  name: string,
): (msg: unknown) => msg is T {
  return (msg: unknown): msg is T =>
    typeof msg === "object" && msg !== null && (msg as { event?: unknown }).event === name;
}
