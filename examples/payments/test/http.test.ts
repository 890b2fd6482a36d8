// End to end, on a real runtime and a real socket: the whole tree, driven through the HTTP
// API from outside. Timeouts are short and every wait is for a concrete answer (a long-poll
// that the payment machine answers when its state changes), never a sleep that hopes.
import { createRuntime, exit, type LogReport, type Runtime, whereis } from "@trellis/core";
import * as Supervisor from "@trellis/supervisor";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { Client } from "../src/client.js";
import * as Config from "../src/config.js";
import { whereisCustomer } from "../src/customer.js";
import * as Http from "../src/http.js";
import { name } from "../src/names.js";
import * as Service from "../src/service.js";

const CONFIG: Config.Config = {
  ...Config.DEFAULT_CONFIG,
  authorizationTimeoutMs: 60_000,
  maxAmountCents: 100_000,
  rateLimit: { capacity: 5, refill: 5, intervalMs: 60_000 },
  backendTimeoutMs: 5000, // a crash comes back at once; only a hanging backend would wait
  backends: {
    accounts: { mode: "ok", latencyMs: 1 },
    risk: { mode: "ok", latencyMs: 1 },
    loyalty: { mode: "ok", latencyMs: 1 },
  },
};

let rt: Runtime;
let client: Client;
let port: number;
const reports: LogReport[] = [];

beforeAll(async () => {
  rt = createRuntime({ logger: { log: (r) => void reports.push(r) } });
  await Service.start({ config: CONFIG }, rt);
  port = await rt.run(() => Http.port());
  client = new Client(`http://127.0.0.1:${port}`);
});

afterAll(async () => {
  await rt.run(() => Service.stop());
  expect(rt.processes()).toEqual([]);
  expect(rt.pendingTimers()).toBe(0);
  await expect(fetch(`http://127.0.0.1:${port}/health`)).rejects.toThrow();
  await rt.shutdown();
});

describe("the HTTP API", () => {
  test("a payment: authorize, capture, refund; a second capture is refused", async () => {
    const created = await client.post("/customers/ann/payments", { amount: 1250 });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ customer: "ann", amount: 1250, state: "authorized" });
    const id = String(created.body["id"]);
    expect((await client.post(`/payments/${id}/capture`)).body).toMatchObject({
      state: "captured",
    });
    expect((await client.post(`/payments/${id}/capture`)).status).toBe(409);
    expect((await client.post(`/payments/${id}/refund`)).body).toMatchObject({
      state: "refunded",
    });
    expect((await client.get(`/payments/${id}`)).body).toMatchObject({ state: "refunded" });
  });

  test("an authorization that is not captured is voided; the long-poll answers when it is", async () => {
    // the config agent's settings apply to the next payment: this one holds 50 ms
    await rt.run(() => Config.update((c) => ({ ...c, authorizationTimeoutMs: 50 })));
    const created = await client.post("/customers/bob/payments", { amount: 500 });
    await rt.run(() => Config.update((c) => ({ ...c, authorizationTimeoutMs: 60_000 })));
    const id = String(created.body["id"]);
    const voided = await client.get(`/payments/${id}?until=voided&timeout=5000`);
    expect(voided.status).toBe(200);
    expect(voided.body).toMatchObject({ state: "voided" });
    expect((await client.post(`/payments/${id}/capture`)).status).toBe(409);
  });

  test("bad requests get clean errors", async () => {
    expect((await client.post("/customers/carol/payments", { amount: -5 })).status).toBe(400);
    expect((await client.request("POST", "/customers/carol/payments", "{")).status).toBe(400);
    expect((await client.post("/customers/carol/payments", { amount: 200_000 })).status).toBe(402);
    expect((await client.get("/payments/pay-999")).status).toBe(404);
    expect((await client.get("/nowhere")).status).toBe(404);
    expect((await client.get("/payments/pay-1?until=lost")).status).toBe(400);
    expect((await client.get("/payments/pay-1?until=voided&timeout=soon")).status).toBe(400);
  });

  test("a burst over the bucket's capacity is refused with 429 and a retry-after", async () => {
    const replies = await Promise.all(
      Array.from({ length: 7 }, () => client.get("/customers/dave")),
    );
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
    const limited = replies.find((r) => r.status === 429);
    expect(Number(limited?.headers.get("retry-after-ms"))).toBeGreaterThan(0);
  });

  test("a crashing backend gives a partial profile", async () => {
    await rt.run(() => Config.setBackend("loyalty", { mode: "crash" }));
    const reply = await client.get("/customers/erin/profile");
    await rt.run(() => Config.setBackend("loyalty", { mode: "ok" }));
    expect(reply.status).toBe(200);
    expect(reply.body).toMatchObject({ partial: true, missing: ["loyalty"], loyalty: null });
  });

  test("a killed session is restarted; the next request sees the new one", async () => {
    const before = await client.get("/customers/frank");
    await rt.run(async () => {
      const session = whereis(name("session/frank"));
      if (session === undefined) throw new Error("no session");
      exit(session, "kill");
      const sup = whereisCustomer("frank");
      if (sup !== undefined) await Supervisor.countChildren(sup); // after the restart
    });
    const after = await client.get("/customers/frank");
    expect(after.status).toBe(200);
    expect(after.body["pid"]).not.toBe(before.body["pid"]);
    expect(after.body).toMatchObject({ requests: 1, sessionRestarts: 1 });
  });

  test("every request got an answer, and nothing crashed that was not killed on purpose", () => {
    expect(client.unanswered).toEqual([]);
    expect(client.answered).toBe(client.sent);
    const unexpected = reports.filter(
      (r) => r.kind === "warning" || (r.kind === "error" && r["report"] !== "child_terminated"),
    );
    expect(unexpected).toEqual([]);
  });
});
