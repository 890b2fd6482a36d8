/**
 * The entry point of a worker node's thread: builds the node's runtime, connects it to the
 * main thread and to every other worker node, loads the user's module, runs its start
 * export in a process, and reports ready.
 *
 * @module
 * @internal
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import {
  createRuntime,
  type LogReport,
  onUncaughtError,
  type Runtime,
  setDefaultRuntime,
} from "@trellis/core";
import { Decoder, Encoder } from "./codec.js";
import { internerOf } from "./interner.js";
import { contextOf } from "./node-context.js";

/** What the main thread gives a worker node at boot. */
export interface BootData {
  readonly node: string;
  readonly creation: number;
  readonly peers: readonly (readonly [string, MessagePort])[];
  readonly module: string | undefined;
  readonly start: string | undefined;
  readonly args: unknown;
}

/** Control messages from the main thread. */
export type Control =
  | { readonly t: "connect"; readonly node: string; readonly port: MessagePort }
  | { readonly t: "down"; readonly node: string };

async function boot(): Promise<void> {
  const data = (workerData as { boot: BootData }).boot;
  const control = parentPort as NonNullable<typeof parentPort>;
  // The node's reports (crash reports, supervisor reports…) go to the logger of the main
  // node's runtime, through the controller, like a peer node's output in Erlang.
  const rt = createRuntime({
    node: data.node,
    creation: data.creation,
    logger: { log: (r) => control.postMessage({ t: "report", report: encodeReport(r) }) },
  });
  // Code of this thread outside processes (module top level, timers, I/O callbacks) acts
  // on this node.
  setDefaultRuntime(rt);
  reportRuntime = rt;
  const ctx = contextOf(rt);
  // An error that escapes with no process context (module top level, a library's timer)
  // ends the node, as Node's default ends a worker thread: the controller exits with
  // { nodedown, cause } where cause is the error. Errors in a process's context crash that
  // process only (core's rule), so they never get here.
  onUncaughtError((error) => {
    let encoded: unknown;
    try {
      encoded = new Encoder(internerOf(rt)).encode(error, "error", false);
    } catch {
      encoded = new Encoder(internerOf(rt)).encode(String(error), "error", false);
    }
    control.postMessage({ t: "crashed", error: encoded });
    process.exit(1);
  });
  for (const [peer, port] of data.peers) ctx.attach(peer, port);
  control.on("message", (m: Control) => {
    if (m.t === "connect") ctx.attach(m.node, m.port);
    else if (m.t === "down") ctx.detach(m.node);
  });
  try {
    if (data.module !== undefined) {
      const mod = (await import(data.module)) as Record<string, unknown>;
      if (data.start !== undefined) {
        const start = mod[data.start];
        if (typeof start !== "function") {
          throw new Error(
            start === undefined
              ? `module ${data.module} has no export named "${data.start}"`
              : `export "${data.start}" of ${data.module} is not a function`,
          );
        }
        const args = new Decoder(rt, ctx.interner).decode(data.args) as unknown[];
        await rt.run(() => (start as (...a: unknown[]) => unknown)(...args));
      }
    }
    control.postMessage({ t: "ready" });
  } catch (e) {
    const enc = new Encoder(internerOf(rt));
    control.postMessage({ t: "failed", error: enc.encode(e, "error", false) });
  }
}

/** A report in the form that crosses to the main thread; its summary when the rest cannot. */
function encodeReport(r: LogReport): unknown {
  const rt = reportRuntime;
  try {
    if (rt !== undefined) return new Encoder(internerOf(rt)).encode(r, "report", false);
  } catch {
    // falls through to the summary
  }
  return { kind: r.kind, message: String(r.message), level: r.level };
}

let reportRuntime: Runtime | undefined;

void boot();
