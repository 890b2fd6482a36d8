// The GenServer behind every agent: its state is the agent's state, and each request
// carries the function to run on it, inside the agent process.
import * as GenServer from "@trellis/gen-server";

type Fn = (state: unknown) => unknown;

/** What Agent sends with GenServer.call (Elixir's `{:get, fun}` and friends). */
export type AgentCall =
  | { readonly type: "get"; readonly fn: Fn }
  | { readonly type: "update"; readonly fn: Fn }
  | { readonly type: "getAndUpdate"; readonly fn: Fn };

/** What Agent sends with GenServer.cast (Elixir's `{:cast, fun}`). */
export interface AgentCast {
  readonly type: "cast";
  readonly fn: Fn;
}

const { ok, reply, noreply, stop } = GenServer.Result;

function isThenable(v: unknown): v is PromiseLike<unknown> {
  return (
    v !== null &&
    (typeof v === "object" || typeof v === "function") &&
    typeof (v as { then?: unknown }).then === "function"
  );
}

/** Applies `then` to `value`, awaiting it first if it is a promise. */
function after<T>(value: unknown, then: (v: unknown) => T): T | PromiseLike<T> {
  return isThenable(value) ? value.then(then) : then(value);
}

type CallResult = GenServer.Result.CallResult<unknown, unknown>;

function getAndUpdateResult(out: unknown, state: unknown): CallResult {
  // Elixir's Agent stops with {:bad_return_value, other} when the function does not return
  // a {reply, new_state} pair.
  if (!Array.isArray(out) || out.length !== 2) return stop({ bad_return_value: out }, state);
  return reply(out[0], out[1]);
}

export const AgentServer: GenServer.Definition<
  () => unknown,
  GenServer.Result.OkResult<unknown>,
  AgentCall,
  AgentCast,
  never
> = GenServer.define({
  init: (fn: () => unknown) => after(fn(), (state) => ok(state)),
  handleCall(request: AgentCall, _from, state): CallResult | PromiseLike<CallResult> {
    switch (request.type) {
      case "get":
        return after(request.fn(state), (value) => reply(value, state));
      case "update":
        return after(request.fn(state), (next) => reply(undefined, next));
      case "getAndUpdate":
        return after(request.fn(state), (out) => getAndUpdateResult(out, state));
    }
  },
  handleCast: (request: AgentCast, state) => after(request.fn(state), (next) => noreply(next)),
});
