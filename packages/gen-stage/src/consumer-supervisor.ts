/**
 * ConsumerSupervisor: a consumer that starts a child process per event (Elixir's
 * `ConsumerSupervisor`).
 *
 * @module
 */
import {
  BadArgumentError,
  type ChildSpec,
  currentRuntime,
  type Dest,
  exit,
  formatReason,
  isExit,
  isQuietReason,
  logReport,
  type Pid,
  type Ref,
  receive,
  self,
  TIMEOUT,
  trapExit,
} from "@trellis/core";
import type * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import { ask, call } from "./client.js";
import { type ConsumerInit, consumer, manual, noreply, reply, stop } from "./result.js";
import { define, type StartOptions, startStage } from "./stage.js";
import type { Definition, Stage, SubscribeOptions, Subscription } from "./types.js";

/**
 * The child template of a ConsumerSupervisor: a child spec whose `start` receives the event
 * (Elixir appends the event to the template's arguments). `restart` must be `"temporary"`
 * (default) or `"transient"`: a child that ends is done with its event.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * import { spawnLink } from "@trellis/core";
 * const child: GenStage.ChildTemplate<string> = {
 *   id: "printer",
 *   start: async (line) => spawnLink(async () => console.log(line)),
 *   restart: "transient",
 * };
 * ```
 * @since 0.1.0
 * @category ConsumerSupervisor
 */
export interface ChildTemplate<E> extends Omit<ChildSpec, "start" | "restart"> {
  /**
   * Starts the child for one event and links it to the caller, which is the
   * ConsumerSupervisor (it traps exits, so it learns the child's exit reason).
   */
  readonly start: (event: E) => Promise<Pid | "ignore">;
  /** `"temporary"` (default) or `"transient"` (restarted with the same event after a crash). */
  readonly restart?: "temporary" | "transient";
}

/**
 * Options of {@link startConsumerSupervisor}.
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const options: GenStage.ConsumerSupervisorOptions = {
 *   subscribeTo: [{ to: "jobs", maxDemand: 50 }],
 *   maxRestarts: 3,
 *   maxSeconds: 5,
 * };
 * ```
 * @since 0.1.0
 * @category ConsumerSupervisor
 */
export interface ConsumerSupervisorOptions extends StartOptions {
  /**
   * The producers to consume. With automatic demand, a subscription keeps at most
   * `maxDemand` children running, and asks for `maxDemand - minDemand` more events each
   * time that many children have ended.
   */
  readonly subscribeTo?: readonly (Dest | SubscribeOptions)[];
  /** Restarts allowed within `maxSeconds` before the supervisor stops. Default `3`. */
  readonly maxRestarts?: number;
  /** The window of `maxRestarts`, in seconds. Default `5`. */
  readonly maxSeconds?: number;
  /** Link to the caller (`startLink`). Default `true` when called from process code. */
  readonly link?: boolean;
}

interface Running {
  readonly event: unknown;
  readonly from: Subscription | undefined;
}

interface State {
  readonly template: ChildTemplate<unknown>;
  readonly children: Map<Pid, Running>;
  /** Per subscription: children ended since the last ask, and the batch to ask for. */
  readonly subscriptions: Map<Ref, { from: Subscription; done: number; batch: number }>;
  readonly restarts: number[];
  readonly maxRestarts: number;
  readonly maxSeconds: number;
}

/** The request of {@link countConsumerChildren}. */
class CountChildren {}
/** The request of {@link whichConsumerChildren}. */
class WhichChildren {}

function finished(s: State, from: Subscription | undefined): void {
  if (from === undefined) return;
  const sub = s.subscriptions.get(from.ref);
  if (sub === undefined) return;
  sub.done++;
  if (sub.done >= sub.batch) {
    ask(sub.from, sub.done);
    sub.done = 0;
  }
}

/**
 * Starts the child for `event` from the ConsumerSupervisor's own process: the child is
 * linked to it and it traps exits (as in Elixir), so its exit signal, with the real reason,
 * arrives even if the child ended before `start` returned.
 */
async function startFor(s: State, event: unknown, from: Subscription | undefined): Promise<void> {
  let pid: Pid | "ignore";
  try {
    pid = await s.template.start(event);
  } catch (e) {
    logReport({
      kind: "error",
      message: `ConsumerSupervisor ${String(self())} could not start a child for event ${formatReason(event)}: ${formatReason(e)}`,
      behaviour: "ConsumerSupervisor",
      reason: e,
    });
    finished(s, from);
    return;
  }
  if (pid === "ignore") {
    finished(s, from);
    return;
  }
  s.children.set(pid, { event, from });
}

type Counts = Awaited<ReturnType<typeof DynamicSupervisor.countChildren>>;
type Infos = Awaited<ReturnType<typeof DynamicSupervisor.whichChildren>>;

function countOf(s: State): Counts {
  const n = s.children.size;
  const supervisor = s.template.type === "supervisor";
  return { specs: n, active: n, supervisors: supervisor ? n : 0, workers: supervisor ? 0 : n };
}

