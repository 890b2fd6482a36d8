/**
 * Distribution flags (`dist.hrl`): what this node advertises in the handshake.
 *
 * @internal
 * @module
 */

/** @internal */
export const Flag = {
  PUBLISHED: 0x1n,
  EXTENDED_REFERENCES: 0x4n,
  DIST_MONITOR: 0x8n,
  FUN_TAGS: 0x10n,
  DIST_MONITOR_NAME: 0x20n,
  NEW_FUN_TAGS: 0x80n,
  EXTENDED_PIDS_PORTS: 0x100n,
  EXPORT_PTR_TAG: 0x200n,
  BIT_BINARIES: 0x400n,
  NEW_FLOATS: 0x800n,
  UTF8_ATOMS: 0x10000n,
  MAP_TAG: 0x20000n,
  BIG_CREATION: 0x40000n,
  HANDSHAKE_23: 0x1000000n,
  UNLINK_ID: 0x2000000n,
  MANDATORY_25_DIGEST: 0x4000000n,
  SPAWN: 0x100000000n,
  V4_NC: 0x400000000n,
  ALIAS: 0x800000000n,
} as const;

/** @internal The bits OTP 25 requires of every peer (`0x1070F94`). */
export const MANDATORY: bigint =
  Flag.EXTENDED_REFERENCES |
  Flag.FUN_TAGS |
  Flag.NEW_FUN_TAGS |
  Flag.EXTENDED_PIDS_PORTS |
  Flag.EXPORT_PTR_TAG |
  Flag.BIT_BINARIES |
  Flag.NEW_FLOATS |
  Flag.UTF8_ATOMS |
  Flag.MAP_TAG |
  Flag.BIG_CREATION |
  Flag.HANDSHAKE_23;

/**
 * @internal What this node advertises (hidden): `0xD07070FBC`. No atom cache, no fragments;
 * SPAWN for `erpc` into exported functions.
 */
export const OURS: bigint =
  MANDATORY |
  Flag.SPAWN |
  Flag.MANDATORY_25_DIGEST |
  Flag.DIST_MONITOR |
  Flag.DIST_MONITOR_NAME |
  Flag.UNLINK_ID |
  Flag.V4_NC |
  Flag.ALIAS;

/** @internal Names of the mandatory bits a peer lacks, for the log line. */
export function missingMandatory(flags: bigint): string[] {
  if ((flags & Flag.MANDATORY_25_DIGEST) !== 0n) return [];
  return Object.entries(Flag)
    .filter(([, bit]) => (MANDATORY & bit) !== 0n && (flags & bit) === 0n)
    .map(([name]) => name);
}
