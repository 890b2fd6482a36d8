import { downFor, exit, monitor, receive, sleep, whereis } from "@trellis/core";
import { withRuntime } from "@trellis/core/testing";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as Supervisor from "@trellis/supervisor";
import { describe, expect, test } from "vitest";
import { ensure, sessionRestarts, whereisCustomer, withCustomer } from "../src/customer.js";
import { CUSTOMERS, name, registered } from "../src/names.js";
import * as RateLimiter from "../src/rate-limiter.js";
import * as Session from "../src/session.js";
import { pieces, startPieces, TEST_CONFIG } from "./support.js";

const sessionArgs: Session.SessionArgs = { customer: "ann", idleMs: 1000 };

/** The pieces a customer needs: config, tables, payments, customers. */
const startCustomers = (): Promise<unknown> =>
  startPieces([
    pieces.config(),
    pieces.store(),
    pieces.registry(),
    pieces.payments(),
    pieces.customers(),
  ]);

describe("a session", () => {
  test("stops after its idle time without a request; each request starts the time again", () =>
    withRuntime(async ({ clock }) => {
      await startPieces([pieces.registry()]);
      const session = await Session.startLink(sessionArgs);
      const ref = monitor(session);
      await sleep(600);
      await Session.info("ann");
      await sleep(600);
      Session.touch("ann");
      const lastRequest = clock.now();
      const down = await receive(downFor(ref));
      expect(down.reason).toBe("normal");
      expect(clock.now() - lastRequest).toBe(1000);
    }));

  test("creates and authorizes payments, and counts requests", () =>
    withRuntime(async () => {
      await startPieces([pieces.config(), pieces.store(), pieces.registry(), pieces.payments()]);
      await Session.startLink(sessionArgs);
      const payment = await Session.pay("ann", 700);
      expect(payment).toMatchObject({ customer: "ann", amount: 700, state: "authorized" });
      expect(await Session.info("ann")).toMatchObject({ requests: 2, payments: [payment.id] });
    }));
});

describe("a customer's supervisor", () => {
  test("starts on demand with a rate limiter and a session, named through the registry", () =>
    withRuntime(async () => {
      await startCustomers();
      const sup = await ensure("ann");
      expect(whereisCustomer("ann")).toBe(sup);
      expect(whereis(name("limiter/ann"))).toBeDefined();
      expect(whereis(name("session/ann"))).toBeDefined();
      expect(await ensure("ann")).toBe(sup); // found, not started again
      expect(await RateLimiter.tokens("ann")).toBe(TEST_CONFIG.rateLimit.capacity);
    }));

  test("two requests racing to start a customer get the same supervisor", () =>
    withRuntime(async () => {
      await startCustomers();
      const [a, b, c] = await Promise.all([ensure("bob"), ensure("bob"), ensure("bob")]);
      expect(b).toBe(a);
      expect(c).toBe(a);
      expect((await DynamicSupervisor.countChildren(CUSTOMERS)).active).toBe(1);
    }));

  test("shuts itself down when its session goes idle (autoShutdown), names and all", () =>
    withRuntime(async ({ clock }) => {
      await startCustomers();
      const sup = await ensure("ann");
      const started = clock.now();
      const down = await receive(downFor(monitor(sup)));
      expect(down.reason).toBe("shutdown");
      expect(clock.now() - started).toBe(TEST_CONFIG.sessionIdleMs);
      expect(whereisCustomer("ann")).toBeUndefined();
      expect(registered()).toBe(0);
      expect((await DynamicSupervisor.countChildren(CUSTOMERS)).active).toBe(0);
      // the next request starts the customer afresh
      expect(await ensure("ann")).not.toBe(sup);
    }));

  test("restarts a killed session and leaves the rate limiter alone (one_for_one)", () =>
    withRuntime(async () => {
      await startCustomers();
      const sup = await ensure("ann");
      const limiter = whereis(name("limiter/ann"));
      const session = whereis(name("session/ann"));
      if (session === undefined) throw new Error("no session");
      await Session.info("ann");
      exit(session, "kill");
      await Supervisor.countChildren(sup); // answered after the restart
      const restarted = whereis(name("session/ann"));
      expect(restarted).toBeDefined();
      expect(restarted).not.toBe(session);
      expect(whereis(name("limiter/ann"))).toBe(limiter);
      expect(await Session.info("ann")).toMatchObject({ requests: 1 }); // a fresh state
      expect(await sessionRestarts("ann")).toBe(1);
    }));

  test("withCustomer retries a request that found the session gone", () =>
    withRuntime(async () => {
      await startCustomers();
      await ensure("ann");
      const session = whereis(name("session/ann"));
      if (session === undefined) throw new Error("no session");
      exit(session, "kill");
      // the call may reach the name before the restart: withCustomer waits and retries
      const info = await withCustomer("ann", () => Session.info("ann"));
      expect(info.pid).not.toBe(String(session));
    }));
});