function infosOf(s: State): Infos {
  const type = s.template.type ?? "worker";
  const modules = s.template.modules ?? [];
  return [...s.children.keys()].map((pid) => ({
    id: undefined,
    pid,
    type,
    modules: [...modules],
    restarts: 0,
  }));
}

/** Waits for the exit signals of `pids` (removing them) until `timeout` ms have passed. */
async function awaitExits(pids: Set<Pid>, timeout: number, start: number): Promise<void> {
  const now = () => currentRuntime().now();
  while (pids.size > 0) {
    const left = timeout === Infinity ? Infinity : Math.max(0, start + timeout - now());
    const msg = await receive((m) => isExit(m) && pids.has(m.from), { timeout: left });
    if (msg === TIMEOUT) return;
    if (isExit(msg)) pids.delete(msg.from);
  }
}

/** Stops the children as a supervisor does: `"shutdown"`, then `"kill"` after `shutdown` ms. */
async function stopChildren(s: State): Promise<void> {
  const pids = new Set(s.children.keys());
  s.children.clear();
  if (pids.size === 0) return;
  const shutdown = s.template.shutdown ?? (s.template.type === "supervisor" ? Infinity : 5000);
  if (shutdown === "brutal_kill") {
    for (const pid of pids) exit(pid, "kill");
    await awaitExits(pids, Infinity, 0);
    return;
  }
  for (const pid of pids) exit(pid, "shutdown");
  await awaitExits(pids, shutdown, currentRuntime().now());
  for (const pid of pids) exit(pid, "kill");
  await awaitExits(pids, Infinity, 0);
}

/**
 * The argument of the {@link ConsumerSupervisor} stage: the child template and the options.
 *
 * @example
 * ```ts
 * import { spawnLink } from "@trellis/core";
 * import type * as GenStage from "@trellis/gen-stage";
 * const arg: GenStage.ConsumerSupervisorArg = {
 *   template: { id: "job", start: async (job: string) => spawnLink(async () => console.log(job)) },
 *   options: { subscribeTo: ["jobs"] },
 * };
 * ```
 * @since 0.1.0
 * @category ConsumerSupervisor
 */
export interface ConsumerSupervisorArg {
  /** The child started for each event. */
  readonly template: ChildTemplate<never>;
  /** Subscriptions and restart intensity. */
  readonly options: ConsumerSupervisorOptions;
}

/**
 * The ConsumerSupervisor's stage, for child specs and `GenStage.start` (its argument is the
 * template and the options); {@link startConsumerSupervisor} and
 * {@link consumerSupervisorChildSpec} are the usual ways in.
 *
 * @example
 * ```ts
 * import { spawnLink } from "@trellis/core";
 * import * as GenStage from "@trellis/gen-stage";
 * const spec = GenStage.childSpec(GenStage.ConsumerSupervisor, {
 *   template: { id: "job", start: async (job: string) => spawnLink(async () => console.log(job)) },
 *   options: { subscribeTo: ["jobs"] },
 * });
 * ```
 * @since 0.1.0
 * @category ConsumerSupervisor
 */
export const ConsumerSupervisor: Definition<
  ConsumerSupervisorArg,
  ConsumerInit<unknown>,
  unknown,
  never,
  unknown
> = define({
  async init(arg: ConsumerSupervisorArg) {
    const { template, options } = arg;
    checkTemplate(template);
    // the children's parent, as in Elixir: it learns each child's real exit reason
    trapExit(true);
    const state: State = {
      template: template as ChildTemplate<unknown>,
      children: new Map(),
      subscriptions: new Map(),
      restarts: [],
      maxRestarts: options.maxRestarts ?? 3,
      maxSeconds: options.maxSeconds ?? 5,
    };
    return consumer(state, { subscribeTo: options.subscribeTo ?? [] });
  },
  handleSubscribe(_kind, options, from, s) {
    const max = options.maxDemand as number;
    const min = options.minDemand as number;
    s.subscriptions.set(from.ref, { from, done: 0, batch: max - min });
    ask(from, max);
    return manual(s);
  },
  async handleEvents(events: unknown[], from, s) {
    for (const event of events) await startFor(s, event, from);
    return noreply([], s);
  },
  handleCancel(_cancellation, from, s) {
    s.subscriptions.delete(from.ref);
    return noreply([], s);
  },
  async handleInfo(message, s) {
    if (!isExit(message)) return noreply([], s);
    const pid = message.from;
    const child = s.children.get(pid);
    if (child === undefined) return noreply([], s);
    s.children.delete(pid);
    if (s.template.restart === "transient" && !isQuietReason(message.reason)) {
      const now = currentRuntime().now();
      s.restarts.push(now);
      while (s.restarts.length > 0 && (s.restarts[0] as number) <= now - s.maxSeconds * 1000) {
        s.restarts.shift();
      }
      if (s.restarts.length > s.maxRestarts) return stop("shutdown", s);
      await startFor(s, child.event, child.from);
      return noreply([], s);
    }
    finished(s, child.from);
    return noreply([], s);
  },
  handleCall(request: CountChildren | WhichChildren, _from, s) {
    return reply(request instanceof CountChildren ? countOf(s) : infosOf(s), [], s);
  },
  async terminate(_reason, s) {
    await stopChildren(s);
  },
}) as unknown as Definition<ConsumerSupervisorArg, ConsumerInit<unknown>, unknown, never, unknown>;

