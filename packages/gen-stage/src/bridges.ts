/**
 * Bridges between stages and JavaScript's streams: a producer fed from an async iterable or
 * a Web `ReadableStream`, and a consumer that writes into a Web `WritableStream`.
 *
 * @module
 */
import {
  BadArgumentError,
  type Dest,
  formatReason,
  isQuietReason,
  type Pid,
  self,
  send,
} from "@trellis/core";
import { type ConsumerInit, noreply, type ProducerInit } from "./result.js";
import { define, type StartOptions, startStage } from "./stage.js";
import type { Definition, Stage, SubscribeOptions } from "./types.js";

/**
 * What {@link fromIterable} reads: an async iterable (an async generator, a Node readable
 * stream, an `fs.promises` file's `readLines()`…), a plain iterable, or a Web `ReadableStream`.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * async function* lines() { yield "a"; yield "b"; }
 * const source: GenStage.Source<string> = lines();
 * ```
 * @since 0.1.0
 * @category Bridges
 */
export type Source<T> = AsyncIterable<T> | Iterable<T> | ReadableStream<T>;

/** Messages the pulling loop sends to its own producer. */
class Pulled {}
class Finished {
  readonly error: { reason: unknown } | undefined;
  constructor(error: { reason: unknown } | undefined) {
    this.error = error;
  }
}

interface PullState {
  readonly iterator: AsyncIterator<unknown> | Iterator<unknown>;
  /** Events asked for and not pulled yet. */
  demand: number;
  pulling: boolean;
  /** Pulled, not emitted yet. */
  pulled: unknown[];
  flushing: boolean;
  done: boolean;
}

function iteratorOf(source: unknown): AsyncIterator<unknown> | Iterator<unknown> {
  if (typeof ReadableStream !== "undefined" && source instanceof ReadableStream) {
    const reader = source.getReader();
    return {
      next: () => reader.read() as Promise<IteratorResult<unknown>>,
      return: async () => {
        await reader.cancel();
        return { done: true, value: undefined };
      },
    };
  }
  const s = source as Partial<AsyncIterable<unknown> & Iterable<unknown>> | null;
  const asyncIt = s?.[Symbol.asyncIterator];
  if (typeof asyncIt === "function") return asyncIt.call(s) as AsyncIterator<unknown>;
  const it = s?.[Symbol.iterator];
  if (typeof it === "function") return it.call(s);
  throw new BadArgumentError(
    `GenStage.fromIterable: expected an async iterable, an iterable or a ReadableStream, got ${formatReason(source)}`,
  );
}

/** Pulls while there is demand; runs beside the producer's callbacks. */
function pull(s: PullState, me: Pid): void {
  if (s.pulling || s.done || s.demand === 0) return;
  s.pulling = true;
  const loop = async (): Promise<void> => {
    try {
      while (s.demand > 0 && !s.done) {
        const r = await s.iterator.next();
        if (r.done === true) {
          s.done = true;
          send(me, new Finished(undefined));
          return;
        }
        s.demand--;
        s.pulled.push(r.value);
        if (!s.flushing) {
          s.flushing = true;
          send(me, new Pulled());
        }
      }
    } catch (e) {
      s.done = true;
      try {
        send(me, new Finished({ reason: e }));
      } catch {
        // the producer is gone
      }
    } finally {
      s.pulling = false;
    }
  };
  void loop();
}

/**
 * The producer {@link fromIterable} starts, for child specs: its argument is the source.
 * Events are pulled from the source only while consumers ask for them; when the source ends
 * the producer stops with `"normal"` after its last events (so `permanent` consumers stop
 * too, `transient` and `temporary` ones carry on), and with the error when the source throws.
 * Stopping the producer closes the source (`return()` on the iterator, `cancel()` on a
 * `ReadableStream`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * async function* numbers() { for (let i = 0; ; i++) yield i; }
 * const spec = GenStage.childSpec(GenStage.IterableProducer, numbers(), { name: "numbers" });
 * ```
 * @since 0.1.0
 * @category Bridges
 */
