// A live system for the observer's tests: a runtime with a supervisor, a GenServer child and
// an ETS table, and an HTTP client that bounds every request.
import { request } from "node:http";
import { createRuntime, type Pid, type Runtime, receive } from "@trellis/core";
import * as Ets from "@trellis/ets-table";
import * as GenServer from "@trellis/gen-server";
import * as Supervisor from "@trellis/supervisor";

export interface Reply {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** One HTTP request to 127.0.0.1:port, with an explicit Host header; fails after 5 s. */
export function http(
  port: number,
  path: string,
  options: { method?: string; host?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: options.method ?? "GET",
        headers: { host: options.host ?? `127.0.0.1:${port}`, ...options.headers },
        timeout: 5000,
      },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on("timeout", () => req.destroy(new Error(`no answer to ${path} within 5 s`)));
    req.on("error", reject);
    req.end(options.body);
  });
}

const { ok, reply, noreply } = GenServer.Result;

type Calls = GenServer.Request<"get", unknown>;

/** A GenServer whose state is whatever its init argument builds. */
const Holder = GenServer.define({
  init: (make: () => unknown) => ok(make()),
  handleCall: (_r: Calls, _f, s: unknown) => reply(s, s),
  handleCast: (_r: never, s: unknown) => noreply(s),
});

export interface LiveSystem {
  readonly rt: Runtime;
  readonly sup: Pid;
  /** The pid of the supervised worker "worker", now. */
  worker(): Promise<Pid>;
  stop(): Promise<void>;
}

/** Starts a supervisor with one GenServer child "worker" and a process that owns a table. */
export async function liveSystem(state: () => unknown = () => ({ count: 1 })): Promise<LiveSystem> {
  const rt = createRuntime({ logger: { log: () => {} } });
  const sup = await rt.run(async () => {
    const s = await Supervisor.start([{ ...GenServer.childSpec(Holder, state), id: "worker" }], {
      strategy: "one_for_one",
      maxRestarts: 100,
      maxSeconds: 1,
    });
    return s as Pid;
  });
  rt.spawn(async () => {
    const t = Ets.create("observer_test_table", { named: true, access: "public" });
    for (let i = 0; i < 120; i++) Ets.insert(t, [`key${i}`, i]);
    await receive(() => false);
  });
  return {
    rt,
    sup,
    async worker() {
      const kids = await rt.run(() => Supervisor.whichChildren(sup));
      const pid = kids[0]?.pid;
      if (typeof pid !== "object") throw new Error("the worker is not running");
      return pid;
    },
    stop: () => rt.shutdown(),
  };
}
