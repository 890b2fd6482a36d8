import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createConnection } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BadArgumentError, createRuntime } from "@trellis/core";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digest } from "../src/cookie.js";
import { Flag, MANDATORY, OURS } from "../src/flags.js";
import { HandshakeError, initiate } from "../src/handshake.js";
import { type PortMapper, readErlangCookie, startNode, startPortMapper } from "../src/index.js";
import { connectSocket, SocketReader } from "../src/net/reader.js";
import { Cluster, until } from "./support/nodes.js";

let mapper: PortMapper;
let cluster: Cluster;
beforeEach(async () => {
  mapper = await startPortMapper({ port: 0 });
  cluster = new Cluster({ cookie: "hs-cookie", epmd: { port: mapper.port } });
});
afterEach(async () => {
  await cluster.cleanup();
  await mapper.close();
});

describe("cookie", () => {
  it("digests as dist_util:gen_digest/2: md5 of the cookie then the challenge in decimal", async () => {
    const { createHash } = await import("node:crypto");
    expect(digest(4294967295, "abc")).toEqual(createHash("md5").update("abc4294967295").digest());
  });

  it("reads ~/.erlang.cookie, and there is no default", async () => {
    const home = mkdtempSync(join(tmpdir(), "trellis-home-"));
    try {
      expect(() => readErlangCookie(home)).toThrow(BadArgumentError);
      writeFileSync(join(home, ".erlang.cookie"), "SECRETCOOKIE\n");
      expect(readErlangCookie(home)).toBe("SECRETCOOKIE");
      writeFileSync(join(home, ".erlang.cookie"), "\n");
      expect(() => readErlangCookie(home)).toThrow(/empty/);
    } finally {
      rmSync(home, { recursive: true, force: true });
    }
  });

  it("startNode needs a named runtime and a non-empty cookie", async () => {
    await expect(startNode(createRuntime(), { cookie: "c", epmd: false })).rejects.toThrow(
      /node name/,
    );
    await expect(
      startNode(createRuntime({ node: "x@127.0.0.1" }), { cookie: "", epmd: false }),
    ).rejects.toThrow(/cookie/);
  });

  it("startNode takes busyWait as milliseconds from 0 to 1000, and nothing else", async () => {
    const rt = createRuntime({ node: "bw@127.0.0.1" });
    for (const busyWait of [-1, Number.NaN, Number.POSITIVE_INFINITY, 1001, "1" as never]) {
      await expect(startNode(rt, { cookie: "c", epmd: false, busyWait })).rejects.toThrow(
        /busyWait must be a number of milliseconds from 0 to 1000/,
      );
    }
    await rt.shutdown();
  });
});

describe("handshake", () => {
  it("advertises OTP 25's mandatory flags and the ones this node needs", () => {
    expect(MANDATORY).toBe(0x1070f94n);
    expect(OURS & MANDATORY).toBe(MANDATORY);
    for (const f of [
      Flag.DIST_MONITOR,
      Flag.DIST_MONITOR_NAME,
      Flag.UNLINK_ID,
      Flag.ALIAS,
      Flag.V4_NC,
      Flag.MANDATORY_25_DIGEST,
    ]) {
      expect(OURS & f).toBe(f);
    }
    expect(OURS & Flag.PUBLISHED).toBe(0n); // hidden
  });

  it("refuses a peer that lacks mandatory flags, with a log line", async () => {
    const a = await cluster.start("a");
    const socket = await connectSocket("127.0.0.1", a.node.port, 2000, createConnection);
    cluster.defer(() => void socket.destroy());
    const old = OURS & ~Flag.MAP_TAG & ~Flag.MANDATORY_25_DIGEST;
    const attempt = initiate(
      socket,
      new SocketReader(socket),
      { name: "old@127.0.0.1", creation: 1, cookie: "hs-cookie", flags: old, timeoutMs: 2000 },
      "a@127.0.0.1",
    );
    await expect(attempt).rejects.toThrow(HandshakeError);
    await expect(attempt).rejects.toThrow(/not_allowed/);
    await until(() => a.logs.some((r) => /MAP_TAG/.test(r.message)));
    expect(a.node.nodes()).toEqual([]);
  });

  it("a handshake that stalls is dropped after setupTime", async () => {
    const a = await cluster.start("a", { setupTime: 200 });
    const socket = await connectSocket("127.0.0.1", a.node.port, 2000, createConnection);
    cluster.defer(() => void socket.destroy());
    const closed = new Promise<void>((resolve) => socket.on("close", () => resolve()));
    socket.on("error", () => {});
    socket.write(Uint8Array.of(0, 50, 0x4e)); // announces 50 bytes, sends 1
    await closed;
    expect(a.logs.map((r) => r.message).join("\n")).toMatch(/timed out/);
  });

  it("simultaneous connects end with one connection each way", async () => {
    const a = await cluster.start("a");
    const b = await cluster.start("b");
    const [x, y] = await Promise.all([
      a.node.connect("b@127.0.0.1"),
      b.node.connect("a@127.0.0.1"),
    ]);
    expect(x && y).toBe(true);
    await until(() => a.node.nodes().length === 1 && b.node.nodes().length === 1);
    expect(await a.node.ping("b@127.0.0.1")).toBe("pong");
    expect(await b.node.ping("a@127.0.0.1")).toBe("pong");
  });
});
