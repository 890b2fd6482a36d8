// The plain-JS limit for a remote call round trip: two Node OS processes on loopback TCP
// (nodelay), one 32-byte frame each way per round trip, no protocol, codec or runtime.
// `dist.ts`'s call pairs do the same number of round trips through the Erlang distribution.
//   node plain/dist-pingpong.mjs        (SCALE=0.5 for half the round trips)
import { fork } from "node:child_process";
import net from "node:net";
import { fileURLToPath } from "node:url";
import { rate, report, size } from "./common.mjs";

const N = size(40_000);

if (process.argv[2] === "server") {
  const server = net.createServer((socket) => {
    socket.setNoDelay(true);
    socket.on("data", (frame) => socket.write(frame));
    socket.on("error", () => socket.destroy());
  });
  server.listen(0, "127.0.0.1", () => process.send(server.address().port));
  process.on("disconnect", () => process.exit(0));
} else {
  const child = fork(fileURLToPath(import.meta.url), ["server"]);
  const watchdog = setTimeout(() => {
    console.error("dist-pingpong: no answer within 60 s");
    child.kill();
    process.exit(1);
  }, 60_000);
  const port = await new Promise((resolve) => child.once("message", resolve));
  const socket = net.connect(port, "127.0.0.1");
  await new Promise((resolve) => socket.once("connect", resolve));
  socket.setNoDelay(true);
  const frame = Buffer.alloc(32);
  const trips = (n) =>
    new Promise((resolve) => {
      let left = n;
      const onData = () => {
        if (--left === 0) {
          socket.off("data", onData);
          resolve();
        } else socket.write(frame);
      };
      socket.on("data", onData);
      socket.write(frame);
    });
  await trips(Math.max(1, N / 10)); // warm-up
  report("dist_pingpong_plain", await rate(N, () => trips(N)), "round-trips/s");
  socket.destroy();
  clearTimeout(watchdog);
  child.disconnect();
}
