/**
 * # @trellis/distribution
 *
 * Trellis nodes that speak the Erlang distribution protocol: the External Term Format
 * codec, an EPMD client and port mapper, the version 6 handshake with the cookie challenge,
 * and the control messages that carry core's signals (messages, links, monitors, exits and
 * calls) to other Trellis nodes and to Erlang and Elixir nodes.
 *
 * @packageDocumentation
 */

export { readErlangCookie } from "./cookie.js";
export {
  defaultEpmdPort,
  type EpmdEntry,
  type EpmdName,
  type EpmdOptions,
  type EpmdRegistration,
  epmdNames,
  epmdPortPlease,
  epmdRegister,
} from "./epmd/client.js";
export { type PortMapper, type PortMapperOptions, startPortMapper } from "./epmd/server.js";
export { DecodeError } from "./errors.js";
export { type Decoded, type DecodeOptions, decode, decodeAt } from "./etf/decode.js";
export { type EncodeOptions, encode } from "./etf/encode.js";
export { connectOverControlMessages } from "./memory.js";
export type { DistributionTlsOptions } from "./net/tls.js";
export {
  type DistributionNode,
  type NodeOptions,
  type RemoteCallOptions,
  type RemoteName,
  startNode,
} from "./node.js";
export { type GroupName, type PgScope, startPg } from "./pg.js";
export {
  Atom,
  atom,
  Bits,
  ErlRef,
  type ErlTerm,
  Export,
  Float,
  Fun,
  ImproperList,
  internPid,
  internRef,
  List,
  list,
  Port,
} from "./terms.js";
