/**
 * The distribution handshake, version 6 (OTP 23+), in both roles, with the cookie
 * challenge (erl_dist_protocol, "Distribution Handshake"). Every message has a 2-byte
 * length; every wait has a deadline.
 *
 * @internal
 * @module
 */
import { randomInt, timingSafeEqual } from "node:crypto";
import type { Socket } from "node:net";
import { digest } from "./cookie.js";
import { missingMandatory } from "./flags.js";
import type { SocketReader } from "./net/reader.js";

/** @internal */
export interface HandshakeConfig {
  readonly name: string;
  readonly creation: number;
  readonly cookie: string;
  readonly flags: bigint;
  readonly timeoutMs: number;
  /**
   * Bytes of each handshake message's length: 2 over TCP, 4 inside TLS (`inet_tls_dist`
   * frames the handshake as it frames every later packet). Default 2.
   */
  readonly lengthBytes?: 2 | 4;
}

/** @internal */
export interface Peer {
  readonly name: string;
  readonly flags: bigint;
  readonly creation: number;
}

/** @internal Why a handshake failed (logged; the socket is closed). */
export class HandshakeError extends Error {
  /** The peer answered `nok`: it is connecting to us at the same time and its attempt wins. */
  simultaneous = false;
}

/** @internal What the acceptor answers to a send_name. */
export type Status = "ok" | "ok_simultaneous" | "nok" | "not_allowed" | "alive";

const MAX_HANDSHAKE_MESSAGE = 2048;
const NODE_NAME = /^[^@\s]{1,255}@[^@\s]{1,255}$/;

function frame(body: Buffer, cfg: HandshakeConfig): Buffer {
  const n = cfg.lengthBytes ?? 2;
  const out = Buffer.alloc(n + body.length);
  if (n === 4) out.writeUInt32BE(body.length, 0);
  else out.writeUInt16BE(body.length, 0);
  body.copy(out, n);
  return out;
}

function readMessage(
  reader: SocketReader,
  cfg: HandshakeConfig,
  deadline: number,
): Promise<Buffer> {
  return reader
    .packet(cfg.lengthBytes ?? 2, MAX_HANDSHAKE_MESSAGE, deadline)
    .then((bytes) => Buffer.from(bytes));
}

function sendName(cfg: HandshakeConfig): Buffer {
  const name = Buffer.from(cfg.name, "utf8");
  const b = Buffer.alloc(15 + name.length);
  b[0] = 0x4e; // 'N'
  b.writeBigUInt64BE(cfg.flags, 1);
  b.writeUInt32BE(cfg.creation >>> 0, 9);
  b.writeUInt16BE(name.length, 13);
  name.copy(b, 15);
  return frame(b, cfg);
}

function challengeMessage(cfg: HandshakeConfig, challenge: number): Buffer {
  const name = Buffer.from(cfg.name, "utf8");
  const b = Buffer.alloc(19 + name.length);
  b[0] = 0x4e; // 'N'
  b.writeBigUInt64BE(cfg.flags, 1);
  b.writeUInt32BE(challenge, 9);
  b.writeUInt32BE(cfg.creation >>> 0, 13);
  b.writeUInt16BE(name.length, 17);
  name.copy(b, 19);
  return frame(b, cfg);
}

function status(text: string, cfg: HandshakeConfig): Buffer {
  return frame(Buffer.from(`s${text}`, "latin1"), cfg);
}

function peerName(b: Buffer, at: number): string {
  if (b.length < at + 2) throw new HandshakeError("a truncated node name");
  const n = b.readUInt16BE(at);
  if (b.length < at + 2 + n) throw new HandshakeError("a truncated node name");
  const name = b.subarray(at + 2, at + 2 + n).toString("utf8");
  if (!NODE_NAME.test(name))
    throw new HandshakeError(`an invalid node name ${JSON.stringify(name)}`);
  return name;
}

function checkFlags(flags: bigint, name: string): void {
  const missing = missingMandatory(flags);
  if (missing.length > 0) {
    throw new HandshakeError(
      `${name} cannot handle ${missing.join(", ")} (mandatory since OTP 25)`,
    );
  }
}

