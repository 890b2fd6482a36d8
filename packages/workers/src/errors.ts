/**
 * The errors of worker nodes.
 *
 * @module
 */
import { BadArgumentError, TrellisError } from "@trellis/core";

/**
 * A message, call request, reply or spawn argument that cannot cross to another worker:
 * it holds a function, a unique (non-registered) symbol, a `WeakMap`, a promise or another
 * value the structured-clone algorithm refuses, or it nests too deeply (a cycle). Thrown
 * at the sender, before anything leaves; nothing is delivered.
 *
 * @example
 * ```ts
 * import { send } from "@trellis/core";
 * import { UncloneableError } from "@trellis/workers";
 * try {
 *   send(remotePid, { callback: () => 1 });
 * } catch (err) {
 *   err instanceof UncloneableError; // true: err.path is "message.callback"
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class UncloneableError extends BadArgumentError {
  /** Where in the value the offending part sits, e.g. `"message.callback"`. */
  readonly path: string;

  /** @param path where the offending part is @param what what it is */
  constructor(path: string, what: string) {
    super(
      `cannot send ${what} at ${path} to another node: only data crosses (numbers, strings, bigints, booleans, null, undefined, arrays, plain objects, Map, Set, Date, RegExp, binaries, errors, registered symbols, pids and refs)`,
    );
    this.path = path;
  }
}

/**
 * A remote spawn or start that could not run: the module did not load, it has no such
 * export, the export is not a function, the node is not connected or went down before
 * answering.
 *
 * @example
 * ```ts
 * import { spawnOn, SpawnError } from "@trellis/workers";
 * try {
 *   await spawnOn("worker1@host", { module: "./nope.js", function: "main" });
 * } catch (err) {
 *   if (err instanceof SpawnError) console.log(err.reason); // "module"
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class SpawnError extends TrellisError {
  /** `"module"`, `"export"`, `"noconnection"` or `"failed"` (the function threw). */
  readonly reason: "module" | "export" | "noconnection" | "failed";
  /** The node asked. */
  readonly node: string;

  /** @param reason what went wrong @param node the node asked @param message details */
  constructor(
    reason: "module" | "export" | "noconnection" | "failed",
    node: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super("badarg", message, options);
    this.reason = reason;
    this.node = node;
  }
}

/**
 * A worker node that could not start: its module failed to load, its `start` export
 * threw, it exited during boot or did not report ready within the start timeout.
 *
 * @example
 * ```ts
 * import { startWorkerNode, WorkerStartError } from "@trellis/workers";
 * try {
 *   await startWorkerNode({ module: "./broken.js" });
 * } catch (err) {
 *   err instanceof WorkerStartError; // true
 * }
 * ```
 * @since 0.1.0
 * @category Errors
 */
export class WorkerStartError extends TrellisError {
  /** The node name it would have had. */
  readonly node: string;

  /** @param node the node name @param message details */
  constructor(node: string, message: string, options?: { cause?: unknown }) {
    super("init_failed", message, options);
    this.node = node;
  }
}
