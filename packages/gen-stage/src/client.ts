/**
 * The client API: what other processes (and stages themselves) call.
 *
 * @module
 */
import {
  BadArgumentError,
  call as coreCall,
  cast as coreCast,
  reply as coreReply,
  type Dest,
  type From,
  formatReason,
  NoProcessError,
  Pid,
  type Ref,
  Sys,
  self,
  send,
} from "@trellis/core";
import { checkSubscription } from "./internal/options.js";
import {
  AskMsg,
  BufferedCountRequest,
  CancelUpMsg,
  DemandRequest,
  SubscribeRequest,
} from "./internal/protocol.js";
import type { SubscribeOptions, Subscription } from "./types.js";

function checkFrom(what: string, from: unknown): Subscription {
  const f = from as Subscription | null;
  if (typeof f !== "object" || f === null || !(f.pid instanceof Pid) || f.ref === undefined) {
    throw new BadArgumentError(
      `${what}: expected a subscription { pid, ref } (the "from" of handleSubscribe or handleEvents), got ${formatReason(from)}`,
    );
  }
  return f;
}

/**
 * Asks the producer of a subscription for `demand` more events (Elixir's `GenStage.ask/3`),
 * for a subscription with manual demand (`Result.manual` from `handleSubscribe`). Call it
 * from the consumer process. Asking for 0 does nothing.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const Slow = GenStage.define({
 *   init: () => GenStage.Result.consumer(null),
 *   handleSubscribe(_kind, _options, from, state) {
 *     GenStage.ask(from, 1); // one at a time
 *     return GenStage.Result.manual(state);
 *   },
 *   handleEvents(_events: string[], from, state) {
 *     GenStage.ask(from, 1);
 *     return GenStage.Result.noreply([], state);
 *   },
 * });
 * ```
 * @throws {BadArgumentError} for a negative or non-integer demand, or a bad `from`
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Subscriptions
 */
export function ask(from: Subscription, demand: number): void {
  const f = checkFrom("GenStage.ask", from);
  if (typeof demand !== "number" || !Number.isInteger(demand) || demand < 0) {
    throw new BadArgumentError(
      `GenStage.ask: demand must be an integer >= 0, got ${formatReason(demand)}`,
    );
  }
  if (demand === 0) return;
  send(f.pid, new AskMsg(self(), f.ref, demand));
}

/**
 * Cancels a subscription (Elixir's `GenStage.cancel/3`), from its consumer: the producer
 * forgets the consumer and confirms, and the consumer then reacts as its `cancel` mode says
 * (a `permanent` subscription stops it with `reason`). Call it from the consumer process.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const FirstTen = GenStage.define({
 *   init: () => GenStage.Result.consumer(0),
 *   handleEvents(events: number[], from, seen) {
 *     if (seen + events.length >= 10) GenStage.cancel(from, "normal");
 *     return GenStage.Result.noreply([], seen + events.length);
 *   },
 * });
 * ```
 * @throws {BadArgumentError} for a bad `from`
 * @throws {NotInProcessError} outside process code
 * @since 0.1.0
 * @category Subscriptions
 */
export function cancel(from: Subscription, reason: unknown = "normal"): void {
  const f = checkFrom("GenStage.cancel", from);
  send(f.pid, new CancelUpMsg(self(), f.ref, reason));
}

/**
 * Subscribes a consumer (or producer-consumer) to a producer, and resolves with the
 * subscription's reference once the consumer has sent its subscription (Elixir's
 * `GenStage.sync_subscribe/3`). The options are those of `subscribeTo`.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * declare const consumer: GenStage.Stage;
 * const ref = await GenStage.syncSubscribe(consumer, { to: "numbers", maxDemand: 100 });
 * ```
 * @throws {BadArgumentError} (as a rejection) for bad options (`minDemand >= maxDemand`…)
 * @throws {NotAProducerError} (as a rejection) when `stage` is a producer
 * @since 0.1.0
 * @category Subscriptions
 */
export async function syncSubscribe(
  stage: Dest,
  options: SubscribeOptions,
  timeout = 5000,
): Promise<Ref | undefined> {
  checkSubscription("GenStage.syncSubscribe", options);
  const r = (await coreCall(stage, new SubscribeRequest(options), {
    module: "GenStage",
    function: "sync_subscribe",
    timeout,
  })) as { ok: Ref | undefined } | { error: unknown };
  if ("error" in r) throw r.error;
  return r.ok;
}

