/**
 * Defining and starting stages.
 *
 * @module
 */
import {
  BadArgumentError,
  type ChildSpec,
  checkChildOptions,
  formatReason,
  isProcessName,
  type Pid,
  type ProcessName,
  type Runtime,
  type StartSpecialOptions,
  startSpecial,
  type InitResult as ToolkitInitResult,
} from "@trellis/core";
import { StageLoop } from "./internal/loop.js";
import type { LooseCallbacks } from "./internal/step.js";
import type { InitResult } from "./result.js";
import type {
  Callbacks,
  ConsumerEmitsNothing,
  DefineOptions,
  Definition,
  Emits,
  RestartType,
  Shutdown,
  Stage,
  StartArgs,
  Started,
} from "./types.js";

const CALLBACK_NAMES = [
  "handleDemand",
  "handleEvents",
  "handleSubscribe",
  "handleCancel",
  "handleCall",
  "handleCast",
  "handleInfo",
  "terminate",
  "formatStatus",
  "formatDiscarded",
] as const;

const DEFINITION = Symbol.for("trellis.gen-stage.definition");

/**
 * Defines a stage: its callbacks, given once. The result is a plain value that `start`,
 * `startLink` and `childSpec` take. What `init` returns decides whether the stage is a
 * producer, a producer-consumer or a consumer (`Result.producer(…)`,
 * `Result.producerConsumer(…)`, `Result.consumer(…)`); the state type comes from it too.
 *
 * Only `init` is required. A producer needs `handleDemand`, a consumer or producer-consumer
 * `handleEvents`. The other defaults are Elixir's: subscriptions are automatic, a cancelled
 * subscription changes nothing but what its `cancel` mode says, a call or cast without a
 * handler crashes the stage, an info message without `handleInfo` is logged and dropped.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const { producer, consumer, noreply } = GenStage.Result;
 *
 * export const Counter = GenStage.define({
 *   init: (start: number) => producer(start),
 *   handleDemand: (demand, n) => noreply(Array.from({ length: demand }, (_, i) => n + i), n + demand),
 * });
 *
 * export const Printer = GenStage.define({
 *   init: () => consumer(null),
 *   handleEvents(events: number[], _from, state) {
 *     console.log(events);
 *     return noreply([], state);
 *   },
 * });
 * ```
 * @param callbacks the callbacks (see {@link Callbacks})
 * @param options child spec defaults: `id`, `restart`, `shutdown`
 * @throws {BadArgumentError} if `init` is not a function, or another callback is given but
 *   is not a function
 * @since 0.1.0
 * @category Definition
 */
export function define<
  Arg,
  Init extends InitResult<unknown, unknown>,
  In = never,
  Out = never,
  Calls = never,
>(
  callbacks: Callbacks<Arg, Init, In, Out, Calls> & ConsumerEmitsNothing<Init, Out>,
  options: DefineOptions = {},
): Definition<Arg, Init, In, Out, Calls> {
  if (typeof callbacks !== "object" || callbacks === null) {
    throw new BadArgumentError(
      `GenStage.define: expected an object of callbacks, got ${formatReason(callbacks)}`,
    );
  }
  if (typeof callbacks.init !== "function") {
    throw new BadArgumentError(
      `GenStage.define: init must be a function, got ${formatReason(callbacks.init)}`,
    );
  }
  for (const name of CALLBACK_NAMES) {
    const f = (callbacks as unknown as Record<string, unknown>)[name];
    if (f !== undefined && typeof f !== "function") {
      throw new BadArgumentError(
        `GenStage.define: ${name} must be a function when given, got ${formatReason(f)}`,
      );
    }
  }
  checkChildOptions("GenStage.define", options);
  const def = { callbacks, options: { ...options } };
  Object.defineProperty(def, DEFINITION, { value: true });
  return Object.freeze(def);
}

