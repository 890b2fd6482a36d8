/**
 * The observer's HTTP server: the page, its JSON API, the live event stream, and the checks
 * every request passes (Host header, access token).
 *
 * @module
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { defaultRuntime, type Pid, type Runtime, Sys } from "@trellis/core";
import {
  pidById,
  processDetail,
  queryRows,
  SORT_KEYS,
  type SortKey,
  tableRows,
  tables,
  trees,
} from "./internal/model.js";
import { render } from "./internal/render.js";
import { Sampler } from "./internal/sampler.js";

/**
 * Options of {@link start}.
 *
 * @example
 * ```ts
 * import * as Observer from "@trellis/observer";
 * const options: Observer.ObserverOptions = { port: 4040, intervalMs: 500, print: false };
 * ```
 * @since 0.1.0
 * @category Observer
 */
export interface ObserverOptions {
  /** The TCP port. Default `0`: a free port chosen by the system (the printed URL has it). */
  readonly port?: number;
  /**
   * The address to listen on. Default `"127.0.0.1"`: only this machine can connect. Another
   * address exposes the observer (and its kill button) to the network: the token is then
   * all that protects it.
   */
  readonly host?: string;
  /** The runtime to observe. Default: the default runtime. */
  readonly runtime?: Runtime;
  /** The access token. Default: 32 random hex characters, new at each start. */
  readonly token?: string;
  /** Milliseconds between live updates. Default `1000`. */
  readonly intervalMs?: number;
  /** Whether to print the URL with `console.log`, or a function to print it. Default `true`. */
  readonly print?: boolean | ((url: string) => void);
}

/**
 * A running observer: its URL (with the token), and `stop`.
 *
 * @example
 * ```ts
 * import * as Observer from "@trellis/observer";
 * const observer = await Observer.start({ print: false });
 * console.log(`open ${observer.url}`);
 * await observer.stop();
 * ```
 * @since 0.1.0
 * @category Observer
 */
export interface Observer {
  /** The page's URL, token included: open it in a browser. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** The access token. */
  readonly token: string;
  /** Stops serving: closes every connection and detaches from the runtime's telemetry. */
  stop(): Promise<void>;
}

const require$ = createRequire(import.meta.url);

/** The static files of the page: the hand-written UI and the library files it imports. */
function assets(): Map<string, { path: string; type: string }> {
  const ui = fileURLToPath(new URL("../ui/", import.meta.url));
  const js = "text/javascript; charset=utf-8";
  return new Map([
    ["/ui/app.js", { path: `${ui}app.js`, type: js }],
    ["/ui/style.css", { path: `${ui}style.css`, type: "text/css; charset=utf-8" }],
    ["/vendor/preact.mjs", { path: require$.resolve("preact"), type: js }],
    ["/vendor/hooks.mjs", { path: require$.resolve("preact/hooks"), type: js }],
    ["/vendor/htm.mjs", { path: join(dirname(require$.resolve("htm")), "htm.mjs"), type: js }],
  ]);
}

const PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Trellis observer</title>
<link rel="stylesheet" href="/ui/style.css">
<script type="importmap">{"imports":{"preact":"/vendor/preact.mjs","preact/hooks":"/vendor/hooks.mjs","htm":"/vendor/htm.mjs"}}</script>
</head>
<body>
<div id="app">Loading…</div>
<script type="module" src="/ui/app.js"></script>
</body>
</html>
`;

const importMapHash = createHash("sha256")
  .update(
    PAGE.slice(
      PAGE.indexOf(">", PAGE.indexOf('<script type="importmap"')) + 1,
      PAGE.indexOf("</script>"),
    ),
  )
  .digest("base64");

const LOOPBACK = new Set(["127.0.0.1", "localhost", "::1", "[::1]"]);

function parseId(s: string): number | undefined {
  return /^\d{1,15}$/.test(s) ? Number(s) : undefined;
}

function intParam(u: URL, name: string, fallback: number, max: number): number {
  const v = u.searchParams.get(name);
  if (v === null || !/^\d{1,9}$/.test(v)) return fallback;
  return Math.min(Number(v), max);
}

/**
 * Starts the observer: a web page showing the runtime live (supervision trees, processes,
 * a process's links, monitors, dictionary, state and first messages, ETS tables, message and
 * scheduler-latency charts) with actions (kill, exit with a reason, suspend and resume)
 * behind a confirmation. It listens on 127.0.0.1 by default, answers only requests whose
 * Host header names that address, and only with the access token that is in the URL it
 * prints. It reads what core and the behaviours publish and costs nothing while no page is
 * open.
 *
 * @example
 * ```ts
 * import * as Observer from "@trellis/observer";
 * const observer = await Observer.start({ port: 4040 });
 * // prints: Trellis observer: http://127.0.0.1:4040/?token=…
 * await observer.stop();
 * ```
 * @throws {Error} (rejects) if the port cannot be listened on
 * @since 0.1.0
 * @category Observer
 */
export async function start(options: ObserverOptions = {}): Promise<Observer> {
  const rt = options.runtime ?? defaultRuntime();
  const host = options.host ?? "127.0.0.1";
  const token = options.token ?? randomBytes(16).toString("hex");
  if (typeof token !== "string" || token.length < 16)
    throw new TypeError("Observer.start: the token must be a string of at least 16 characters");
  const intervalMs = options.intervalMs ?? 1000;
  const files = assets();
  const clients = new Set<ServerResponse>();
  const broadcast = (event: unknown): void => {
    const line = `data: ${JSON.stringify(event)}\n\n`;
    for (const c of clients) c.write(line);
  };
  const sampler = new Sampler(rt, intervalMs, broadcast);
  const handlerId = `trellis-observer-${token.slice(0, 8)}-${randomBytes(4).toString("hex")}`;
  rt.telemetry.attachMany(
    handlerId,
    [
      ["trellis", "supervisor", "child", "restart"],
      ["trellis", "supervisor", "intensity", "exceeded"],
    ],
    (event, _m, meta) => {
      if (event[2] === "child") {
        sampler.restarts++;
        broadcast({
          type: "restart",
          supervisor: String(meta.supervisor),
          id: render(meta.id, 200).text,
          pid: String(meta.pid),
        });
      } else {
        broadcast({ type: "intensity", supervisor: String(meta.supervisor) });
      }
    },
  );
  let port = 0;
  const allowedHosts = (): Set<string> => {
    const names = LOOPBACK.has(host)
      ? [...LOOPBACK]
      : [host, host.includes(":") ? `[${host}]` : host];
    return new Set(names.map((n) => `${n}:${port}`.toLowerCase()));
  };
  let hosts = new Set<string>();
  const tokenBytes = Buffer.from(token);
  const tokenOk = (req: IncomingMessage, u: URL): boolean => {
    const given = req.headers["x-observer-token"] ?? u.searchParams.get("token") ?? "";
    const b = Buffer.from(Array.isArray(given) ? (given[0] ?? "") : given);
    return b.length === tokenBytes.length && timingSafeEqual(b, tokenBytes);
  };

  const server: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent)
        json(res, 500, { error: `observer: ${e instanceof Error ? e.message : String(e)}` });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    res.setHeader("x-content-type-options", "nosniff");
    res.setHeader("referrer-policy", "no-referrer");
    const hostHeader = (req.headers.host ?? "").toLowerCase();
    if (!hosts.has(hostHeader)) {
      return text(
        res,
        403,
        "Forbidden: this observer only answers requests addressed to its own host and port (DNS rebinding protection).",
      );
    }
    const u = new URL(req.url ?? "/", `http://${hostHeader}`);
    const path = u.pathname;
    const file = files.get(path);
    if (file !== undefined && req.method === "GET") {
      res.writeHead(200, { "content-type": file.type, "cache-control": "no-cache" });
      res.end(await readFile(file.path));
      return;
    }
    if (!tokenOk(req, u)) {
      return path.startsWith("/api/")
        ? json(res, 401, {
            error: "a valid access token is required (open the URL the observer printed)",
          })
        : text(
            res,
            401,
            "Unauthorized: open the URL printed by Observer.start; it carries the access token (?token=…).",
          );
    }
    if (path === "/" && req.method === "GET") {
      res.writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "content-security-policy":
          "default-src 'self'; script-src 'self' 'sha256-" +
          importMapHash +
          "'; style-src 'self' 'unsafe-inline'; connect-src 'self'",
      });
      res.end(PAGE);
      return;
    }
    const parts = path.split("/").filter((p) => p !== "");
    if (parts[0] !== "api") return json(res, 404, { error: `no such page: ${path}` });
    const route = parts.slice(1);
    if (req.method === "POST") {
      if (route[0] === "process" && route[2] === "action" && route.length === 3)
        return action(req, res, route[1] ?? "");
      return json(res, 404, { error: `no such action: ${path}` });
    }
    if (req.method !== "GET") return json(res, 405, { error: "method not allowed" });
    switch (route[0]) {
      case "events":
        return events(res);
      case "overview":
        return json(res, 200, {
          node: rt.node,
          processes: rt.processes().length,
          restarts: sampler.restarts,
        });
      case "processes": {
        const sortParam = u.searchParams.get("sort") ?? "id";
        const sort: SortKey = (SORT_KEYS as readonly string[]).includes(sortParam)
          ? (sortParam as SortKey)
          : "id";
        const result = queryRows(await sampler.fresh(), {
          filter: (u.searchParams.get("filter") ?? "").slice(0, 200),
          sort,
          desc: u.searchParams.get("dir") === "desc",
          offset: intParam(u, "offset", 0, 1e9),
          limit: intParam(u, "limit", 100, 1000),
        });
        return json(res, 200, result);
      }
      case "process": {
        const id = parseId(route[1] ?? "");
        const pid = id === undefined ? undefined : pidById(rt, id);
        if (pid === undefined)
          return json(res, 404, {
            error: `no live process with id ${JSON.stringify(route[1] ?? "")}`,
          });
        const detail = await processDetail(rt, pid);
        if (detail === undefined)
          return json(res, 404, { error: `process ${String(pid)} has exited` });
        return json(res, 200, detail);
      }
      case "trees":
        return json(res, 200, await trees(rt));
      case "ets": {
        if (route.length === 1) return json(res, 200, tables(rt));
        const id = parseId(route[1] ?? "");
        if (id === undefined || route[2] !== "rows")
          return json(res, 404, { error: "no such table" });
        const page = tableRows(
          rt,
          id,
          intParam(u, "offset", 0, 1e9),
          intParam(u, "limit", 50, 500),
        );
        return "error" in page
          ? json(res, page.status, { error: page.error })
          : json(res, 200, page);
      }
      default:
        return json(res, 404, { error: `no such endpoint: ${path}` });
    }
  }

  function events(res: ServerResponse): void {
    res.writeHead(200, {
      "content-type": "text/event-stream",
      "cache-control": "no-cache",
      connection: "keep-alive",
    });
    res.write(`retry: 2000\n\n`);
    clients.add(res);
    sampler.start();
    res.on("close", () => {
      clients.delete(res);
      if (clients.size === 0) sampler.stop();
    });
  }

  async function action(req: IncomingMessage, res: ServerResponse, idText: string): Promise<void> {
    if (!(req.headers["content-type"] ?? "").startsWith("application/json"))
      return json(res, 415, { error: "send the action as application/json" });
    let raw = "";
    for await (const chunk of req) {
      raw += String(chunk);
      if (raw.length > 4096) return json(res, 413, { error: "the action body is limited to 4 KB" });
    }
    let body: { action?: unknown; reason?: unknown };
    try {
      body = JSON.parse(raw) as typeof body;
    } catch {
      return json(res, 400, { error: "the body is not valid JSON" });
    }
    const id = parseId(idText);
    const pid: Pid | undefined = id === undefined ? undefined : pidById(rt, id);
    if (pid === undefined)
      return json(res, 404, { error: `no live process with id ${JSON.stringify(idText)}` });
    const special = rt.processInfo(pid)?.behaviour !== undefined;
    try {
      switch (body?.action) {
        case "kill":
          rt.exit(pid, "kill");
          return json(res, 200, { ok: true, done: `sent kill to ${String(pid)}` });
        case "exit": {
          if (
            typeof body.reason !== "string" ||
            body.reason.length === 0 ||
            body.reason.length > 200
          )
            return json(res, 400, {
              error: "exit needs a reason: a string of 1 to 200 characters",
            });
          rt.exit(pid, body.reason);
          return json(res, 200, { ok: true, done: `sent exit(${body.reason}) to ${String(pid)}` });
        }
        case "suspend":
        case "resume":
          if (!special)
            return json(res, 409, {
              error: `${String(pid)} is a plain process: only behaviours can be suspended`,
            });
          await (body.action === "suspend" ? Sys.suspend(pid, 2000) : Sys.resume(pid, 2000));
          return json(res, 200, { ok: true, done: `${body.action}ed ${String(pid)}` });
        default:
          return json(res, 400, { error: "action must be one of kill, exit, suspend, resume" });
      }
    } catch (e) {
      return json(res, 409, { error: e instanceof Error ? e.message : String(e) });
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch((e: unknown) => {
    rt.telemetry.detach(handlerId);
    throw e;
  });
  port = (server.address() as AddressInfo).port;
  hosts = allowedHosts();
  const shownHost = host.includes(":") ? `[${host}]` : host;
  const url = `http://${shownHost}:${port}/?token=${token}`;
  const print = options.print ?? true;
  if (print === true) console.log(`Trellis observer: ${url}`);
  else if (typeof print === "function") print(url);
  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    token,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        rt.telemetry.detach(handlerId);
        sampler.stop();
        for (const c of clients) c.end();
        clients.clear();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, {
    "content-type": "application/json; charset=utf-8",
    "cache-control": "no-store",
  });
  res.end(JSON.stringify(body));
}

function text(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { "content-type": "text/plain; charset=utf-8" });
  res.end(body);
}
