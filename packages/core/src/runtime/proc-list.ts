/**
 * The live processes of a runtime, oldest first: a doubly linked list through the processes
 * themselves.
 *
 * @module
 */
import type { Proc } from "./proc.js";

/**
 * @internal The live processes in spawn order. Adding and removing one writes a few fields
 * of neighbouring processes instead of hashing into a `Map` keyed by pid number, which with
 * 100k processes alive was a large table grown and shrunk on every burst of spawns and exits
 * (ADR 0004, session 4), and an entry of ~30–60 B per process.
 */
export class ProcList {
  private head: Proc | undefined = undefined;
  private tail: Proc | undefined = undefined;
  /** How many processes it holds. */
  size = 0;

  /** Appends `p` (newest last). */
  add(p: Proc): void {
    const tail = this.tail;
    p.prevLive = tail;
    p.nextLive = undefined;
    if (tail === undefined) this.head = p;
    else tail.nextLive = p;
    this.tail = p;
    this.size++;
  }

  /** Removes `p`; whether it was there. */
  delete(p: Proc): boolean {
    const prev = p.prevLive;
    const next = p.nextLive;
    if (prev === undefined ? this.head !== p : prev.nextLive !== p) return false;
    if (prev === undefined) this.head = next;
    else prev.nextLive = next;
    if (next === undefined) this.tail = prev;
    else next.prevLive = prev;
    p.prevLive = undefined;
    p.nextLive = undefined;
    this.size--;
    return true;
  }

  /** The processes, oldest first, as a snapshot (safe to change the list meanwhile). */
  values(): Proc[] {
    const out: Proc[] = [];
    for (let p = this.head; p !== undefined; p = p.nextLive) out.push(p);
    return out;
  }
}