export const IterableProducer: Definition<
  Source<unknown>,
  ProducerInit<unknown>,
  never,
  unknown,
  never
> = define({
  init: (source: Source<unknown>) => ({
    type: "producer" as const,
    state: {
      iterator: iteratorOf(source),
      demand: 0,
      pulling: false,
      pulled: [],
      flushing: false,
      done: false,
    } as PullState,
    options: {},
  }),
  handleDemand(demand, s) {
    s.demand += demand;
    pull(s, self());
    return noreply([], s);
  },
  handleInfo(message, s) {
    if (message instanceof Pulled) {
      s.flushing = false;
      return noreply(s.pulled.splice(0), s);
    }
    if (message instanceof Finished) {
      if (message.error !== undefined)
        return { type: "stop", reason: message.error.reason, state: s };
      // emit what is left first: Pulled, if pending, was sent before Finished
      return { type: "stop", reason: "normal", state: s };
    }
    return noreply([], s);
  },
  terminate(_reason, s: PullState) {
    s.done = true;
    const r = s.iterator.return as ((this: unknown) => unknown) | undefined;
    if (r !== undefined) {
      try {
        const p = r.call(s.iterator);
        if (p instanceof Promise) p.catch(() => undefined);
      } catch {
        // closing is best effort
      }
    }
  },
}) as unknown as Definition<Source<unknown>, ProducerInit<unknown>, never, unknown, never>;

/**
 * Options of {@link fromIterable} and {@link toWritable}.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * const options: GenStage.BridgeOptions = { name: "lines", link: true };
 * ```
 * @since 0.1.0
 * @category Bridges
 */
export interface BridgeOptions extends StartOptions {
  /** Link the stage to the caller (`startLink`). Default `false`. */
  readonly link?: boolean;
}

/**
 * Starts a producer that emits what `source` yields, pulling only as its consumers ask, so a
 * file or a socket is read no faster than the pipeline handles it (Elixir's
 * `GenStage.from_enumerable/2`). See {@link IterableProducer} for how it ends.
 *
 * @example
 * ```ts
 * import { createReadStream } from "node:fs";
 * import { createInterface } from "node:readline";
 * import * as GenStage from "@trellis/gen-stage";
 * const lines = createInterface({ input: createReadStream("access.log") });
 * const producer = await GenStage.fromIterable<string>(lines, { name: "lines" });
 * ```
 * @throws {BadArgumentError} (as a rejection) when `source` is not iterable
 * @since 0.1.0
 * @category Bridges
 */
export function fromIterable<T>(source: Source<T>, options: BridgeOptions = {}): Promise<Stage<T>> {
  let iterator: AsyncIterator<unknown> | Iterator<unknown>;
  try {
    iteratorCheck(source);
    // Made now, in the caller's turn: some sources (Node's readline) drop what they emit
    // before their iterator exists.
    iterator = iteratorOf(source);
  } catch (e) {
    return Promise.reject(e);
  }
  const { link = false, ...start } = options;
  const made = { [Symbol.asyncIterator]: () => iterator } as AsyncIterable<unknown>;
  return startStage("GenStage.fromIterable", IterableProducer, made, start, link) as Promise<
    Stage<T>
  >;
}

function iteratorCheck(source: unknown): void {
  const s = source as Record<symbol, unknown> | null;
  const ok =
    (typeof ReadableStream !== "undefined" && source instanceof ReadableStream) ||
    (s !== null &&
      s !== undefined &&
      (typeof s[Symbol.asyncIterator] === "function" || typeof s[Symbol.iterator] === "function"));
  if (!ok) {
    throw new BadArgumentError(
      `GenStage.fromIterable: expected an async iterable, an iterable or a ReadableStream, got ${formatReason(source)}`,
    );
  }
}

