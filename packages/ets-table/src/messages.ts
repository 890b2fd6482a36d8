/**
 * The message a process receives when it becomes a table's owner.
 *
 * @module
 */
import type { Pid, Term } from "@trellis/core";
import type { Table, TableKind, Tuple } from "./table.js";

const TRANSFER_BRAND = Symbol.for("trellis.ets.transfer-message");

/**
 * Erlang's `{'ETS-TRANSFER', Table, FromPid, Data}`: the receiver now owns `table`. It
 * arrives after {@link giveAway} (`data` is the gift) and when the owner of a table with an
 * heir exits (`data` is the heir data; it arrives before any EXIT or DOWN message of the old
 * owner). Recognise it with {@link isTransfer}.
 *
 * @typeParam Row - the table's row type
 * @example
 * ```ts
 * import { receive } from "@trellis/core";
 * import * as Ets from "@trellis/ets-table";
 * const msg = await receive(Ets.isTransfer);
 * Ets.insert(msg.table, ["received", msg.data]);
 * ```
 * @since 0.1.0
 * @category Ownership
 */
export class TransferMessage<Row extends Tuple = Tuple, Key extends Term = Term> {
  /** Always `"ETS-TRANSFER"`. */
  readonly type: "ETS-TRANSFER" = "ETS-TRANSFER";
  /** The table that changed hands. */
  readonly table: Table<Row, Key, TableKind>;
  /** The previous owner. */
  readonly from: Pid;
  /** The gift of `giveAway`, or the heir data. */
  readonly data: unknown;

  /** @internal */
  constructor(table: Table<Row, Key, TableKind>, from: Pid, data: unknown) {
    this.table = table;
    this.from = from;
    this.data = data;
  }
}
Object.defineProperty(TransferMessage.prototype, TRANSFER_BRAND, { value: true });

/**
 * Whether `msg` is an ETS-TRANSFER message (see {@link TransferMessage}). User data can
 * never pass for one.
 *
 * @param msg - any message
 * @returns `true` for a transfer message
 * @example
 * ```ts
 * import * as Ets from "@trellis/ets-table";
 * Ets.isTransfer({ type: "ETS-TRANSFER" }); // false
 * ```
 * @since 0.1.0
 * @category Ownership
 */
export function isTransfer(msg: unknown): msg is TransferMessage {
  return typeof msg === "object" && msg !== null && TRANSFER_BRAND in msg;
}
