// Remote GenServer calls (by {name, node}, as gen_server:call({Name, Node}, …) does) and
// one-way sends over the Erlang distribution on loopback, each client and server in its own
// OS process: Trellis → Trellis, Trellis → BEAM, BEAM → Trellis, BEAM → BEAM. The BEAM
// rows need `erl` and `erlc` on the PATH (skipped with a note otherwise).
// DIST_BUSY_WAIT=<ms> sets the Trellis nodes' `busyWait` (default: the package's; 0 turns
// polling off), and is passed on to the Trellis server process.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRuntime, receive, self } from "@trellis/core";
import { atom, startNode, startPortMapper } from "@trellis/distribution";
import { rate, report, size } from "./common.js";

const CALLS = size(20_000);
const SENDS = size(200_000);
const cookie = `bench-${process.pid}`;
const here = (p: string): string => fileURLToPath(new URL(p, import.meta.url));
const mapper = await startPortMapper({ port: 0 });
const env = { ...process.env, ERL_EPMD_PORT: String(mapper.port) };
const children: ChildProcess[] = [];
// also when this process dies early (a closed stdout pipe, an uncaught error)
process.on("exit", () => {
  for (const c of children) c.kill("SIGKILL");
});

function start(
  cmd: string,
  args: string[],
  ready: RegExp,
): Promise<{ child: ChildProcess; lines: string[] }> {
  const child = spawn(cmd, args, { env, stdio: ["ignore", "pipe", "inherit"] });
  children.push(child);
  const lines: string[] = [];
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error(`${cmd} did not start within 60 s`)), 60_000);
    let buf = "";
    child.stdout?.setEncoding("utf8");
    child.stdout?.on("data", (chunk: string) => {
      buf += chunk;
      const parts = buf.split("\n");
      buf = parts.pop() ?? "";
      lines.push(...parts);
      if (parts.some((l) => ready.test(l))) {
        clearTimeout(t);
        resolve({ child, lines });
      }
    });
    child.on("exit", (code) => {
      clearTimeout(t);
      reject(new Error(`${cmd} exited (${code}): ${lines.join(" | ")}`));
    });
  });
}

async function trellisClient(server: string): Promise<{ calls: number; sends: number }> {
  const rt = createRuntime({
    node: `tcli${children.length}@127.0.0.1`,
    creation: 1 + (Date.now() % 2 ** 30),
  });
  const busy = process.env.DIST_BUSY_WAIT;
  const node = await startNode(rt, {
    cookie,
    epmd: { port: mapper.port },
    ...(busy === undefined ? {} : { busyWait: Number(busy) }),
  });
  const echo = { name: "bench_echo", node: server };
  const sink = { name: "bench_sink", node: server };
  const inc = atom("inc");
  const result = await rt.run(async () => {
    for (let i = 0; i < CALLS / 10; i++) await node.call(echo, [inc, i]);
    const calls = await rate(CALLS, async () => {
      for (let i = 0; i < CALLS; i++) await node.call(echo, [inc, i]);
    });
    const count = async (): Promise<number> => {
      node.send(sink, [atom("count"), self()]);
      const m = (await receive((x) => Array.isArray(x) && x[0] === atom("count"), {
        timeout: 60_000,
      })) as [unknown, number];
      return m[1];
    };
    const before = await count();
    const msg = atom("msg");
    const sends = await rate(SENDS, async () => {
      for (let i = 0; i < SENDS; i++) {
        node.send(sink, [msg, i]);
        if (i % 1000 === 999) await new Promise((resolve) => setImmediate(resolve));
      }
      const after = await count();
      if (after !== before + SENDS)
        throw new Error(`the sink counted ${after - before} of ${SENDS}`);
    });
    return { calls, sends };
  });
  await node.stop();
  await rt.shutdown();
  return result;
}

try {
  const tsx = [
    "--conditions=@trellis/source",
    "--import",
    "tsx",
    here("./dist-server.ts"),
    String(mapper.port),
    cookie,
  ];
  await start(process.execPath, tsx, /^READY$/);
  const tt = await trellisClient("tsrv@127.0.0.1");
  report("dist_call_trellis_trellis", tt.calls, "calls/s");
  report("dist_send_trellis_trellis", tt.sends, "msgs/s");

  let erl = true;
  try {
    execFileSync("erl", ["-noshell", "-eval", "halt()."], { stdio: "ignore" });
  } catch {
    erl = false;
    console.log("# erl/erlc not found: BEAM rows skipped");
  }
  if (erl) {
    const dir = mkdtempSync(join(tmpdir(), "trellis-bench-"));
    try {
      execFileSync("erlc", ["-o", dir, here("../../beam/dist_bench.erl")]);
      const erlArgs = (name: string, eval$: string): string[] => [
        "-noshell",
        "-name",
        `${name}@127.0.0.1`,
        "-setcookie",
        cookie,
        "-start_epmd",
        "false",
        "-kernel",
        "inet_dist_use_interface",
        "{127,0,0,1}",
        "-pa",
        dir,
        "-eval",
        eval$,
      ];
      await start("erl", erlArgs("esrv", "dist_bench:serve()."), /^READY$/);
      const tb = await trellisClient("esrv@127.0.0.1");
      report("dist_call_trellis_beam", tb.calls, "calls/s");
      report("dist_send_trellis_beam", tb.sends, "msgs/s");
      for (const [label, server] of [
        ["beam_trellis", "tsrv"],
        ["beam_beam", "esrv"],
      ] as const) {
        const { lines } = await start(
          "erl",
          erlArgs(
            `ecli_${server}`,
            `dist_bench:client('${server}@127.0.0.1', ${CALLS}, ${SENDS}), io:format("DONE~n"), halt().`,
          ),
          /^DONE$/,
        );
        const value = (key: string): number =>
          Number(lines.find((l) => l.startsWith(`${key} `))?.split(" ")[1]);
        report(`dist_call_${label}`, value("calls"), "calls/s");
        report(`dist_send_${label}`, value("sends"), "msgs/s");
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
} finally {
  for (const c of children) c.kill("SIGKILL");
  await mapper.close();
}
