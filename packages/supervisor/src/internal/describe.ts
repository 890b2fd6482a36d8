import { formatReason } from "@trellis/core";

/** Formats a child id for messages: strings in quotes, other terms as `formatReason` does. */
export function describeId(id: unknown): string {
  return typeof id === "string" ? JSON.stringify(id) : formatReason(id);
}