function checkDefinition(what: string, def: unknown): LooseCallbacks {
  if (typeof def !== "object" || def === null || !(DEFINITION in def)) {
    throw new BadArgumentError(
      `${what}: expected a stage definition made by GenStage.define, got ${formatReason(def)}`,
    );
  }
  return (def as unknown as { callbacks: LooseCallbacks }).callbacks;
}

/**
 * Options of `start` and `startLink`.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const options: GenStage.StartOptions = { name: "numbers", timeout: 5000 };
 * ```
 * @since 0.1.0
 * @category Starting
 */
export interface StartOptions {
  /**
   * Register the stage under this name: a string (a local name) or a `via` name. A taken
   * name makes the start reject with an `AlreadyStartedError` carrying the holder's pid.
   */
  readonly name?: ProcessName | undefined;
  /** Milliseconds `init` (with its `subscribeTo` subscriptions) may take. Default `Infinity`. */
  readonly timeout?: number;
  /** The runtime to start in when called outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
}

/** Starts a stage (the definition checked first). */
export function startStage(
  what: string,
  def: unknown,
  arg: unknown,
  options: StartOptions | undefined,
  link: boolean,
): Promise<Pid | "ignore"> {
  try {
    const callbacks = checkDefinition(what, def);
    if (options !== undefined && (typeof options !== "object" || options === null)) {
      throw new BadArgumentError(
        `${what}: options must be an object, got ${formatReason(options)}`,
      );
    }
    if (options?.name !== undefined && !isProcessName(options.name)) {
      throw new BadArgumentError(
        `${what}: the name option must be a non-empty string (not "undefined") or a via name, got ${formatReason(options.name)}`,
      );
    }
    const loop = new StageLoop(callbacks);
    const special: StartSpecialOptions = {
      link,
      behaviour: "GenStage",
      ...(options?.name === undefined ? {} : { name: options.name }),
      ...(options?.timeout === undefined ? {} : { timeout: options.timeout }),
      ...(options?.runtime === undefined ? {} : { runtime: options.runtime }),
    };
    return startSpecial(() => loop.init(arg) as ToolkitInitResult, special);
  } catch (e) {
    return Promise.reject(e);
  }
}

/**
 * Starts a stage without linking it to the caller (Elixir's `GenStage.start/3`). `init`
 * runs in the new process, and the subscriptions in its `subscribeTo` are made, before the
 * promise settles:
 *
 * - resolves with the stage's handle when `init` returns `producer`, `producerConsumer` or
 *   `consumer`;
 * - resolves with `"ignore"` when it returns `Result.ignore()`;
 * - rejects with an `InitError` when it returns `Result.stop(reason)`, throws, returns
 *   something else (`{ bad_return_value }`) or bad options (`{ bad_opts: message }`), or a
 *   `subscribeTo` producer is not alive (`"noproc"`);
 * - rejects with an `AlreadyStartedError` when the name is taken.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const Numbers = GenStage.define({
 *   init: (start: number) => GenStage.Result.producer(start),
 *   handleDemand: (demand, n) =>
 *     GenStage.Result.noreply(Array.from({ length: demand }, (_, i) => n + i), n + demand),
 * });
 * const numbers = await GenStage.start(Numbers, 0, { name: "numbers" });
 * ```
 * @since 0.1.0
 * @category Starting
 */
export function start<Arg, Init, In, Out, Calls>(
  definition: Definition<Arg, Init, In, Out, Calls>,
  ...args: StartArgs<Arg, StartOptions>
): Promise<Started<Init, Stage<Out>>> {
  return startStage("GenStage.start", definition, args[0], args[1], false) as Promise<
    Started<Init, Stage<Out>>
  >;
}

/**
 * Starts a stage linked to the caller (Elixir's `GenStage.start_link/3`); otherwise as
 * {@link start}. Must be called from process code.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const Logger = GenStage.define({
 *   init: (producer: GenStage.Stage<string>) => GenStage.Result.consumer(null, { subscribeTo: [producer] }),
 *   handleEvents: (lines: string[], _from, state) => {
 *     for (const line of lines) console.log(line);
 *     return GenStage.Result.noreply([], state);
 *   },
 * });
 * declare const lines: GenStage.Stage<string>;
 * await GenStage.startLink(Logger, lines);
 * ```
 * @throws {NotInProcessError} (as a rejection) outside process code
 * @since 0.1.0
 * @category Starting
 */
export function startLink<Arg, Init, In, Out, Calls>(
  definition: Definition<Arg, Init, In, Out, Calls>,
  ...args: StartArgs<Arg, StartOptions>
): Promise<Started<Init, Stage<Out>>> {
  return startStage("GenStage.startLink", definition, args[0], args[1], true) as Promise<
    Started<Init, Stage<Out>>
  >;
}

/**
 * Options of {@link childSpec}.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const options: GenStage.ChildSpecOptions = { id: "numbers", name: "numbers", restart: "transient" };
 * ```
 * @since 0.1.0
 * @category Supervision
 */
export interface ChildSpecOptions extends StartOptions {
  /** The child id. Default: the definition's `id` option, or the definition itself. */
  readonly id?: unknown;
  /** Overrides the definition's `restart` option. */
  readonly restart?: RestartType;
  /** Overrides the definition's `shutdown` option. */
  readonly shutdown?: Shutdown;
}

/**
 * The child spec a supervisor needs to run a stage (Elixir's `use GenStage` `child_spec/1`):
 * its `start` calls {@link startLink} with `arg`. Start a pipeline's stages in order, the
 * producer first, under a `rest_for_one` supervisor: a crash of a producer restarts the
 * stages after it.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const Numbers = GenStage.define({
 *   init: (start: number) => GenStage.Result.producer(start),
 *   handleDemand: (demand, n) =>
 *     GenStage.Result.noreply(Array.from({ length: demand }, (_, i) => n + i), n + demand),
 * });
 * const spec = GenStage.childSpec(Numbers, 0, { name: "numbers" });
 * ```
 * @throws {BadArgumentError} for a bad definition or option
 * @since 0.1.0
 * @category Supervision
 */
export function childSpec<Arg, Init, In, Out, Calls>(
  definition: Definition<Arg, Init, In, Out, Calls>,
  ...args: StartArgs<Arg, ChildSpecOptions>
): ChildSpec {
  checkDefinition("GenStage.childSpec", definition);
  const [arg, options = {}] = args;
  checkChildOptions("GenStage.childSpec", options);
  const { id, restart, shutdown, ...startOptions } = { ...definition.options, ...options };
  return {
    id: id === undefined ? definition : id,
    start: () => startStage("GenStage.startLink", definition, arg, startOptions, true),
    ...(restart === undefined ? {} : { restart }),
    ...(shutdown === undefined ? {} : { shutdown }),
    type: "worker",
  };
}

/**
 * A typed handle for a stage registered under `name`: `GenStage.stream` and consumers see
 * the type of its events.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const Numbers = GenStage.define({
 *   init: () => GenStage.Result.producer(0),
 *   handleDemand: (demand, n) =>
 *     GenStage.Result.noreply(Array.from({ length: demand }, (_, i) => n + i), n + demand),
 * });
 * const numbers = GenStage.named(Numbers, "numbers");
 * await GenStage.start(Numbers, undefined, { name: numbers });
 * for await (const n of GenStage.stream([numbers])) if (n > 10) break;
 * ```
 * @throws {BadArgumentError} for a bad definition or name
 * @since 0.1.0
 * @category Starting
 */
export function named<Arg, Init, In, Out, Calls, N extends ProcessName>(
  definition: Definition<Arg, Init, In, Out, Calls>,
  name: N,
): N & Emits<Out> {
  checkDefinition("GenStage.named", definition);
  if (!isProcessName(name)) {
    throw new BadArgumentError(
      `GenStage.named: expected a non-empty string or a via name, got ${formatReason(name)}`,
    );
  }
  return name as N & Emits<Out>;
}
