/**
 * The entry point of a worker node's thread: builds the node's runtime, connects it to the
 * main thread and to every other worker node, loads the user's module, runs its start
 * export in a process, and reports ready.
 *
 * @module
 * @internal
 */
import { type MessagePort, parentPort, workerData } from "node:worker_threads";
import { createRuntime, setDefaultRuntime } from "@trellis/core";
import { Decoder, Encoder, internerOf } from "./codec.js";
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
  const rt = createRuntime({ node: data.node, creation: data.creation });
  // Code of this thread outside processes (module top level, timers, I/O callbacks) acts
  // on this node.
  setDefaultRuntime(rt);
  const ctx = contextOf(rt);
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

void boot();
