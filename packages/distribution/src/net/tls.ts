/**
 * TLS distribution, as Erlang's `inet_tls_dist` (`-proto_dist inet_tls`): the whole
 * distribution connection, handshake included, runs inside TLS; EPMD stays plain TCP.
 *
 * @module
 */
import {
  type ConnectionOptions,
  createSecureContext,
  type TLSSocket,
  type TlsOptions,
  connect as tlsConnect,
} from "node:tls";
import { BadArgumentError } from "@trellis/core";
import { ReadError } from "./reader.js";

/**
 * Options of TLS distribution ({@link NodeOptions.tls}), used both when the node listens and
 * when it connects. They mirror the `server` and `client` sections of Erlang's
 * `-ssl_dist_optfile`: `cert` is its `certfile`, `key` its `keyfile`, `ca` its
 * `cacertfile`, and the defaults are its `{verify, verify_peer}` on both sides, with
 * `{fail_if_no_peer_cert, true}` when listening (mutual TLS).
 *
 * For peers that are Erlang/OTP 25 nodes, give each node's certificate its host both as an
 * IP and as a DNS subject alternative name when the host is an address (for a node
 * `app@127.0.0.1`: `IP:127.0.0.1, DNS:127.0.0.1`): Node checks the IP entry, OTP matches
 * the host text against the DNS entries.
 *
 * @example
 * ```ts
 * import { readFileSync } from "node:fs";
 * import type { DistributionTlsOptions } from "@trellis/distribution";
 *
 * const tls: DistributionTlsOptions = {
 *   cert: readFileSync("certs/node.pem"),
 *   key: readFileSync("certs/node.key"),
 *   ca: readFileSync("certs/ca.pem"),
 * };
 * ```
 * @since 0.1.0
 * @category Nodes
 */
export interface DistributionTlsOptions {
  /** This node's certificate, PEM, with its chain (OTP's `certfile`). */
  readonly cert: string | Buffer | readonly (string | Buffer)[];
  /** The certificate's private key, PEM (OTP's `keyfile`). */
  readonly key: string | Buffer;
  /** The passphrase of an encrypted `key` (OTP's `password`). */
  readonly passphrase?: string;
  /**
   * The certificate authorities trusted to sign peers' certificates, PEM (OTP's
   * `cacertfile`). Default: Node's bundled root certificates.
   */
  readonly ca?: string | Buffer | readonly (string | Buffer)[];
  /**
   * Refuses a peer whose certificate is not signed by a trusted authority, and, when
   * connecting, one whose certificate does not name the host of the node connected to
   * (OTP's `{verify, verify_peer}`). Default `true`; `false` encrypts without
   * authenticating peers (OTP's `verify_none`): then only the cookie keeps strangers out.
   */
  readonly rejectUnauthorized?: boolean;
  /**
   * When listening, asks a connecting node for its certificate; with `rejectUnauthorized`,
   * a node without a trusted one is refused (mutual TLS, OTP's `{verify, verify_peer},
   * {fail_if_no_peer_cert, true}`). Default `true`.
   */
  readonly requestCert?: boolean;
  /** More options of the listening side (Node's `tls.createServer`), applied last. */
  readonly server?: TlsOptions;
  /** More options of the connecting side (Node's `tls.connect`), applied last. */
  readonly client?: ConnectionOptions;
}

function pem(
  value: string | Buffer | readonly (string | Buffer)[] | undefined,
): string | Buffer | (string | Buffer)[] | undefined {
  if (value === undefined || typeof value === "string" || Buffer.isBuffer(value)) return value;
  return [...value];
}

function isPem(value: unknown): boolean {
  if (typeof value === "string" || Buffer.isBuffer(value)) return value.length > 0;
  return (
    Array.isArray(value) &&
    value.length > 0 &&
    value.every((v) => (typeof v === "string" || Buffer.isBuffer(v)) && v.length > 0)
  );
}

/** @internal The Node TLS options of both sides, checked. */
export interface TlsSides {
  readonly server: TlsOptions;
  readonly client: ConnectionOptions;
  /**
   * Why the listening side refuses an accepted TLS socket (a peer certificate missing or not
   * trusted), or `undefined` to go on. The server itself lets such sockets through, because
   * Node would close them without telling why: the node logs this reason instead.
   */
  refusal(socket: TLSSocket): string | undefined;
}

/**
 * @internal Checks `options` (a clear error now rather than a failed connection later) and
 * returns the options of both sides.
 */
export function tlsSides(options: DistributionTlsOptions): TlsSides {
  const o = options as Partial<DistributionTlsOptions> | null;
  if (typeof o !== "object" || o === null) {
    throw new BadArgumentError("startNode: tls must be an object with cert and key");
  }
  if (!isPem(o.cert) || !isPem(o.key) || (o.ca !== undefined && !isPem(o.ca))) {
    throw new BadArgumentError(
      "startNode: tls.cert and tls.key (and tls.ca if given) must be non-empty PEM strings or Buffers",
    );
  }
  for (const flag of ["rejectUnauthorized", "requestCert"] as const) {
    if (o[flag] !== undefined && typeof o[flag] !== "boolean") {
      throw new BadArgumentError(`startNode: tls.${flag} must be a boolean`);
    }
  }
  const common = {
    cert: pem(options.cert),
    key: options.key,
    ca: pem(options.ca),
    ...(options.passphrase === undefined ? {} : { passphrase: options.passphrase }),
  };
  try {
    // parses the PEM and checks that the key matches the certificate
    createSecureContext(common);
  } catch (err) {
    throw new BadArgumentError(`startNode: tls: ${(err as Error).message}`);
  }
  const rejectUnauthorized = options.rejectUnauthorized ?? true;
  const server: TlsOptions = {
    ...common,
    requestCert: options.requestCert ?? true,
    rejectUnauthorized,
    ...options.server,
  };
  const verifyClients = server.requestCert === true && server.rejectUnauthorized !== false;
  return {
    server: { ...server, rejectUnauthorized: false },
    client: { ...common, rejectUnauthorized, ...options.client },
    refusal: (socket) =>
      verifyClients && !socket.authorized
        ? `its certificate is not trusted (${String(socket.authorizationError ?? "none given")})`
        : undefined,
  };
}

/** @internal Connects to `host:port` and completes the TLS handshake within `timeoutMs`. */
export async function connectTls(
  host: string,
  port: number,
  timeoutMs: number,
  options: ConnectionOptions,
): Promise<TLSSocket> {
  const socket = tlsConnect({ ...options, host, port });
  socket.setNoDelay(true);
  await new Promise<void>((resolve, reject) => {
    const t = setTimeout(() => {
      socket.destroy();
      reject(new ReadError(`no TLS connection to ${host}:${port} within ${timeoutMs} ms`));
    }, timeoutMs);
    socket.once("secureConnect", () => {
      clearTimeout(t);
      resolve();
    });
    socket.once("error", (err) => {
      clearTimeout(t);
      socket.destroy();
      reject(new ReadError(`TLS connection to ${host}:${port} failed: ${err.message}`));
    });
  });
  return socket;
}
