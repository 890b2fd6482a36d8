// The plain-JS limit for a remote call round trip: two Node OS processes on loopback TCP
// (nodelay), one 32-byte frame each way per round trip, no protocol, codec or runtime.
// `dist.ts`'s call pairs do the same number of round trips through the Erlang distribution.
//   node plain/dist-pingpong.mjs        (SCALE=0.5 for half the round trips)
//   PINGPONG=onread node plain/dist-pingpong.mjs
// Two modes: `stream` (default: `data` events and `socket.write`, Node's stream layer) and
// `onread` (below the stream layer: each side reads into one static buffer through the
// socket's `onread` option and writes with `socket.write`, as the distribution does once
// its handshake is over). Besides round trips per second it prints the CPU time (user +
// system) of both processes per round trip. PINGPONG_IN_PROCESS=1 runs both ends in this one
// process, as `src/trellis/dist-cpu.ts` runs its two nodes, for a CPU floor comparable to it.
// PINGPONG_BUSY_WAIT=<ms> makes both ends keep their event loop polling for that long after
// each write (a chain of `setImmediate`s, as a Trellis node's `busyWait` does, without its
// back-off): the floor of a round trip that wakes no sleeping process.
import { fork } from "node:child_process";
import net from "node:net";
import { cpuUsage } from "node:process";
import { fileURLToPath } from "node:url";
import { rate, report, size } from "./common.mjs";

const N = size(40_000);
const MODE = process.env.PINGPONG ?? "stream";
if (MODE !== "stream" && MODE !== "onread") throw new Error(`PINGPONG=${MODE}?`);
const onread = MODE === "onread";
const FRAME = 32;
const IN_PROCESS = process.env.PINGPONG_IN_PROCESS === "1";
const BUSY_WAIT = Number(process.env.PINGPONG_BUSY_WAIT ?? 0);
let pollUntil = 0;
let polling = false;
const poll = () => {
  if (performance.now() < pollUntil) setImmediate(poll);
  else polling = false;
};
/** After a write: keep the event loop polling for BUSY_WAIT ms. */
function busyWait() {
  if (BUSY_WAIT === 0) return;
  pollUntil = performance.now() + BUSY_WAIT;
  if (!polling) {
    polling = true;
    setImmediate(poll);
  }
}

/** Counts bytes read into frames of FRAME bytes (a read may hold several, or a part). */
function frames(onFrame) {
  let partial = 0;
  return (nread) => {
    const n = partial + nread;
    partial = n % FRAME;
    for (let k = (n - partial) / FRAME; k > 0; k--) onFrame();
  };
}

/**
 * The accepted socket again, created with `onread` around the same handle (Node's servers
 * have no `onread` option; the distribution does the same for the sockets it accepts).
 */
function withOnread(accepted, callback) {
  const handle = accepted._handle;
  accepted._handle = null;
  accepted.destroy();
  return new net.Socket({
    handle,
    readable: true,
    writable: true,
    onread: { buffer: Buffer.alloc(64 * 1024), callback },
  });
}

/** The echo server: answers each read with as many bytes; `onPort` gets its port. */
function listen(onPort) {
  const server = net.createServer({ pauseOnConnect: onread }, (accepted) => {
    let socket = accepted;
    const echo = (n) => {
      socket.write(n === FRAME ? frame : Buffer.alloc(n));
      busyWait();
    };
    const frame = Buffer.alloc(FRAME);
    if (onread) socket = withOnread(accepted, (n) => echo(n));
    else socket.on("data", (chunk) => echo(chunk.length));
    socket.setNoDelay(true);
    socket.on("error", () => socket.destroy());
  });
  server.listen(0, "127.0.0.1", () => onPort(server.address().port));
  return server;
}

if (process.argv[2] === "server") {
  listen((port) => process.send({ port }));
  process.on("message", () => {
    const c = cpuUsage();
    process.send({ cpu: c.user + c.system });
  });
  process.on("disconnect", () => process.exit(0));
} else {
  let server;
  let child;
  let port;
  if (IN_PROCESS) {
    port = await new Promise((resolve) => {
      server = listen(resolve);
    });
  } else {
    child = fork(fileURLToPath(import.meta.url), ["server"]);
  }
  const watchdog = setTimeout(() => {
    console.error("dist-pingpong: no answer within 60 s");
    child?.kill();
    process.exit(1);
  }, 60_000);
  const fromChild = () => new Promise((resolve) => child.once("message", resolve));
  if (!IN_PROCESS) ({ port } = await fromChild());
  let onFrame = () => {};
  const count = frames(() => onFrame());
  const socket = onread
    ? net.connect({
        port,
        host: "127.0.0.1",
        onread: { buffer: Buffer.alloc(64 * 1024), callback: (n) => count(n) },
      })
    : net.connect(port, "127.0.0.1");
  if (!onread) socket.on("data", (chunk) => count(chunk.length));
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.setNoDelay(true);
  const frame = Buffer.alloc(FRAME);
  const trips = (n) =>
    new Promise((resolve) => {
      let left = n;
      onFrame = () => {
        if (--left === 0) resolve();
        else {
          socket.write(frame);
          busyWait();
        }
      };
      socket.write(frame);
    });
  const childCpu = async () => {
    if (IN_PROCESS) return 0; // this process's CPU already counts both ends
    const answer = fromChild();
    child.send("cpu");
    return (await answer).cpu;
  };
  await trips(Math.max(1, N / 10)); // warm-up
  const s0 = await childCpu();
  const c0 = cpuUsage();
  const perSecond = await rate(N, () => trips(N));
  const c = cpuUsage(c0);
  const s = (await childCpu()) - s0;
  const name = `dist_pingpong_plain_${MODE}${IN_PROCESS ? "_in_process" : ""}${BUSY_WAIT > 0 ? "_busy_wait" : ""}`;
  report(name, perSecond, "round-trips/s");
  report(`${name}_cpu`, (c.user + c.system + s) / N, "us/round-trip");
  socket.destroy();
  clearTimeout(watchdog);
  if (IN_PROCESS) server.close();
  else child.disconnect();
}