/**
 * The argument of {@link WritableConsumer}: the stream to write into and the producers.
 *
 * @example
 * ```ts
 * import type * as GenStage from "@trellis/gen-stage";
 * declare const sink: WritableStream<string>;
 * const arg: GenStage.WritableArg = { writable: sink as WritableStream<unknown>, subscribeTo: ["lines"] };
 * ```
 * @since 0.1.0
 * @category Bridges
 */
export interface WritableArg {
  /** Where the events are written. */
  readonly writable: WritableStream<unknown>;
  /** The producers to consume. */
  readonly subscribeTo: readonly (Dest | SubscribeOptions)[];
}

interface SinkState {
  readonly writer: WritableStreamDefaultWriter<unknown>;
  open: number;
}

/**
 * The consumer {@link toWritable} starts, for child specs: `arg` is the stream and the
 * producers. Each batch is written before more events are asked for.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * declare const sink: WritableStream<string>;
 * const spec = GenStage.childSpec(GenStage.WritableConsumer, { writable: sink, subscribeTo: ["lines"] });
 * ```
 * @since 0.1.0
 * @category Bridges
 */
export const WritableConsumer: Definition<
  WritableArg,
  ConsumerInit<unknown>,
  unknown,
  never,
  never
> = define({
  init: (arg: WritableArg) => ({
    type: "consumer" as const,
    state: { writer: arg.writable.getWriter(), open: 0 } as SinkState,
    options: {
      subscribeTo: arg.subscribeTo.map((s) =>
        typeof s === "object" && s !== null && "to" in s
          ? { ...s, cancel: "temporary" as const }
          : { to: s as Dest, cancel: "temporary" as const },
      ),
    },
  }),
  handleSubscribe(_kind, _options, _from, s) {
    s.open++;
    return { type: "automatic", state: s };
  },
  async handleEvents(events: unknown[], _from, s) {
    for (const event of events) {
      await s.writer.ready;
      await s.writer.write(event);
    }
    return noreply([], s);
  },
  async handleCancel(cancellation, _from, s) {
    s.open--;
    if (!isQuietReason(cancellation.reason)) {
      await s.writer.abort(cancellation.reason).catch(() => undefined);
      return { type: "stop", reason: cancellation.reason, state: s };
    }
    if (s.open === 0) {
      await s.writer.close();
      return { type: "stop", reason: "normal", state: s };
    }
    return noreply([], s);
  },
}) as unknown as Definition<WritableArg, ConsumerInit<unknown>, unknown, never, never>;

/**
 * Starts a consumer that writes every event it receives into a Web `WritableStream`,
 * waiting for each write (and the stream's back-pressure) before asking for more. When all
 * its producers have finished normally it closes the stream and stops `"normal"`; when one
 * fails it aborts the stream and stops with the reason.
 *
 * @example
 * ```ts
 * import { Writable } from "node:stream";
 * import * as GenStage from "@trellis/gen-stage";
 * declare const lines: GenStage.Stage<string>;
 * const out = Writable.toWeb(process.stdout) as WritableStream<string>;
 * await GenStage.toWritable(out, [{ to: lines, maxDemand: 100 }]);
 * ```
 * @since 0.1.0
 * @category Bridges
 */
export function toWritable<T>(
  writable: WritableStream<T>,
  subscribeTo: readonly (Dest | SubscribeOptions)[],
  options: BridgeOptions = {},
): Promise<Stage<never>> {
  if (typeof WritableStream === "undefined" || !(writable instanceof WritableStream)) {
    return Promise.reject(
      new BadArgumentError(
        `GenStage.toWritable: expected a WritableStream, got ${formatReason(writable)}`,
      ),
    );
  }
  const { link = false, ...start } = options;
  return startStage(
    "GenStage.toWritable",
    WritableConsumer,
    { writable: writable as WritableStream<unknown>, subscribeTo },
    start,
    link,
  ) as Promise<Stage<never>>;
}
