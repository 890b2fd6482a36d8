// The HTTP API, on node:http. The listener is a GenServer under the root supervisor: it
// owns the server socket, and the socket is closed by the listener's abortSignal(), which
// core aborts when the process exits for any reason (a supervisor's "shutdown", a crash, a
// kill). Each request is handled in a process of its own (as cowboy and Bandit do), spawned
// and monitored by the listener: the handler can wait on calls, sessions and tasks without
// holding up other requests, and if it crashes the listener still answers 500.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import {
  abortSignal,
  CallError,
  CallTimeoutError,
  currentRuntime,
  DownMessage,
  NoProcessError,
  type Ref,
  self,
  spawnMonitor,
} from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as GenServer from "@trellis/gen-server";
import { sessionRestarts, withCustomer } from "./customer.js";
import { metrics, notify } from "./events.js";
import { HTTP, PAYMENTS } from "./names.js";
import * as Payment from "./payment.js";
import { profile } from "./profile.js";
import * as RateLimiter from "./rate-limiter.js";
import * as Session from "./session.js";
import { ledgerRow } from "./store.js";

/** An HTTP answer: a status, a JSON body, and extra headers. */
export interface Answer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

const answer = (status: number, body: unknown, headers?: Record<string, string>): Answer =>
  headers === undefined ? { status, body } : { status, body, headers };

/** A request the server hands to the listener process. */
class IncomingRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  constructor(req: IncomingMessage, res: ServerResponse) {
    this.req = req;
    this.res = res;
  }
}

// -----------------------------------------------------------------------------------------
// Routes

async function readJson(req: IncomingMessage): Promise<unknown> {
  let text = "";
  for await (const chunk of req) text += String(chunk);
  if (text === "") return {};
  return JSON.parse(text) as unknown;
}

function amountOf(body: unknown): number | undefined {
  if (typeof body !== "object" || body === null || !("amount" in body)) return undefined;
  const { amount } = body;
  return typeof amount === "number" && Number.isInteger(amount) && amount > 0 ? amount : undefined;
}

/** Runs `fn` for a customer request once the customer's rate limiter gave a token. */
function limited(customer: string, fn: () => Promise<Answer>): Promise<Answer> {
  return withCustomer(customer, async () => {
    const take = await RateLimiter.take(customer);
    if (!take.ok) {
      return answer(
        429,
        { error: "rate limited", retryAfterMs: take.retryAfterMs },
        { "retry-after-ms": String(take.retryAfterMs) },
      );
    }
    return fn();
  });
}

const SETTLED = "its process has retired; the ledger keeps its final state";

/**
 * Runs an operation on a payment's machine. If the machine died under the call (killed,
 * crashed) or is not running, ask the payments supervisor something: its answer comes after
 * it has handled the exit, and so after the restart of a machine that was in flight. Then a
 * running machine is asked once more (a machine handles a request and replies in one step,
 * so a request that got no reply was not handled), and a retired one is answered from the
 * ledger.
 */
async function onPayment(
  id: string,
  op: "status" | "capture" | "refund",
  run: () => Promise<Payment.PaymentView | Payment.Refused>,
): Promise<Answer> {
  const toAnswer = (r: Payment.PaymentView | Payment.Refused): Answer =>
    Payment.isRefused(r) ? answer(409, r) : answer(200, r);
  try {
    return toAnswer(await run());
  } catch (e) {
    if (!(e instanceof NoProcessError || e instanceof CallError)) throw e;
  }
  const row = ledgerRow(id);
  if (row === undefined) return answer(404, { error: `no payment ${id}` });
  await DynamicSupervisor.countChildren(PAYMENTS); // answered after any restart
  if (Payment.isRunning(id)) return toAnswer(await run());
  const [, customer, amount, state] = row;
  if (op === "status") return answer(200, { id, customer, amount, state, retired: true });
  return answer(409, { error: `cannot ${op} payment ${id}: it is ${state}, ${SETTLED}`, state });
}

