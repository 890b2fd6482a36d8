// The observer's HTTP surface against a live system: access checks, the JSON API, bad input.
import { isAlive } from "@trellis/core";
import * as Observer from "@trellis/observer";
import { afterEach, describe, expect, it } from "vitest";
import { http, type LiveSystem, liveSystem } from "./support.js";

let system: LiveSystem | undefined;
let observer: Observer.Observer | undefined;

afterEach(async () => {
  await observer?.stop();
  await system?.stop();
  observer = undefined;
  system = undefined;
});

async function setUp(
  state?: () => unknown,
): Promise<{ sys: LiveSystem; obs: Observer.Observer; auth: Record<string, string> }> {
  system = await liveSystem(state);
  observer = await Observer.start({ runtime: system.rt, print: false });
  return { sys: system, obs: observer, auth: { "x-observer-token": observer.token } };
}

describe("access", () => {
  it("prints a 127.0.0.1 URL with a token and serves the page with it", async () => {
    system = await liveSystem();
    const printed: string[] = [];
    observer = await Observer.start({ runtime: system.rt, print: (u) => printed.push(u) });
    expect(printed).toEqual([observer.url]);
    expect(observer.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{32}$/);
    const page = await http(observer.port, `/?token=${observer.token}`);
    expect(page.status).toBe(200);
    expect(page.body).toContain('<script type="module" src="/ui/app.js">');
    expect(page.headers["content-security-policy"]).toContain("default-src 'self'");
  });

  it("stop detaches from telemetry and closes the port", async () => {
    const { sys, obs } = await setUp();
    expect(sys.rt.telemetry.listHandlers().length).toBeGreaterThan(0);
    await obs.stop();
    expect(sys.rt.telemetry.listHandlers()).toEqual([]);
    await expect(http(obs.port, `/?token=${obs.token}`)).rejects.toThrow();
  });

  it("refuses a wrong or missing token", async () => {
    const { obs } = await setUp();
    expect((await http(obs.port, "/?token=wrong")).status).toBe(401);
    expect((await http(obs.port, "/")).status).toBe(401);
    const api = await http(obs.port, "/api/processes", {
      headers: { "x-observer-token": "x".repeat(32) },
    });
    expect(api.status).toBe(401);
    expect(JSON.parse(api.body).error).toMatch(/token/);
  });

  it("refuses a foreign Host header even with the right token", async () => {
    const { obs } = await setUp();
    const r = await http(obs.port, `/?token=${obs.token}`, { host: "evil.example:80" });
    expect(r.status).toBe(403);
    expect(r.body).toMatch(/DNS rebinding/);
    expect(
      (await http(obs.port, `/?token=${obs.token}`, { host: `localhost:${obs.port}` })).status,
    ).toBe(200);
  });

  it("serves the UI library from the package's own dependencies", async () => {
    const { obs } = await setUp();
    for (const f of ["/vendor/preact.mjs", "/vendor/hooks.mjs", "/vendor/htm.mjs", "/ui/app.js"]) {
      const r = await http(obs.port, f);
      expect(r.status, f).toBe(200);
      expect(r.headers["content-type"]).toMatch(/javascript/);
    }
  });
});

