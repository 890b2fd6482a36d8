// Trellis nodes on loopback for tests: each with its own runtime; everything started is
// stopped by `cleanup()`.
import { createRuntime, type LogReport, type Runtime } from "@trellis/core";
import { type DistributionNode, type NodeOptions, startNode } from "../../src/index.js";

export interface TestNode {
  readonly rt: Runtime;
  readonly node: DistributionNode;
  readonly logs: LogReport[];
}

export class Cluster {
  private readonly stops: (() => Promise<void>)[] = [];

  constructor(private readonly defaults: NodeOptions) {}

  async start(name: string, options: NodeOptions = {}): Promise<TestNode> {
    const logs: LogReport[] = [];
    const rt = createRuntime({
      node: `${name}@127.0.0.1`,
      creation: 1 + Math.floor(Math.random() * 2 ** 30),
      logger: { log: (r) => void logs.push(r) },
    });
    const node = await startNode(rt, { ...this.defaults, ...options });
    this.stops.push(async () => {
      await node.stop();
      await rt.shutdown();
    });
    return { rt, node, logs };
  }

  defer(stop: () => Promise<void> | void): void {
    this.stops.push(async () => {
      await stop();
    });
  }

  async cleanup(): Promise<void> {
    for (const stop of this.stops.splice(0).reverse()) await stop();
  }
}

/** Polls `check` every 10 ms until it holds, failing after `timeoutMs`. */
export async function until(
  check: () => boolean,
  timeoutMs = 5000,
  what = "condition",
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
