import { createRuntime } from "@trellis/core";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { stretch } from "../src/hasher.js";
import { type Service, startService } from "../src/service.js";

let service: Service | undefined;
const rt = createRuntime({ node: "main@localhost" });

afterEach(async () => {
  await service?.stop();
  service = undefined;
});

afterAll(async () => {
  await rt.shutdown();
});

async function get(url: string): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

describe("multi-core service", () => {
  it("serves HTTP on the main thread and hashes on the worker nodes", async () => {
    service = await startService({ runtime: rt, workers: 2 });
    expect(service.nodes).toEqual(["worker1@localhost", "worker2@localhost"]);
    const inputs = Array.from({ length: 24 }, (_, i) => `input-${i}`);
    const answers = await Promise.all(
      inputs.map((d) => get(`${service?.url}/hash?data=${d}&rounds=50`)),
    );
    const nodes = new Set<unknown>();
    answers.forEach((a, i) => {
      expect(a.status).toBe(200);
      expect(a.body.digest).toBe(stretch(inputs[i] as string, 50));
      nodes.add(a.body.node);
    });
    // both workers did some of the work
    expect([...nodes].sort()).toEqual(["worker1@localhost", "worker2@localhost"]);
    // equal inputs are routed to the same worker
    const again = await get(`${service.url}/hash?data=input-3&rounds=50`);
    expect(again.body.node).toBe(answers[3]?.body.node);
  }, 30_000);

  it("answers 400 to a bad request", async () => {
    service = await startService({ runtime: rt, workers: 1 });
    expect((await get(`${service.url}/hash?rounds=5`)).status).toBe(400);
    expect((await get(`${service.url}/hash?data=x&rounds=-1`)).status).toBe(400);
  }, 30_000);
});
