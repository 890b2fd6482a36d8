/**
 * The EPMD client: register a node (ALIVE2), look a node up (PORT_PLEASE2), list the
 * registered names (NAMES). Works with Erlang's `epmd` and with {@link startPortMapper}.
 *
 * @module
 */
import { createConnection } from "node:net";
import { BadArgumentError } from "@trellis/core";
import { connectSocket, SocketReader } from "../net/reader.js";

/** @internal Requests and replies (erl_dist_protocol, "EPMD Protocol"). */
export const ALIVE2_REQ = 120;
/** @internal */
export const ALIVE2_X_RESP = 118;
/** @internal */
export const ALIVE2_RESP = 121;
/** @internal */
export const PORT_PLEASE2_REQ = 122;
/** @internal */
export const PORT2_RESP = 119;
/** @internal */
export const NAMES_REQ = 110;

/**
 * Where to find EPMD.
 *
 * @since 0.1.0
 * @category EPMD
 */
export interface EpmdOptions {
  /** The host running EPMD. Default `"127.0.0.1"`. */
  readonly host?: string;
  /** EPMD's port. Default: `ERL_EPMD_PORT` from the environment, else `4369`. */
  readonly port?: number;
  /** Milliseconds to wait for EPMD. Default `5000`. */
  readonly timeout?: number;
}

/**
 * A node as EPMD knows it.
 *
 * @since 0.1.0
 * @category EPMD
 */
export interface EpmdEntry {
  /** The short name (the part before `@`). */
  readonly name: string;
  /** The node's distribution port. */
  readonly port: number;
  /** Whether the node registered as hidden (node type 72) rather than normal (77). */
  readonly hidden: boolean;
  /** The highest distribution version it speaks (6 for OTP 23+). */
  readonly highestVersion: number;
  /** The lowest distribution version it speaks. */
  readonly lowestVersion: number;
}

/**
 * A line of EPMD's name list.
 *
 * @since 0.1.0
 * @category EPMD
 */
export interface EpmdName {
  /** The short name. */
  readonly name: string;
  /** The distribution port. */
  readonly port: number;
}

/**
 * A registration: EPMD keeps the node registered while this is open.
 *
 * @since 0.1.0
 * @category EPMD
 */
export interface EpmdRegistration {
  /** The creation number EPMD assigned (the node's incarnation). */
  readonly creation: number;
  /** Unregisters (closes the connection to EPMD). */
  close(): void;
}

/**
 * The EPMD port: `ERL_EPMD_PORT` if set, else 4369.
 *
 * @returns the port number
 * @example
 * ```ts
 * import { defaultEpmdPort } from "@trellis/distribution";
 * defaultEpmdPort(); // 4369 unless ERL_EPMD_PORT is set
 * ```
 * @since 0.1.0
 * @category EPMD
 */
export function defaultEpmdPort(): number {
  const env = process.env.ERL_EPMD_PORT;
  const n = env === undefined ? Number.NaN : Number(env);
  return Number.isInteger(n) && n > 0 && n < 65536 ? n : 4369;
}

function resolve(options: EpmdOptions): { host: string; port: number; timeout: number } {
  return {
    host: options.host ?? "127.0.0.1",
    port: options.port ?? defaultEpmdPort(),
    timeout: options.timeout ?? 5000,
  };
}

function request(body: Uint8Array): Buffer {
  const out = Buffer.alloc(2 + body.length);
  out.writeUInt16BE(body.length, 0);
  out.set(body, 2);
  return out;
}

function checkName(name: string, what: string): Buffer {
  const bytes = Buffer.from(name, "utf8");
  if (name.length === 0 || name.includes("@") || bytes.length > 255) {
    throw new BadArgumentError(
      `${what}: a node's short name is 1 to 255 bytes without "@", got ${JSON.stringify(name)}`,
    );
  }
  return bytes;
}

/**
 * Registers a node with EPMD (ALIVE2): other nodes can then find its port by name. The
 * registration lasts while the returned connection is open.
 *
 * @param name - the short name (`"trellis"` for `trellis@127.0.0.1`)
 * @param port - the node's distribution port
 * @param options - where EPMD is, and `hidden` to register as a hidden node
 * @returns the registration, with the creation EPMD assigned
 * @throws {Error} if EPMD cannot be reached or refuses (the name is taken)
 * @example
 * ```ts
 * import { epmdRegister } from "@trellis/distribution";
 * const reg = await epmdRegister("trellis", 4370);
 * console.log(reg.creation);
 * reg.close();
 * ```
 * @since 0.1.0
 * @category EPMD
 */
