// Helpers for the tests: a loosely typed machine whose handler each test scripts, and which
// records every event it sees.
import { isExit, type Pid, receive, type Term } from "@trellis/core";
import * as GenStateMachine from "@trellis/gen-statemachine";

/** Types for test machines that take anything. */
export interface AnyTypes {
  state: Term;
  data: unknown;
  calls: unknown;
  casts: unknown;
  internal: unknown;
}

/** What scripted machines' init returns, as far as the types know (so start gives a pid). */
export type Started = GenStateMachine.OkResult<Term, unknown>;

/** One event as a test machine saw it: `state type content` (plus name / oldState). */
export function describe(event: GenStateMachine.HandlerEvent<AnyTypes, true>, state: Term): string {
  const s = typeof state === "string" ? state : JSON.stringify(state);
  switch (event.type) {
    case "enter":
      return `${s} enter ${JSON.stringify(event.oldState)}`;
    case "genericTimeout":
      return `${s} genericTimeout ${JSON.stringify(event.name)} ${JSON.stringify(event.content)}`;
    default:
      return `${s} ${event.type} ${JSON.stringify(event.content) ?? "undefined"}`;
  }
}

export interface ScriptOptions<A> {
  readonly stateEnter?: boolean;
  readonly init?: (arg: A) => GenStateMachine.InitResult<AnyTypes>;
  readonly terminate?: (reason: unknown, state: Term, data: unknown) => unknown;
}

/**
 * A handleEvent machine that records `describe(event)` into `seen`, then returns what
 * `handle` returns (default: keep state and data, replying `"ok"` to calls).
 */
export function scripted<A = Term>(
  seen: string[],
  handle: (
    event: GenStateMachine.HandlerEvent<AnyTypes, true>,
    state: Term,
    data: unknown,
  ) => GenStateMachine.HandlerResult<AnyTypes> | Promise<GenStateMachine.HandlerResult<AnyTypes>>,
  options: ScriptOptions<A> = {},
): GenStateMachine.Definition<AnyTypes, A, Started> {
  return GenStateMachine.define({
    types: {} as AnyTypes,
    callbackMode: "handleEvent",
    stateEnter: options.stateEnter ?? false,
    init: options.init ?? ((state: A) => GenStateMachine.Result.ok(state as Term, null)),
    handleEvent(event, state, data) {
      seen.push(describe(event, state));
      return handle(event, state, data);
    },
    ...(options.terminate === undefined ? {} : { terminate: options.terminate }),
  }) as GenStateMachine.Definition<AnyTypes, A, Started>;
}

/** The default answer: keep state and data; reply "ok" to a call. */
export function keep(
  event: GenStateMachine.HandlerEvent<AnyTypes, true>,
): GenStateMachine.HandlerResult<AnyTypes> {
  return event.type === "call"
    ? GenStateMachine.Result.keepStateAndData(GenStateMachine.Action.reply(event.from, "ok"))
    : GenStateMachine.Result.keepStateAndData();
}

/** Waits for the EXIT of `pid` (the test must trap exits) and returns its reason. */
export async function exitReason(pid: Pid): Promise<unknown> {
  const msg = await receive((m) => isExit(m) && m.from === pid, { timeout: 1000 });
  if (!isExit(msg)) throw new Error(`no EXIT from ${pid}`);
  return msg.reason;
}