function sameDigest(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * The initiating side (A): connects to `expected`, answers its challenge and checks its
 * answer to ours.
 *
 * @internal
 */
export async function initiate(
  socket: Socket,
  reader: SocketReader,
  cfg: HandshakeConfig,
  expected: string,
): Promise<Peer> {
  const deadline = Date.now() + cfg.timeoutMs;
  socket.write(sendName(cfg));
  const st = await readMessage(reader, cfg, deadline);
  if (st[0] !== 0x73) throw new HandshakeError(`expected a status, got tag ${st[0]}`);
  const text = st.subarray(1).toString("latin1");
  if (text === "alive") {
    socket.write(status("true", cfg)); // we have no connection to it: replace the stale one
  } else if (text === "nok" || text === "not_allowed") {
    const err = new HandshakeError(`${expected} answered ${text}`);
    err.simultaneous = text === "nok";
    throw err;
  } else if (text !== "ok" && text !== "ok_simultaneous") {
    throw new HandshakeError(`${expected} answered an unknown status ${JSON.stringify(text)}`);
  }
  const ch = await readMessage(reader, cfg, deadline);
  if (ch[0] !== 0x4e || ch.length < 19) throw new HandshakeError("expected a version 6 challenge");
  const flags = ch.readBigUInt64BE(1);
  const challenge = ch.readUInt32BE(9);
  const creation = ch.readUInt32BE(13);
  const name = peerName(ch, 17);
  if (name !== expected) throw new HandshakeError(`expected ${expected} but ${name} answered`);
  checkFlags(flags, name);
  const mine = randomInt(0, 0x100000000);
  const reply = Buffer.alloc(21);
  reply[0] = 0x72; // 'r'
  reply.writeUInt32BE(mine, 1);
  digest(challenge, cfg.cookie).copy(reply, 5);
  socket.write(frame(reply, cfg));
  const ack = await readMessage(reader, cfg, deadline);
  if (ack[0] !== 0x61 || ack.length !== 17) throw new HandshakeError("expected a challenge ack");
  if (!sameDigest(ack.subarray(1), digest(mine, cfg.cookie))) {
    throw new HandshakeError(`${name} answered our challenge wrongly: the cookies differ`);
  }
  return { name, flags, creation };
}

/**
 * The accepting side (B): reads the peer's name, asks `decide` what to answer, sends our
 * challenge and checks the answer (the cookie).
 *
 * @internal
 */
export async function accept(
  socket: Socket,
  reader: SocketReader,
  cfg: HandshakeConfig,
  decide: (peer: string) => Status,
): Promise<Peer> {
  const deadline = Date.now() + cfg.timeoutMs;
  const hello = await readMessage(reader, cfg, deadline);
  if (hello[0] !== 0x4e || hello.length < 15) {
    throw new HandshakeError(
      hello[0] === 0x6e
        ? "the peer speaks only the pre-OTP 23 handshake (version 5)"
        : `expected send_name, got tag ${hello[0]}`,
    );
  }
  const flags = hello.readBigUInt64BE(1);
  const creation = hello.readUInt32BE(9);
  const name = peerName(hello, 13);
  if (missingMandatory(flags).length > 0) {
    socket.write(status("not_allowed", cfg));
    checkFlags(flags, name);
  }
  const answer = decide(name);
  socket.write(status(answer, cfg));
  if (answer === "nok" || answer === "not_allowed") {
    throw new HandshakeError(`refused ${name} (${answer})`);
  }
  if (answer === "alive") {
    const again = await readMessage(reader, cfg, deadline);
    if (again.toString("latin1") !== "strue") throw new HandshakeError(`${name} gave up (alive)`);
  }
  const mine = randomInt(0, 0x100000000);
  socket.write(challengeMessage(cfg, mine));
  const reply = await readMessage(reader, cfg, deadline);
  if (reply[0] !== 0x72 || reply.length !== 21)
    throw new HandshakeError("expected a challenge reply");
  if (!sameDigest(reply.subarray(5), digest(mine, cfg.cookie))) {
    throw new HandshakeError(`${name} answered our challenge wrongly: the cookies differ`);
  }
  const theirs = reply.readUInt32BE(1);
  const ack = Buffer.alloc(17);
  ack[0] = 0x61; // 'a'
  digest(theirs, cfg.cookie).copy(ack, 1);
  socket.write(frame(ack, cfg));
  return { name, flags, creation };
}
