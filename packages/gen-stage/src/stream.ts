/**
 * `GenStage.stream`: consuming stages from plain async code.
 *
 * @module
 */
import {
  addExitHook,
  BadArgumentError,
  type Dest,
  ExitError,
  exit,
  formatReason,
  inProcess,
  isQuietReason,
  type Pid,
  type Ref,
  type Runtime,
  send,
} from "@trellis/core";
import { ask } from "./client.js";
import { checkSubscription } from "./internal/options.js";
import { noreply } from "./result.js";
import { define, startStage } from "./stage.js";
import type { Emits, SubscribeOptions, Subscription } from "./types.js";

/**
 * Options of {@link stream}.
 *
 * @example
 * ```ts
 * import { createRuntime } from "@trellis/core";
 * import type * as GenStage from "@trellis/gen-stage";
 * const options: GenStage.StreamOptions = { runtime: createRuntime() };
 * ```
 * @since 0.1.0
 * @category Bridges
 */
export interface StreamOptions {
  /** The runtime to consume in when iterating outside process code. Default: the default runtime. */
  readonly runtime?: Runtime;
}

/**
 * A producer given to {@link stream}: its handle (pid or name), or subscription options
 * with it as `to`.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * declare const numbers: GenStage.Stage<number>;
 * const subscriptions: GenStage.StreamSubscription<number>[] = [numbers, { to: numbers, maxDemand: 10 }];
 * ```
 * @since 0.1.0
 * @category Bridges
 */
export type StreamSubscription<T> = (Dest & Emits<T>) | StreamSubscribeOptions<T>;

/**
 * Subscription options for {@link stream}, with a typed producer.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * declare const numbers: GenStage.Stage<number>;
 * const options: GenStage.StreamSubscribeOptions<number> = { to: numbers, maxDemand: 10 };
 * ```
 * @since 0.1.0
 * @category Bridges
 */
export interface StreamSubscribeOptions<T> extends SubscribeOptions {
  /** The producer, typed with its events. */
  readonly to: Dest & Emits<T>;
}

/** What the helper consumer shares with the iterator. */
interface Channel {
  readonly batches: { events: unknown[]; index: number; ref: Ref }[];
  /** Per subscription: how many events to take before asking for as many again. */
  readonly limits: Map<Ref, number>;
  wake: (() => void) | undefined;
  ended: boolean;
  failure: { reason: unknown } | undefined;
}

/** The iterator took `count` events of a subscription: ask for as many. */
class Consumed {
  readonly ref: Ref;
  readonly count: number;
  constructor(ref: Ref, count: number) {
    this.ref = ref;
    this.count = count;
  }
}

interface HelperState {
  readonly channel: Channel;
  readonly subscriptions: Map<Ref, { from: Subscription; max: number }>;
  open: number;
}

const StreamConsumer = define({
  init: (arg: { channel: Channel; subscribeTo: readonly SubscribeOptions[] }) => {
    const state: HelperState = { channel: arg.channel, subscriptions: new Map(), open: 0 };
    return {
      type: "consumer" as const,
      state,
      options: { subscribeTo: arg.subscribeTo },
    };
  },
  handleSubscribe(_kind, options, from, s) {
    const max = options.maxDemand as number;
    s.channel.limits.set(from.ref, max - (options.minDemand as number));
    s.subscriptions.set(from.ref, { from, max });
    s.open++;
    ask(from, max);
    return { type: "manual", state: s };
  },
  handleEvents(events: unknown[], from, s) {
    if (events.length > 0) {
      s.channel.batches.push({ events, index: 0, ref: from.ref });
      wake(s.channel);
    }
    return noreply([], s);
  },
  handleInfo(message, s) {
    if (message instanceof Consumed) {
      const sub = s.subscriptions.get(message.ref);
      if (sub !== undefined) ask(sub.from, message.count);
    }
    return noreply([], s);
  },
  handleCancel(cancellation, from, s) {
    s.subscriptions.delete(from.ref);
    s.open--;
    if (!isQuietReason(cancellation.reason)) {
      s.channel.failure ??= { reason: cancellation.reason };
      wake(s.channel);
      return { type: "stop", reason: "normal", state: s };
    }
    if (s.open === 0) {
      s.channel.ended = true;
      wake(s.channel);
      return { type: "stop", reason: "normal", state: s };
    }
    return noreply([], s);
  },
});