function checkTemplate(template: unknown): void {
  const t = template as ChildTemplate<unknown> | null;
  if (typeof t !== "object" || t === null || typeof t.start !== "function") {
    throw new BadArgumentError(
      `ConsumerSupervisor: expected a child template { id, start(event), restart? }, got ${formatReason(template)}`,
    );
  }
  if (t.restart !== undefined && t.restart !== "temporary" && t.restart !== "transient") {
    throw new BadArgumentError(
      `ConsumerSupervisor: the child's restart must be "temporary" or "transient" (a child is done with its event when it ends), got ${formatReason(t.restart)}`,
    );
  }
}

/**
 * Starts a ConsumerSupervisor (Elixir's `ConsumerSupervisor.start_link/2`): a consumer that
 * starts one child per event, from `template`, and is their parent (it traps exits). Demand is
 * bounded by the children: a subscription asks for `maxDemand` events at first (so at most
 * `maxDemand` children run for it) and for more each time `maxDemand - minDemand` of them
 * have ended. A `transient` child that crashes is restarted with the same event, at most
 * `maxRestarts` times in `maxSeconds` (then the supervisor stops with `"shutdown"`).
 *
 * @example
 * ```ts
 * import { spawnLink } from "@trellis/core";
 * import * as GenStage from "@trellis/gen-stage";
 * const sup = await GenStage.startConsumerSupervisor(
 *   { id: "job", start: async (job: string) => spawnLink(async () => console.log("running", job)) },
 *   { subscribeTo: [{ to: "jobs", maxDemand: 10 }] },
 * );
 * ```
 * @throws {BadArgumentError} (as a rejection) for a bad template (a `permanent` restart…)
 * @since 0.1.0
 * @category ConsumerSupervisor
 */
export function startConsumerSupervisor<E>(
  template: ChildTemplate<E>,
  options: ConsumerSupervisorOptions = {},
): Promise<Stage<never>> {
  try {
    checkTemplate(template);
  } catch (e) {
    return Promise.reject(e);
  }
  const { link, subscribeTo: _s, maxRestarts: _r, maxSeconds: _m, ...start } = options;
  return startStage(
    "GenStage.startConsumerSupervisor",
    ConsumerSupervisor,
    { template: template as ChildTemplate<never>, options },
    start,
    link ?? true,
  ) as Promise<Stage<never>>;
}

/**
 * A child spec for a ConsumerSupervisor under another supervisor (type `"supervisor"`).
 *
 * @example
 * ```ts
 * import { spawnLink } from "@trellis/core";
 * import * as GenStage from "@trellis/gen-stage";
 * const spec = GenStage.consumerSupervisorChildSpec(
 *   { id: "job", start: async (job: string) => spawnLink(async () => console.log(job)) },
 *   { subscribeTo: ["jobs"], name: "job-runner" },
 * );
 * ```
 * @throws {BadArgumentError} for a bad template
 * @since 0.1.0
 * @category ConsumerSupervisor
 */
export function consumerSupervisorChildSpec<E>(
  template: ChildTemplate<E>,
  options: ConsumerSupervisorOptions & { readonly id?: unknown } = {},
): ChildSpec {
  checkTemplate(template);
  const { id, ...rest } = options;
  return {
    id: id ?? "ConsumerSupervisor",
    start: () => startConsumerSupervisor(template, { ...rest, link: true }),
    type: "supervisor",
  };
}

/**
 * Counts a ConsumerSupervisor's children (Elixir's `ConsumerSupervisor.count_children/1`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const { active } = await GenStage.countConsumerChildren("job-runner");
 * ```
 * @since 0.1.0
 * @category ConsumerSupervisor
 */
export function countConsumerChildren(
  sup: Dest,
): Promise<Awaited<ReturnType<typeof DynamicSupervisor.countChildren>>> {
  return call(sup, new CountChildren());
}

/**
 * Lists a ConsumerSupervisor's children (Elixir's `ConsumerSupervisor.which_children/1`).
 *
 * @example
 * ```ts
 * import * as GenStage from "@trellis/gen-stage";
 * const children = await GenStage.whichConsumerChildren("job-runner");
 * ```
 * @since 0.1.0
 * @category ConsumerSupervisor
 */
export function whichConsumerChildren(
  sup: Dest,
): Promise<Awaited<ReturnType<typeof DynamicSupervisor.whichChildren>>> {
  return call(sup, new WhichChildren());
}
