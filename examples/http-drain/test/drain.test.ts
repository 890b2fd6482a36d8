// The drain, with real sockets on the loopback address: requests in flight are answered,
// new connections are refused, and only then does the tree stop; a drain longer than the
// listener's shutdown time is cut. Every wait is bounded; everything started is stopped.

import { type ChildProcess, spawn } from "node:child_process";
import { request } from "node:http";
import { fileURLToPath } from "node:url";
import * as Application from "@trellis/application";
import { createRuntime, type LogReport, type Runtime } from "@trellis/core";
import { afterEach, expect, test } from "vitest";
import { HttpDrain, output } from "../src/app.js";
import { port } from "../src/listener.js";

const WAIT_MS = 20_000;

interface Reply {
  readonly status: number;
  readonly body: string;
  readonly connection: string | undefined;
}

/** One GET on a fresh connection; rejects with the socket error (ECONNREFUSED…). */
function get(p: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: "127.0.0.1", port: p, path, agent: false, timeout: WAIT_MS },
      (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (c: string) => {
          body += c;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body, connection: res.headers.connection }),
        );
        res.on("error", reject);
      },
    );
    req.on("timeout", () => req.destroy(new Error("timed out")));
    req.on("error", reject);
    req.end();
  });
}

/** Collects the service's lines; `until(line)` waits (bounded) for one. */
function lines() {
  const seen: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  output.log = (line) => {
    seen.push(line);
    for (const w of waiters) if (w.line === line) w.resolve();
  };
  const until = (line: string): Promise<void> =>
    seen.includes(line)
      ? Promise.resolve()
      : new Promise<void>((resolve, reject) => {
          const t = setTimeout(
            () => reject(new Error(`no line "${line}" in ${JSON.stringify(seen)}`)),
            WAIT_MS,
          );
          waiters.push({
            line,
            resolve: () => {
              clearTimeout(t);
              resolve();
            },
          });
        });
  return { seen, until };
}

let runtime: Runtime | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  if (runtime !== undefined) {
    await Application.stopAll({ runtime });
    await runtime.shutdown();
    runtime = undefined;
  }
  if (child !== undefined && child.exitCode === null && child.signalCode === null)
    child.kill("SIGKILL");
  child = undefined;
  output.log = (line) => console.log(line);
});

async function startService(
  drainMs: number,
): Promise<{ p: number; rt: Runtime; reports: LogReport[] }> {
  const reports: LogReport[] = [];
  const rt = createRuntime({ logger: { log: (r) => void reports.push(r) } });
  runtime = rt;
  await Application.start(HttpDrain, {
    runtime: rt,
    variables: { PORT: "0", DRAIN_MS: String(drainMs) },
  });
  return { p: await rt.run(() => port()), rt, reports };
}

test(
  "stop: requests in flight are answered, new connections refused, then the tree stops",
  async () => {
    const { seen, until } = lines();
    const { p, rt, reports } = await startService(10_000);
    expect(await get(p, "/hello")).toMatchObject({ status: 200, body: "/hello done\n" });
    const slow = get(p, "/slow?ms=300");
    await until("GET /slow?ms=300"); // it is in flight
    const stopped = Application.stop(HttpDrain, { runtime: rt });
    await until("draining: 1 request(s) in flight, no new connections");
    await expect(get(p, "/hello")).rejects.toMatchObject({ code: "ECONNREFUSED" });
    const answer = await slow;
    expect(answer).toEqual({
      status: 200,
      body: "/slow done\n",
      connection: "close",
    });
    await stopped;
    expect(seen.slice(-3)).toEqual([
      "draining: 1 request(s) in flight, no new connections",
      "drained: every request in flight was answered",
      "stopped",
    ]);
    // OTP's info report of a stopped application; no crash or error report
    expect(reports.map((r) => `${r.kind}: ${r.message}`)).toContain(
      "info: application http_drain exited: stopped (type temporary)",
    );
    expect(reports.filter((r) => r.kind !== "info")).toEqual([]);
  },
  WAIT_MS * 2,
);

test(
  "a drain longer than the listener's shutdown time is cut: the tree stops anyway",
  async () => {
    const { until } = lines();
    const { p, rt, reports } = await startService(200);
    const slow = get(p, "/slow?ms=60000");
    await until("GET /slow?ms=60000");
    const t0 = performance.now();
    await Application.stop(HttpDrain, { runtime: rt });
    expect(performance.now() - t0).toBeLessThan(5000);
    await expect(slow).rejects.toMatchObject({ code: "ECONNRESET" });
    expect(reports.map((r) => r.message)).toContain(
      "application http_drain exited: stopped (type temporary)",
    );
  },
  WAIT_MS * 2,
);

test(
  "as a service: SIGTERM drains the request in flight, then the process exits 0",
  async () => {
    const main = fileURLToPath(new URL("../src/main.ts", import.meta.url));
    const root = fileURLToPath(new URL("../../..", import.meta.url));
    const c = spawn(process.execPath, ["--conditions=@trellis/source", "--import", "tsx", main], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
      env: { ...process.env, PORT: "0" },
    });
    child = c;
    const exited = new Promise<number | null>((resolve) => c.once("exit", (code) => resolve(code)));
    let out = "";
    const waitFor = (pattern: RegExp): Promise<RegExpMatchArray> =>
      new Promise((resolve, reject) => {
        const t = setTimeout(() => reject(new Error(`no ${pattern} in ${out}`)), WAIT_MS);
        const check = (): void => {
          const m = out.match(pattern);
          if (m !== null) {
            clearTimeout(t);
            resolve(m);
          }
        };
        c.stdout?.on("data", (chunk: Buffer) => {
          out += chunk.toString("utf8");
          check();
        });
        check();
      });
    const [, listening] = await waitFor(/listening on http:\/\/127\.0\.0\.1:(\d+)/);
    const p = Number(listening);
    const slow = get(p, "/slow?ms=500");
    await waitFor(/GET \/slow\?ms=500/);
    c.kill("SIGTERM");
    expect(await slow).toMatchObject({ status: 200, connection: "close" });
    const code = await Promise.race([
      exited,
      new Promise<never>((_, reject) => setTimeout(() => reject(new Error("no exit")), WAIT_MS)),
    ]);
    expect(code).toBe(0);
    expect(out).toContain("drained: every request in flight was answered\nstopped\n");
  },
  WAIT_MS * 3,
);