/** Routes one request to its answer. */
export async function route(method: string, url: URL, req: IncomingMessage): Promise<Answer> {
  const parts = url.pathname.split("/").filter((p) => p !== "");
  const [first, id, action] = parts;
  if (method === "GET" && url.pathname === "/health") return answer(200, { ok: true });
  if (method === "GET" && url.pathname === "/metrics") return answer(200, await metrics());

  if (first === "customers" && id !== undefined && parts.length <= 3) {
    if (method === "GET" && action === undefined) {
      return limited(id, async () => {
        const info = await Session.info(id);
        return answer(200, { ...info, sessionRestarts: await sessionRestarts(id) });
      });
    }
    if (method === "POST" && action === "payments") {
      const amount = amountOf(await readJson(req));
      if (amount === undefined) {
        return answer(400, { error: "expected a JSON body { amount } in cents (an integer > 0)" });
      }
      return limited(id, async () => {
        const payment = await Session.pay(id, amount);
        return answer(payment.state === "declined" ? 402 : 201, payment);
      });
    }
    if (method === "GET" && action === "profile") {
      return limited(id, async () => {
        Session.touch(id);
        const { profile: p, source } = await profile(id);
        return answer(200, { ...p, partial: p.missing.length > 0, source });
      });
    }
  }

  if (first === "payments" && id !== undefined && parts.length <= 3) {
    if (method === "GET" && action === undefined) {
      const until = url.searchParams.get("until");
      if (until === null) return onPayment(id, "status", () => Payment.status(id));
      const timeout = Number(url.searchParams.get("timeout") ?? "5000");
      if (!Payment.isState(until) || !(timeout >= 0 && timeout <= 60_000)) {
        return answer(400, {
          error: "until must be a payment state, timeout a number of ms from 0 to 60000",
        });
      }
      const target = until;
      try {
        return await onPayment(id, "status", () => Payment.awaitState(id, target, timeout));
      } catch (e) {
        if (!(e instanceof CallTimeoutError)) throw e;
        return answer(408, { error: `payment ${id} is not ${until} after ${timeout} ms` });
      }
    }
    if (method === "POST" && action === "capture") {
      return onPayment(id, "capture", () => Payment.capture(id));
    }
    if (method === "POST" && action === "refund") {
      return onPayment(id, "refund", () => Payment.refund(id));
    }
  }
  return answer(404, { error: `no route for ${method} ${url.pathname}` });
}

/** What a failure inside the service means to the client. */
function failure(e: unknown): Answer {
  if (e instanceof SyntaxError) return answer(400, { error: `bad JSON: ${e.message}` });
  if (e instanceof CallTimeoutError) return answer(504, { error: "the service took too long" });
  if (e instanceof NoProcessError) {
    return answer(503, { error: "a process it needs is restarting; try again" });
  }
  if (e instanceof CallError) {
    return answer(503, {
      error: "the process handling it crashed and is being restarted; try again",
    });
  }
  throw e; // a bug: let the handler crash, the listener answers 500
}

function send(res: ServerResponse, a: Answer): void {
  if (res.headersSent) return;
  res.writeHead(a.status, { "content-type": "application/json", ...a.headers });
  res.end(JSON.stringify(a.body));
}

/** The body of a request's process. */
async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const started = currentRuntime().now();
  const method = req.method ?? "GET";
  const url = new URL(req.url ?? "/", "http://localhost");
  let a: Answer;
  try {
    a = await route(method, url, req);
  } catch (e) {
    a = failure(e);
  }
  send(res, a);
  const ms = currentRuntime().now() - started;
  notify({ type: "http", method, path: url.pathname, status: a.status, ms });
}

// -----------------------------------------------------------------------------------------
// The listener

interface ListenerState {
  readonly server: Server;
  readonly port: number;
  /** The requests being handled, by the monitor of their process. */
  readonly inFlight: Map<
    Ref,
    { readonly req: IncomingMessage; readonly res: ServerResponse; readonly started: number }
  >;
}

type ListenerCall = GenServer.Request<{ type: "port" }, number>;

const Listener = GenServer.define({
  async init(options: { port: number; host: string }) {
    const rt = currentRuntime();
    const listener = self();
    const server = createServer((req, res) => rt.send(listener, new IncomingRequest(req, res)));
    const signal = abortSignal(); // aborted when this process exits, whatever the reason
    signal.addEventListener("abort", () => server.closeAllConnections());
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen({ port: options.port, host: options.host, signal }, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    return GenServer.Result.ok<ListenerState>({ server, port, inFlight: new Map() });
  },

  handleCall: (_request: ListenerCall, _from, s) => GenServer.Result.reply(s.port, s),

  handleInfo(message, s) {
    if (message instanceof IncomingRequest) {
      const { req, res } = message;
      const [, ref] = spawnMonitor(() => handle(req, res));
      // the map is mutated in place: the state is only ever seen by this process
      s.inFlight.set(ref, { req, res, started: currentRuntime().now() });
    } else if (message instanceof DownMessage) {
      const request = s.inFlight.get(message.ref);
      s.inFlight.delete(message.ref);
      if (request !== undefined && !request.res.headersSent) {
        send(request.res, answer(500, { error: "internal error: the request's process crashed" }));
        const { pathname } = new URL(request.req.url ?? "/", "http://localhost");
        const ms = currentRuntime().now() - request.started;
        notify({
          type: "http",
          method: request.req.method ?? "GET",
          path: pathname,
          status: 500,
          ms,
        });
      }
    }
    return GenServer.Result.noreply(s);
  },
});

/** The listener's child spec: on `port` (0: any free port) of the loopback interface. */
export function childSpec(port: number): GenServer.ChildSpec {
  return GenServer.childSpec(Listener, { port, host: "127.0.0.1" }, { id: "http", name: HTTP });
}

/** The port the API listens on. */
export function port(): Promise<number> {
  return GenServer.call(GenServer.named(Listener, HTTP), { type: "port" });
}
