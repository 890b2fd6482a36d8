/**
 * Errors that escape: a throw in a callback nobody awaits, a rejected promise nobody handles.
 *
 * Node reports such errors through the process-wide `uncaughtException` and
 * `unhandledRejection` events. Core listens to both once a runtime exists (or once
 * {@link onUncaughtError} is called) and routes each error:
 *
 * - it ran in a process's async context (the context that makes `self()` work): that
 *   process crashes with the error as its reason, and its links, monitors and supervisor
 *   do the rest;
 * - it ran in the context of a process that has already exited (a leftover timer of a killed
 *   process, a listener on its `abortSignal()`): it is reported to that runtime's logger;
 * - it has no process context: every handler registered with {@link onUncaughtError} gets
 *   it; with none registered (and no other listener of that event), core does what Node
 *   does by default: it prints the error with its stack to stderr and exits with code 1.
 *
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { inspect } from "node:util";
import { BadArgumentError } from "./errors.js";
import { safeFormat } from "./format.js";
import type { Proc } from "./runtime.js";

/**
 * Which Node event an escaped error came through: a synchronous throw out of a callback
 * (`"uncaughtException"`) or a rejected promise nobody handled (`"unhandledRejection"`).
 *
 * @since 0.1.0
 * @category Runtime
 */
export type UncaughtOrigin = "uncaughtException" | "unhandledRejection";

type Handler = (error: unknown, origin: UncaughtOrigin) => void;

const handlers: Handler[] = [];
let installed = false;
let findProc: (() => Proc | undefined) | undefined;
/** The (dead) process on whose behalf runtime code runs, e.g. the abort of its signal. */
let owners: AsyncLocalStorage<Proc> | undefined;

/** Marks core's own listeners, so that "is anybody else listening?" can leave them out. */
const OURS = Symbol.for("trellis.uncaught.listener");

/**
 * Registers a handler for errors that escape all process code (no process context): the
 * application's policy for them, e.g. log and stop gracefully. Returns a function that
 * unregisters it.
 *
 * An error thrown (or a promise rejected) in a process's async context never reaches the
 * handlers: it crashes that process. While at least one handler is registered, an error
 * with no process context goes to every handler and Node does not exit; with none
 * registered, core keeps Node's default: the error is printed with its stack to stderr and
 * the OS process exits with code 1.
 *
 * Core installs its `process.on("uncaughtException")` and `process.on("unhandledRejection")`
 * listeners the first time a runtime is created (the default one included) or this function
 * is called, and keeps them for the life of the OS process; importing core installs
 * nothing. A handler that throws is printed to stderr and the OS process exits with code 7,
 * as Node does when its own `uncaughtException` listener throws.
 *
 * @example
 * ```ts
 * import { onUncaughtError } from "@trellis/core";
 * const off = onUncaughtError((error, origin) => {
 *   console.error(`escaped (${origin}):`, error);
 *   process.exitCode = 1;
 * });
 * off(); // back to Node's default: print and exit 1
 * ```
 * @throws {BadArgumentError} if `handler` is not a function
 * @since 0.1.0
 * @category Runtime
 */
export function onUncaughtError(
  handler: (error: unknown, origin: UncaughtOrigin) => void,
): () => void {
  if (typeof handler !== "function") {
    throw new BadArgumentError(
      `onUncaughtError: expected a function (error, origin) => void, got ${safeFormat(handler)}`,
    );
  }
  installUncaughtListeners(undefined);
  // One entry per registration: the same function registered twice is called twice and
  // needs two unregistrations, like addEventListener's counterpart in EventEmitter.
  const entry: Handler = (error, origin) => handler(error, origin);
  handlers.push(entry);
  let registered = true;
  return () => {
    if (!registered) return;
    registered = false;
    const i = handlers.indexOf(entry);
    if (i >= 0) handlers.splice(i, 1);
  };
}

/**
 * @internal Installs core's listeners once. `find` tells which process's code is running
 * (the runtime passes its `currentProc`); it is remembered by the first runtime.
 */
export function installUncaughtListeners(find: (() => Proc | undefined) | undefined): void {
  if (find !== undefined && findProc === undefined) findProc = find;
  if (installed) return;
  if (typeof process !== "object" || typeof process?.on !== "function") return;
  installed = true;
  const onException = (error: unknown, origin?: string): void =>
    route(error, origin === "unhandledRejection" ? "unhandledRejection" : "uncaughtException");
  const onRejection = (reason: unknown): void => route(reason, "unhandledRejection");
  Object.defineProperty(onException, OURS, { value: true });
  Object.defineProperty(onRejection, OURS, { value: true });
  process.on("uncaughtException", onException);
  process.on("unhandledRejection", onRejection);
}

/**
 * @internal Runs `fn` (runtime code, outside any process) on behalf of the dead process
 * `p`: an error that later escapes from what `fn` started (a throwing listener on the
 * process's `AbortSignal`) is reported to `p`'s runtime instead of reaching the
 * no-process policy.
 */
export function onBehalfOf(p: Proc, fn: () => void): void {
  owners ??= new AsyncLocalStorage<Proc>();
  owners.run(p, fn);
}

function route(error: unknown, origin: UncaughtOrigin): void {
  let p: Proc | undefined;
  try {
    p = findProc?.() ?? owners?.getStore();
  } catch {
    p = undefined;
  }
  if (p !== undefined) {
    try {
      if (p.alive) {
        p.rt.crash(p, error);
      } else {
        p.rt.report({
          kind: "error",
          message: `an error escaped from process ${p.pid} after it exited (${origin}): ${safeFormat(error)}`,
          pid: p.pid,
          reason: error,
          origin,
        });
      }
      return;
    } catch (e) {
      // The runtime could not take it: fall through to the no-process policy, with the
      // original error.
      void e;
    }
  }
  if (handlers.length > 0) {
    for (const h of [...handlers]) {
      try {
        h(error, origin);
      } catch (e) {
        printAndExit(e, 7, "an onUncaughtError handler threw");
      }
    }
    return;
  }
  const others = (
    origin === "uncaughtException"
      ? process.listeners("uncaughtException")
      : process.listeners("unhandledRejection")
  ).filter((l) => !(OURS in l));
  if (others.length > 0) return; // somebody else handles this event, as Node would let them
  if (origin === "unhandledRejection") {
    // Node raises an unhandled rejection as an uncaught exception: listeners of that see it.
    const ue = process.listeners("uncaughtException").filter((l) => !(OURS in l));
    if (ue.length > 0) {
      for (const l of ue) l(asError(error), "unhandledRejection");
      return;
    }
  }
  printAndExit(error, 1, undefined);
}

function asError(reason: unknown): Error {
  if (reason instanceof Error) return reason;
  const e = new Error(
    `This error originated either by throwing inside of an async function without a catch block, or by rejecting a promise which was not handled with .catch(). The promise rejected with the reason "${safeFormat(reason)}".`,
  );
  e.name = "UnhandledPromiseRejection";
  return e;
}

function printAndExit(error: unknown, code: number, prefix: string | undefined): void {
  let text: string;
  try {
    text = inspect(error);
  } catch {
    text = safeFormat(error);
  }
  try {
    process.stderr.write(
      `${prefix === undefined ? "" : `${prefix}: `}${text}\n\nNode.js ${process.version}\n`,
    );
  } finally {
    process.exit(code);
  }
}
