/**
 * The request/answer protocol between the client functions and a supervisor process.
 * DynamicSupervisor speaks it too (it imports it from here), so that
 * `Supervisor.whichChildren`, `countChildren` and `tree` work on it.
 *
 * @module
 */

import type { ChildSpec } from "@trellis/core";
import { type CallRequest, call, type Dest, type Pid, reply } from "@trellis/core";
import {
  ChildAlreadyStartedError,
  ChildError,
  type ChildErrorReason,
  StartChildError,
} from "./errors.js";

/**
 * A request to a supervisor process (the `request` of a `CallRequest`).
 *
 * @example
 * ```ts
 * import type { SupervisorRequest } from "@trellis/supervisor";
 * const req: SupervisorRequest = { type: "count_children" };
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export type SupervisorRequest =
  | {
      /** Add and start a child. */
      readonly type: "start_child";
      /** Its spec. */
      readonly spec: ChildSpec;
    }
  | {
      /** Stop a child (by id; a DynamicSupervisor takes its pid). */
      readonly type: "terminate_child";
      /** The child. */
      readonly id: unknown;
    }
  | {
      /** Restart a stopped child. */
      readonly type: "restart_child";
      /** The child. */
      readonly id: unknown;
    }
  | {
      /** Remove a stopped child's spec. */
      readonly type: "delete_child";
      /** The child. */
      readonly id: unknown;
    }
  | {
      /** List the children. */
      readonly type: "which_children";
    }
  | {
      /** Count the children. */
      readonly type: "count_children";
    }
  | {
      /** A child's spec. */
      readonly type: "get_childspec";
      /** The child. */
      readonly id: unknown;
    };

/**
 * A supervisor's answer to a {@link SupervisorRequest}: a value, or what
 * {@link supervisorRequest} turns into a typed error.
 *
 * @example
 * ```ts
 * import type { SupervisorAnswer } from "@trellis/supervisor";
 * const answer: SupervisorAnswer = { t: "child", reason: "not_found" };
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export type SupervisorAnswer =
  | {
      /** Done. */
      readonly t: "ok";
      /** The result. */
      readonly value: unknown;
    }
  | {
      /** A `ChildError`. */
      readonly t: "child";
      /** Why. */
      readonly reason: ChildErrorReason;
    }
  | {
      /** A `ChildAlreadyStartedError`. */
      readonly t: "started";
      /** The running child. */
      readonly pid: Pid;
    }
  | {
      /** A `StartChildError`. */
      readonly t: "start";
      /** The start function's reason. */
      readonly reason: unknown;
    }
  | {
      /** Any other error, thrown as it is. */
      readonly t: "error";
      /** The error. */
      readonly error: unknown;
    };

/** @internal */
export type SupervisorCall = CallRequest<SupervisorRequest>;

/** @internal */
export function ok(from: SupervisorCall["from"], value: unknown): void {
  reply(from, { t: "ok", value } satisfies SupervisorAnswer);
}

/** @internal */
export function fail(from: SupervisorCall["from"], answer: SupervisorAnswer): void {
  reply(from, answer);
}

/**
 * Sends a request to a supervisor process and turns its answer into a value or a typed
 * error ({@link ChildError}, {@link ChildAlreadyStartedError}, {@link StartChildError});
 * `module` and `fn` name the operation in errors. Supervisor-like behaviours (as
 * DynamicSupervisor) use it to speak the same protocol.
 *
 * @example
 * ```ts
 * import { supervisorRequest, type ChildCounts } from "@trellis/supervisor";
 * const counts = await supervisorRequest<ChildCounts>("MySupervisor", "countChildren", sup, { type: "count_children" }, undefined);
 * ```
 * @since 0.1.0
 * @category Toolkit
 */
export async function supervisorRequest<T>(
  module: string,
  fn: string,
  sup: Dest,
  req: SupervisorRequest,
  id: unknown,
  timeout: number = Number.POSITIVE_INFINITY,
): Promise<T> {
  const answer = await call<SupervisorAnswer>(sup, req, { timeout, module, function: fn });
  switch (answer?.t) {
    case "ok":
      return answer.value as T;
    case "child":
      throw new ChildError(answer.reason, id, `${module}.${fn}`);
    case "started":
      throw new ChildAlreadyStartedError(id, answer.pid);
    case "start":
      throw new StartChildError(id, answer.reason);
    case "error":
      throw answer.error;
    default:
      return answer as T;
  }
}
