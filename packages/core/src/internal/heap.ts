/** An entry of {@link TimerHeap}. @internal */
export interface HeapEntry {
  due: number;
  seq: number;
  /** Position in the heap array; -1 when not in the heap. */
  index: number;
}

/**
 * A binary min-heap ordered by (due, seq) with O(log n) removal of any entry: one host
 * alarm serves any number of runtime timers.
 * @internal
 */
export class TimerHeap<E extends HeapEntry> {
  private readonly a: E[] = [];

  get size(): number {
    return this.a.length;
  }

  peek(): E | undefined {
    return this.a[0];
  }

  push(e: E): void {
    e.index = this.a.length;
    this.a.push(e);
    this.up(e.index);
  }

  pop(): E | undefined {
    const top = this.a[0];
    if (top !== undefined) this.remove(top);
    return top;
  }

  remove(e: E): boolean {
    const i = e.index;
    const a = this.a;
    if (i < 0 || a[i] !== e) return false;
    const last = a.pop() as E;
    e.index = -1;
    if (last !== e) {
      a[i] = last;
      last.index = i;
      this.down(i);
      this.up(last.index);
    }
    return true;
  }

  values(): readonly E[] {
    return this.a;
  }

  /** Empties the heap. */
  clear(): void {
    for (const e of this.a) e.index = -1;
    this.a.length = 0;
  }

  /** Keeps only the entries for which `keep` is true, and restores the heap order: O(n). */
  retain(keep: (e: E) => boolean): void {
    const a = this.a;
    let j = 0;
    for (let i = 0; i < a.length; i++) {
      const e = a[i] as E;
      if (keep(e)) {
        a[j] = e;
        e.index = j;
        j++;
      } else {
        e.index = -1;
      }
    }
    a.length = j;
    for (let i = (j >> 1) - 1; i >= 0; i--) this.down(i);
  }

  private less(x: E, y: E): boolean {
    return x.due < y.due || (x.due === y.due && x.seq < y.seq);
  }

  private up(i: number): void {
    const a = this.a;
    const e = a[i] as E;
    while (i > 0) {
      const p = (i - 1) >> 1;
      const pe = a[p] as E;
      if (!this.less(e, pe)) break;
      a[i] = pe;
      pe.index = i;
      i = p;
    }
    a[i] = e;
    e.index = i;
  }

  private down(i: number): void {
    const a = this.a;
    const n = a.length;
    const e = a[i] as E;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      let c = l;
      if (r < n && this.less(a[r] as E, a[l] as E)) c = r;
      const ce = a[c] as E;
      if (!this.less(ce, e)) break;
      a[i] = ce;
      ce.index = i;
      i = c;
    }
    a[i] = e;
    e.index = i;
  }
}