export async function epmdRegister(
  name: string,
  port: number,
  options: EpmdOptions & { readonly hidden?: boolean } = {},
): Promise<EpmdRegistration> {
  const nameBytes = checkName(name, "epmdRegister");
  const { host, port: epmdPort, timeout } = resolve(options);
  const deadline = Date.now() + timeout;
  const socket = await connectSocket(host, epmdPort, timeout, createConnection);
  const reader = new SocketReader(socket);
  try {
    const body = Buffer.alloc(13 + nameBytes.length);
    body[0] = ALIVE2_REQ;
    body.writeUInt16BE(port, 1);
    body[3] = options.hidden === false ? 77 : 72;
    body[4] = 0; // TCP/IPv4
    body.writeUInt16BE(6, 5);
    body.writeUInt16BE(6, 7);
    body.writeUInt16BE(nameBytes.length, 9);
    body.set(nameBytes, 11);
    body.writeUInt16BE(0, 11 + nameBytes.length);
    socket.write(request(body));
    const head = await reader.read(2, deadline);
    if (head[0] === ALIVE2_X_RESP || head[0] === ALIVE2_RESP) {
      if (head[1] !== 0) throw new Error(`EPMD refused to register "${name}" (is it taken?)`);
      const c = await reader.read(head[0] === ALIVE2_X_RESP ? 4 : 2, deadline);
      const creation = Buffer.from(c).readUIntBE(0, c.length);
      reader.detach();
      socket.on("error", () => {});
      socket.on("data", () => {});
      return {
        creation,
        close: () => {
          socket.destroy();
        },
      };
    }
    throw new Error(`EPMD answered ALIVE2 with an unknown reply ${head[0]}`);
  } catch (err) {
    socket.destroy();
    throw err;
  }
}

/**
 * Looks up a node's distribution port by its short name (PORT_PLEASE2).
 *
 * @param name - the short name
 * @param options - where EPMD is (the host of the node looked up)
 * @returns the entry, or `undefined` if no node of that name is registered
 * @throws {Error} if EPMD cannot be reached
 * @example
 * ```ts
 * import { epmdPortPlease } from "@trellis/distribution";
 * const entry = await epmdPortPlease("elixir");
 * console.log(entry?.port);
 * ```
 * @since 0.1.0
 * @category EPMD
 */
export async function epmdPortPlease(
  name: string,
  options: EpmdOptions = {},
): Promise<EpmdEntry | undefined> {
  const nameBytes = checkName(name, "epmdPortPlease");
  const { host, port, timeout } = resolve(options);
  const deadline = Date.now() + timeout;
  const socket = await connectSocket(host, port, timeout, createConnection);
  const reader = new SocketReader(socket);
  try {
    socket.write(request(Buffer.concat([Buffer.of(PORT_PLEASE2_REQ), nameBytes])));
    const head = await reader.read(2, deadline);
    if (head[0] !== PORT2_RESP) throw new Error(`EPMD answered PORT_PLEASE2 with ${head[0]}`);
    if (head[1] !== 0) return undefined;
    const fixed = Buffer.from(await reader.read(10, deadline));
    const nlen = fixed.readUInt16BE(8);
    const rest = Buffer.from(await reader.read(nlen + 2, deadline));
    return {
      name: rest.subarray(0, nlen).toString("utf8"),
      port: fixed.readUInt16BE(0),
      hidden: fixed[2] === 72,
      highestVersion: fixed.readUInt16BE(4),
      lowestVersion: fixed.readUInt16BE(6),
    };
  } finally {
    socket.destroy();
  }
}

/**
 * Lists the nodes registered with EPMD (NAMES), like `epmd -names`.
 *
 * @param options - where EPMD is
 * @returns the names and ports
 * @throws {Error} if EPMD cannot be reached
 * @example
 * ```ts
 * import { epmdNames } from "@trellis/distribution";
 * for (const { name, port } of await epmdNames()) console.log(name, port);
 * ```
 * @since 0.1.0
 * @category EPMD
 */
export async function epmdNames(options: EpmdOptions = {}): Promise<EpmdName[]> {
  const { host, port, timeout } = resolve(options);
  const deadline = Date.now() + timeout;
  const socket = await connectSocket(host, port, timeout, createConnection);
  const reader = new SocketReader(socket);
  try {
    socket.write(request(Buffer.of(NAMES_REQ)));
    await reader.read(4, deadline);
    const text = Buffer.from(await reader.readAll(1 << 20, deadline)).toString("utf8");
    const out: EpmdName[] = [];
    for (const line of text.split("\n")) {
      const m = /^name (.+) at port (\d+)$/.exec(line);
      if (m !== null) out.push({ name: m[1] as string, port: Number(m[2]) });
    }
    return out;
  } finally {
    socket.destroy();
  }
}