function wake(channel: Channel): void {
  const w = channel.wake;
  channel.wake = undefined;
  w?.();
}

/**
 * Consumes stages from plain async code (Elixir's `GenStage.stream/1`): an async iterable
 * of the events of the given producers. Iterating starts a consumer process that
 * subscribes to each producer (options as in `subscribeTo`; `maxDemand` defaults to 1000),
 * and asks for more only as the loop takes events, so a slow loop holds at most
 * `maxDemand` events per producer. The iteration ends when every producer has finished
 * (its subscription ended with `"normal"`, `"shutdown"` or `{ shutdown }`), and throws an
 * `ExitError` carrying the reason when one ends otherwise. Leaving the loop early (`break`,
 * `return`, a throw) cancels the subscriptions.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * declare const numbers: GenStage.Stage<number>;
 * for await (const n of GenStage.stream([{ to: numbers, maxDemand: 100 }])) {
 *   if (n >= 10) break;
 *   console.log(n);
 * }
 * ```
 * @throws {BadArgumentError} for no producers or bad subscription options
 * @since 0.1.0
 * @category Bridges
 */
export function stream<T>(
  subscriptions: readonly StreamSubscription<T>[],
  options: StreamOptions = {},
): AsyncIterable<T> {
  if (!Array.isArray(subscriptions) || subscriptions.length === 0) {
    throw new BadArgumentError(
      `GenStage.stream expects a non-empty list of producers or subscription options, got ${formatReason(subscriptions)}`,
    );
  }
  const checked = subscriptions.map((s) => {
    const c = checkSubscription("GenStage.stream", s);
    // the helper decides itself what a cancellation means
    return { ...c.options, cancel: "temporary" as const };
  });
  return {
    [Symbol.asyncIterator](): AsyncIterator<T> {
      const channel: Channel = {
        batches: [],
        limits: new Map(),
        wake: undefined,
        ended: false,
        failure: undefined,
      };
      const consumed = new Map<Ref, number>();
      let helper: Promise<Pid | "ignore"> | undefined;
      let pid: Pid | undefined;
      const starting = (): Promise<Pid | "ignore"> => {
        helper ??= startStage(
          "GenStage.stream",
          StreamConsumer,
          { channel, subscribeTo: checked },
          inProcess() || options.runtime === undefined ? undefined : { runtime: options.runtime },
          false,
        );
        return helper;
      };
      const close = async (): Promise<void> => {
        if (helper === undefined) return;
        const p = pid ?? (await helper.catch(() => undefined));
        channel.ended = true;
        if (p === undefined || p === "ignore") return;
        exit(p, "shutdown");
      };
      const next = async (): Promise<IteratorResult<T>> => {
        if (pid === undefined) {
          const started = await starting();
          if (started === "ignore") return { done: true, value: undefined };
          pid = started;
          // however the helper ends (killed too), the loop must not wait forever
          addExitHook(started, (reason) => {
            if (!channel.ended && channel.failure === undefined) {
              if (isQuietReason(reason)) channel.ended = true;
              else channel.failure = { reason };
            }
            wake(channel);
          });
        }
        for (;;) {
          const batch = channel.batches[0];
          if (batch !== undefined) {
            const value = batch.events[batch.index++] as T;
            if (batch.index >= batch.events.length) channel.batches.shift();
            const n = (consumed.get(batch.ref) ?? 0) + 1;
            if (n >= (channel.limits.get(batch.ref) ?? 1)) {
              consumed.set(batch.ref, 0);
              send(pid, new Consumed(batch.ref, n));
            } else consumed.set(batch.ref, n);
            return { done: false, value };
          }
          if (channel.failure !== undefined) throw new ExitError(channel.failure.reason);
          if (channel.ended) return { done: true, value: undefined };
          await new Promise<void>((resolve) => {
            channel.wake = resolve;
          });
        }
      };
      return {
        next,
        async return(): Promise<IteratorResult<T>> {
          await close();
          return { done: true, value: undefined };
        },
      };
    },
  };
}
