// The request/answer protocol between the client functions and a supervisor process.
// DynamicSupervisor answers "which_children" and "count_children" the same way, so that
// Supervisor.whichChildren, Supervisor.countChildren and Supervisor.tree work on it too.

import type { ChildSpec } from "@trellis/core";
import { type CallRequest, call, type Dest, type Pid, reply } from "@trellis/core";
import {
  ChildAlreadyStartedError,
  ChildError,
  type ChildErrorReason,
  StartChildError,
} from "../errors.js";

export type Request =
  | { readonly type: "start_child"; readonly spec: ChildSpec }
  | { readonly type: "terminate_child"; readonly id: unknown }
  | { readonly type: "restart_child"; readonly id: unknown }
  | { readonly type: "delete_child"; readonly id: unknown }
  | { readonly type: "which_children" }
  | { readonly type: "count_children" }
  | { readonly type: "get_childspec"; readonly id: unknown };

export type Answer =
  | { readonly t: "ok"; readonly value: unknown }
  | { readonly t: "child"; readonly reason: ChildErrorReason }
  | { readonly t: "started"; readonly pid: Pid }
  | { readonly t: "start"; readonly reason: unknown }
  | { readonly t: "error"; readonly error: unknown };

export type SupervisorCall = CallRequest<Request>;

export function ok(from: SupervisorCall["from"], value: unknown): void {
  reply(from, { t: "ok", value } satisfies Answer);
}

export function fail(from: SupervisorCall["from"], answer: Answer): void {
  reply(from, answer);
}

/** Sends a request to a supervisor and turns the answer into a value or a typed error. */
export async function request<T>(
  module: string,
  fn: string,
  sup: Dest,
  req: Request,
  id: unknown,
  timeout: number = Number.POSITIVE_INFINITY,
): Promise<T> {
  const answer = await call<Answer>(sup, req, { timeout, module, function: fn });
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
