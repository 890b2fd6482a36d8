// Flag validation shared by the supervisor and (through RestartIntensity) DynamicSupervisor.
import { SupervisorFlagsError } from "../errors.js";
import type { AutoShutdown, Strategy, SupervisorFlags } from "../types.js";

const STRATEGIES = new Set<unknown>(["one_for_one", "one_for_all", "rest_for_one"]);
const AUTO_SHUTDOWNS = new Set<unknown>(["never", "any_significant", "all_significant"]);

/** The flags with their defaults. */
export interface ResolvedFlags {
  readonly strategy: Strategy;
  readonly maxRestarts: number;
  readonly maxSeconds: number;
  readonly autoShutdown: AutoShutdown;
}

/** Checks `maxRestarts` and `maxSeconds`. */
export function checkIntensity(maxRestarts: unknown, maxSeconds: unknown): void {
  if (typeof maxRestarts !== "number" || !Number.isSafeInteger(maxRestarts) || maxRestarts < 0) {
    throw new SupervisorFlagsError(
      "invalid_intensity",
      "maxRestarts",
      maxRestarts,
      "maxRestarts is an integer >= 0",
    );
  }
  if (typeof maxSeconds !== "number" || !Number.isSafeInteger(maxSeconds) || maxSeconds <= 0) {
    throw new SupervisorFlagsError(
      "invalid_period",
      "maxSeconds",
      maxSeconds,
      "maxSeconds is an integer > 0",
    );
  }
}

/** Checks the flags of a static supervisor and fills in the defaults. */
export function checkFlags(flags: SupervisorFlags): ResolvedFlags {
  if (typeof flags !== "object" || flags === null) {
    throw new SupervisorFlagsError(
      "invalid_flags",
      "flags",
      flags,
      "the flags are an object with at least a strategy",
    );
  }
  const strategy = flags.strategy;
  if (!STRATEGIES.has(strategy)) {
    const hint =
      strategy === undefined
        ? 'the strategy is required: "one_for_one", "one_for_all" or "rest_for_one"'
        : (strategy as unknown) === "simple_one_for_one"
          ? "use a DynamicSupervisor (@trellis/dynamic-supervisor) instead of simple_one_for_one"
          : 'use "one_for_one", "one_for_all" or "rest_for_one"';
    throw new SupervisorFlagsError("invalid_strategy", "strategy", strategy, hint);
  }
  const maxRestarts = flags.maxRestarts ?? 3;
  const maxSeconds = flags.maxSeconds ?? 5;
  checkIntensity(maxRestarts, maxSeconds);
  const autoShutdown = flags.autoShutdown ?? "never";
  if (!AUTO_SHUTDOWNS.has(autoShutdown)) {
    throw new SupervisorFlagsError(
      "invalid_auto_shutdown",
      "autoShutdown",
      autoShutdown,
      'use "never", "any_significant" or "all_significant"',
    );
  }
  return { strategy, maxRestarts, maxSeconds, autoShutdown };
}