describe("API", () => {
  it("lists processes sorted and filtered, and the supervision tree", async () => {
    const { sys, obs, auth } = await setUp();
    const worker = await sys.worker();
    const all = JSON.parse(
      (await http(obs.port, "/api/processes?filter=genserver&sort=id", { headers: auth })).body,
    );
    expect(all.rows.map((r: { pid: string }) => r.pid)).toEqual([String(worker)]);
    const byMem = JSON.parse(
      (await http(obs.port, "/api/processes?sort=memory&dir=desc", { headers: auth })).body,
    );
    const mems = byMem.rows.map((r: { memory: number }) => r.memory);
    expect(mems).toEqual([...mems].sort((a: number, b: number) => b - a));
    const trees = JSON.parse((await http(obs.port, "/api/trees", { headers: auth })).body);
    expect(trees).toHaveLength(1);
    expect(trees[0].pid).toBe(String(sys.sup));
    expect(trees[0].children[0]).toMatchObject({
      id: '"worker"',
      pid: String(worker),
      behaviour: "GenServer",
    });
  });

  it("shows a process page with its state, and 404 for an unknown or malformed pid", async () => {
    const { sys, obs, auth } = await setUp();
    const worker = await sys.worker();
    const page = JSON.parse(
      (await http(obs.port, `/api/process/${worker.id}`, { headers: auth })).body,
    );
    expect(page).toMatchObject({
      pid: String(worker),
      behaviour: "GenServer",
      parent: { pid: String(sys.sup) },
    });
    expect(page.state.text).toContain("count: 1");
    for (const bad of ["999999", "abc", "-1", "1e3", "%00"]) {
      const r = await http(obs.port, `/api/process/${bad}`, { headers: auth });
      expect(r.status, bad).toBe(404);
      expect(JSON.parse(r.body).error).toMatch(/no live process/);
    }
  });

  it("renders a cyclic or huge state within the cap", async () => {
    const { sys, obs, auth } = await setUp(() => {
      const cyclic: Record<string, unknown> = {
        name: "loop",
        big: "x".repeat(50_000),
        list: Array.from({ length: 5000 }, (_, i) => i),
      };
      cyclic.self = cyclic;
      return cyclic;
    });
    const worker = await sys.worker();
    const r = await http(obs.port, `/api/process/${worker.id}`, { headers: auth });
    expect(r.status).toBe(200);
    const page = JSON.parse(r.body);
    expect(page.state.truncated).toBe(true);
    expect(page.state.text.length).toBeLessThan(10_100);
    expect(page.state.text).toContain("cut at 10000 characters");
  });

  it("lists ETS tables and pages their rows", async () => {
    const { obs, auth } = await setUp();
    const list = JSON.parse((await http(obs.port, "/api/ets", { headers: auth })).body);
    const t = list.find((x: { name: string }) => x.name === "observer_test_table");
    expect(t).toMatchObject({ size: 120, access: "public" });
    const p2 = JSON.parse(
      (await http(obs.port, `/api/ets/${t.id}/rows?offset=100&limit=50`, { headers: auth })).body,
    );
    expect(p2.total).toBe(120);
    expect(p2.rows).toHaveLength(20);
    expect((await http(obs.port, "/api/ets/424242/rows", { headers: auth })).status).toBe(404);
  });

  it("kills a process; the supervisor restarts it", async () => {
    const { sys, obs, auth } = await setUp();
    const before = await sys.worker();
    const post = (body: string) =>
      http(obs.port, `/api/process/${before.id}/action`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body,
      });
    expect((await post("{not json")).status).toBe(400);
    expect((await post(JSON.stringify({ action: "explode" }))).status).toBe(400);
    expect((await post(JSON.stringify({ action: "exit" }))).status).toBe(400);
    expect((await post(JSON.stringify({ action: "kill" }))).status).toBe(200);
    expect(isAlive(before)).toBe(false);
    const after = await sys.worker();
    expect(after).not.toBe(before);
  });

  it("suspends and resumes a behaviour, and refuses to suspend a plain process", async () => {
    const { sys, obs, auth } = await setUp();
    const w = await sys.worker();
    const act = (id: number, action: string) =>
      http(obs.port, `/api/process/${id}/action`, {
        method: "POST",
        headers: { ...auth, "content-type": "application/json" },
        body: JSON.stringify({ action }),
      });
    expect((await act(w.id, "suspend")).status).toBe(200);
    expect(
      JSON.parse((await http(obs.port, `/api/process/${w.id}`, { headers: auth })).body).status,
    ).toBe("suspended");
    expect((await act(w.id, "resume")).status).toBe(200);
    const plain = sys.rt.spawn(() => new Promise(() => {}));
    const r = await act(plain.id, "suspend");
    expect(r.status).toBe(409);
    expect(JSON.parse(r.body).error).toMatch(/plain process/);
  });

  it("streams stats and restart events over SSE", async () => {
    const { sys, obs } = await setUp();
    const events: { type: string }[] = [];
    const ctl = new AbortController();
    const res = await fetch(`http://127.0.0.1:${obs.port}/api/events?token=${obs.token}`, {
      signal: AbortSignal.any([ctl.signal, AbortSignal.timeout(5000)]),
    });
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const dec = new TextDecoder();
    let buf = "";
    const next = async (type: string): Promise<Record<string, unknown>> => {
      for (;;) {
        const i = buf.indexOf("\n\n");
        if (i >= 0) {
          const chunk = buf.slice(0, i);
          buf = buf.slice(i + 2);
          const line = chunk.split("\n").find((l) => l.startsWith("data: "));
          if (line !== undefined) {
            const ev = JSON.parse(line.slice(6));
            events.push(ev);
            if (ev.type === type) return ev;
          }
          continue;
        }
        const { value, done } = await reader.read();
        if (done) throw new Error("the stream ended");
        buf += dec.decode(value);
      }
    };
    const stats = await next("stats");
    expect(stats.processes).toBe(sys.rt.processes().length);
    sys.rt.exit(await sys.worker(), "kill");
    const restart = await next("restart");
    expect(restart).toMatchObject({ supervisor: String(sys.sup), id: '"worker"' });
    ctl.abort();
  });
});
