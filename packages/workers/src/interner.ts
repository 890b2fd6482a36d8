/**
 * Pids and refs by their coordinates, so that identity survives a round trip between
 * nodes: a pid or ref that goes out and comes back is the same object, as long as anything
 * still holds it (a link set, a monitor, a pending call). One per runtime, shared by its
 * carriers and codecs.
 *
 * Pids are few and long-lived: they are held weakly. Refs are made by the hundred thousand
 * (one per call) and most live for one round trip, so they are held strongly while young,
 * and the carrier lets go of a call's ref when the call ends (its reply, its demonitor). A
 * ref still held after two generations (`GENERATION` new refs each) is moved to a weak
 * table: a weak reference costs the garbage collector, and only long-lived refs pay it.
 *
 * @module
 * @internal
 */
import { From, Pid, Ref, type Runtime } from "@trellis/core";

/** Weak entries added between two sweeps of dead ones, at least (more when many are alive). */
const SWEEP_EVERY = 50_000;
/** New refs per generation of a ref table. */
const GENERATION = 4096;

/** One node's pids: id -> the pid, weakly. */
export type PidTable = Map<number, WeakRef<Pid>>;

/** One node's refs (and the call envelopes that went out with them). */
export class RefTable {
  /** Refs (or the call envelope that carries the ref) of the current generation. */
  private young = new Map<number, Ref | From>();
  /** Those of the previous generation still held. */
  private older = new Map<number, Ref | From>();
  /** Survivors of two generations, weakly. */
  readonly weak: Map<number, WeakRef<Ref>> = new Map();
  private count = 0;

  constructor(private readonly owner: Interner) {}

  /** The ref with this id, if the table has it. */
  get(id: number): Ref | undefined {
    const v = this.young.get(id) ?? this.older.get(id);
    if (v !== undefined) return v instanceof From ? v.ref : v;
    return this.weak.get(id)?.deref();
  }

  /** The call envelope that went out with `ref`, if it is still young. */
  from(ref: Ref): From | undefined {
    const v = this.young.get(ref.id) ?? this.older.get(ref.id);
    return v instanceof From && v.ref === ref ? v : undefined;
  }

  /** Adds `ref` (or the envelope that carries it) to the young generation. */
  add(id: number, v: Ref | From): void {
    this.young.set(id, v);
    if (++this.count >= GENERATION) this.roll();
  }

  /** The ref's round trip is over (its call answered, its monitor removed): let go of it. */
  done(id: number): void {
    if (this.young.delete(id)) return;
    this.older.delete(id);
  }

  /** Moves what survived two generations to the weak table; a new generation starts. */
  private roll(): void {
    for (const [id, v] of this.older) {
      if (v instanceof From) {
        this.owner.keepFrom(v);
        this.owner.addWeak(this.weak, id, v.ref);
      } else this.owner.addWeak(this.weak, id, v);
    }
    this.older = this.young;
    this.young = new Map();
    this.count = 0;
  }
}

/** The intern tables of one runtime. */
export class Interner {
  /** node -> id -> pid (serial and creation checked on the way in). */
  private readonly pids = new Map<string, PidTable>();
  /** node -> its refs (creation checked on the way in). */
  private readonly refs = new Map<string, RefTable>();
  /** Call envelopes that went out and lived long, by their reference. */
  private readonly froms = new WeakMap<Ref, From>();
  private added = 0;
  private sweepAt = SWEEP_EVERY;

  /** @param node - the node of the runtime this interner serves */
  constructor(readonly node: string) {}

  /** The pid table of `node` (made on first use). */
  pidTable(node: string): PidTable {
    let t = this.pids.get(node);
    if (t === undefined) {
      t = new Map();
      this.pids.set(node, t);
    }
    return t;
  }

  /** The ref table of `node` (made on first use). */
  refTable(node: string): RefTable {
    let t = this.refs.get(node);
    if (t === undefined) {
      t = new RefTable(this);
      this.refs.set(node, t);
    }
    return t;
  }

  /** Remembers a call envelope that leaves this node (a call made here: its ref is ours). */
  fromOut(f: From, table: RefTable = this.refTable(f.ref.node)): void {
    const r = f.ref;
    if (r.node !== this.node) {
      this.refOut(r, table);
      return;
    }
    if (table.from(r) === f || this.froms.get(r) === f) return;
    table.add(r.id, f);
  }

  /** The envelope a node of ours sent with this reference, if it comes back home. */
  fromBack(ref: Ref, table: RefTable = this.refTable(ref.node)): From | undefined {
    return table.from(ref) ?? this.froms.get(ref);
  }

  /** @internal Keeps a long-lived envelope (weakly, by its ref). */
  keepFrom(f: From): void {
    this.froms.set(f.ref, f);
  }

  /** @internal Adds a weak entry, sweeping dead ones now and then. */
  addWeak<T extends object>(table: Map<number, WeakRef<T>>, id: number, v: T): void {
    table.set(id, new WeakRef(v));
    if (++this.added >= this.sweepAt) this.sweep();
  }

  /** Registers a pid that leaves this runtime (`table`: the table of its node). */
  pidOut(p: Pid, table: PidTable = this.pidTable(p.node)): void {
    const w = table.get(p.id);
    if (w !== undefined && w.deref() === p) return;
    this.addWeak(table, p.id, p);
  }

  /** The pid with these coordinates (`table`: the table of `node`). */
  pidIn(
    node: string,
    id: number,
    serial: number,
    creation: number,
    table: PidTable = this.pidTable(node),
  ): Pid {
    const known = table.get(id)?.deref();
    if (known !== undefined && known.serial === serial && known.creation === creation) return known;
    // Unknown: a process of another node, or a local process that is gone (no live
    // process behind it, so sends to it are dropped, links and monitors say noproc).
    const pid = new Pid(node, id, serial, creation);
    this.addWeak(table, id, pid);
    return pid;
  }

  /** Registers a ref that leaves this runtime (`table`: the table of its node). */
  refOut(r: Ref, table: RefTable = this.refTable(r.node)): void {
    if (table.get(r.id) !== r) table.add(r.id, r);
  }

  /** The ref with these coordinates (`table`: the table of `node`). */
  refIn(node: string, id: number, creation: number, table: RefTable = this.refTable(node)): Ref {
    const known = table.get(id);
    if (known !== undefined && known.creation === creation) return known;
    const ref = new Ref(node, id, creation);
    table.add(id, ref);
    return ref;
  }

  /** Drops the weak entries whose objects are gone; the next sweep waits for as many adds as live. */
  private sweep(): void {
    this.added = 0;
    let live = 0;
    const tables: Map<number, WeakRef<object>>[] = [...this.pids.values()];
    for (const t of this.refs.values()) tables.push(t.weak);
    for (const byId of tables)
      for (const [id, w] of byId) {
        if (w.deref() === undefined) byId.delete(id);
        else live++;
      }
    this.sweepAt = Math.max(SWEEP_EVERY, live);
  }
}

const interners = new WeakMap<Runtime, Interner>();

/** The interner of a runtime (one per runtime, shared by all its carriers). */
export function internerOf(rt: Runtime): Interner {
  let i = interners.get(rt);
  if (i === undefined) {
    i = new Interner(rt.node);
    interners.set(rt, i);
  }
  return i;
}
