// A counter behind a GenServer: `increment` and `get` are calls (the caller waits for the
// answer), `add` and `reset` are casts (fire and forget). The request types say which reply
// each call has, so `GenServer.call` is typed end to end.
import * as GenServer from "@trellis/gen-server";

type CounterCall =
  | GenServer.Request<{ type: "increment" }, number>
  | GenServer.Request<{ type: "get" }, number>;

type CounterCast = { type: "add"; amount: number } | { type: "reset" };

const { ok, reply, noreply } = GenServer.Result;

const Counter = GenServer.define({
  init: (start: number) => ok({ start, value: start }),
  handleCall(request: CounterCall, _from, state) {
    switch (request.type) {
      case "increment":
        return reply(state.value + 1, { ...state, value: state.value + 1 });
      case "get":
        return reply(state.value, state);
    }
  },
  handleCast(request: CounterCast, state) {
    switch (request.type) {
      case "add":
        return noreply({ ...state, value: state.value + request.amount });
      case "reset":
        return noreply({ ...state, value: state.start });
    }
  },
});

/** A typed handle on a counter: its pid, or its name. */
export type CounterRef = GenServer.ServerRef<CounterCall, CounterCast>;

/** Starts a counter linked to the caller, registered under `name` if given. */
export function startLink(
  start: number,
  name?: string,
): Promise<GenServer.Server<CounterCall, CounterCast>> {
  return GenServer.startLink(Counter, start, name === undefined ? {} : { name });
}

/** The child spec a supervisor uses to start (and restart) a counter named `name`. */
export function childSpec(name: string, start: number): GenServer.ChildSpec {
  return GenServer.childSpec(Counter, start, { id: name, name });
}

/** A typed handle on the counter registered as `name`. */
export function named(name: string): CounterRef {
  return GenServer.named(Counter, name);
}

/** Adds one and answers the new value (a call). */
export function increment(counter: CounterRef): Promise<number> {
  return GenServer.call(counter, { type: "increment" });
}

/** The current value (a call). */
export function get(counter: CounterRef): Promise<number> {
  return GenServer.call(counter, { type: "get" });
}

/** Adds `amount` without waiting (a cast). */
export function add(counter: CounterRef, amount: number): void {
  GenServer.cast(counter, { type: "add", amount });
}

/** Goes back to the starting value without waiting (a cast). */
export function reset(counter: CounterRef): void {
  GenServer.cast(counter, { type: "reset" });
}