/**
 * Asks a consumer to subscribe to a producer, without waiting (Elixir's
 * `GenStage.async_subscribe/2`). Bad options are still rejected here, at once.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * declare const consumer: GenStage.Stage;
 * GenStage.asyncSubscribe(consumer, { to: "numbers", cancel: "temporary" });
 * ```
 * @throws {BadArgumentError} for bad options
 * @since 0.1.0
 * @category Subscriptions
 */
export function asyncSubscribe(stage: Dest, options: SubscribeOptions): void {
  checkSubscription("GenStage.asyncSubscribe", options);
  coreCast(stage, new SubscribeRequest(options));
}

/**
 * Makes a synchronous request to a stage; `handleCall` answers it (Elixir's
 * `GenStage.call/3`). Rejects like `GenServer.call`: `CallTimeoutError` after `timeout`
 * (default 5000 ms), `NoProcessError` for a dead stage, `CallError` if it exits first.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const queued = await GenStage.call<number>("queue", { type: "push", item: "job" });
 * ```
 * @since 0.1.0
 * @category Client
 */
export function call<Reply = unknown>(
  stage: Dest,
  request: unknown,
  timeout = 5000,
): Promise<Reply> {
  if (stage === undefined || stage === null) {
    return Promise.reject(
      new NoProcessError({ module: "GenStage", function: "call", args: [stage, request, timeout] }),
    );
  }
  return coreCall(stage, request, {
    module: "GenStage",
    function: "call",
    timeout,
  }) as Promise<Reply>;
}

/**
 * Sends an asynchronous request to a stage; `handleCast` handles it (Elixir's
 * `GenStage.cast/2`). Always succeeds.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.cast("queue", { type: "push", item: "job" });
 * ```
 * @since 0.1.0
 * @category Client
 */
export function cast(stage: Dest, request: unknown): void {
  coreCast(stage, request);
}

/**
 * Answers a call later, from any process (Elixir's `GenStage.reply/2`), after `handleCall`
 * returned `Result.noreply`.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * import type { From } from "@trellis/core";
 * declare const waiting: From;
 * GenStage.reply(waiting, "done");
 * ```
 * @since 0.1.0
 * @category Client
 */
export function reply(from: From, value: unknown): void {
  coreReply(from, value);
}

/**
 * Stops a stage with `reason` (default `"normal"`): `terminate` runs, then it exits; resolves
 * once it is gone (Elixir's `GenStage.stop/3`). Its consumers see their subscriptions end.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * await GenStage.stop("numbers");
 * ```
 * @since 0.1.0
 * @category Client
 */
export async function stop(
  stage: Dest,
  reason: unknown = "normal",
  timeout: number = Number.POSITIVE_INFINITY,
): Promise<void> {
  const operation = { module: "GenStage", function: "stop", args: [stage, reason, timeout] };
  if (stage === undefined || stage === null) throw new NoProcessError(operation);
  await Sys.terminate(stage, reason, timeout, { module: "GenStage", function: "stop" });
}

/**
 * Sets a producer's demand mode (Elixir's `GenStage.demand/2`): `"accumulate"` holds the
 * demand consumers send, `"forward"` passes what was held to `handleDemand` and every later
 * demand as it comes. Start a producer with `{ demand: "accumulate" }` to subscribe all its
 * consumers before it produces anything.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * GenStage.demand("numbers", "forward");
 * ```
 * @since 0.1.0
 * @category Client
 */
export function demand(stage: Dest, mode: "forward" | "accumulate"): void {
  if (mode !== "forward" && mode !== "accumulate") {
    throw new BadArgumentError(
      `GenStage.demand: mode must be "forward" or "accumulate", got ${formatReason(mode)}`,
    );
  }
  coreCast(stage, new DemandRequest(mode));
}

/**
 * A producer's demand mode (Elixir's `GenStage.demand/1`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const mode = await GenStage.demandMode("numbers"); // "forward" | "accumulate"
 * ```
 * @since 0.1.0
 * @category Client
 */
export function demandMode(stage: Dest, timeout = 5000): Promise<"forward" | "accumulate"> {
  return coreCall(stage, new DemandRequest(undefined), {
    module: "GenStage",
    function: "demand",
    timeout,
  }) as Promise<"forward" | "accumulate">;
}

/**
 * How many events a producer holds in its buffer (Elixir's
 * `GenStage.estimate_buffered_count/2`); 0 for a consumer.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const held = await GenStage.estimateBufferedCount("numbers");
 * ```
 * @since 0.1.0
 * @category Client
 */
export function estimateBufferedCount(stage: Dest, timeout = 5000): Promise<number> {
  return coreCall(stage, new BufferedCountRequest(), {
    module: "GenStage",
    function: "estimate_buffered_count",
    timeout,
  }) as Promise<number>;
}
