/**
 * Process identifiers and references.
 *
 * @module
 */

const PID_BRAND = Symbol.for("trellis.pid");

let getProc: (pid: Pid) => unknown;
let putProc: (pid: Pid, proc: unknown) => void;

/** @internal The runtime's process behind a pid of this copy of core, or `undefined`. */
export function procOf(pid: Pid): unknown {
  return getProc(pid);
}

/** @internal Attaches (or, with `undefined`, detaches) the runtime's process to a pid. */
export function setProc(pid: Pid, proc: unknown): void {
  putProc(pid, proc);
}
const REF_BRAND = Symbol.for("trellis.ref");

/**
 * A process identifier: an immutable, printable value that names one process.
 *
 * A pid carries its `node` (the runtime that owns the process), a per-node `id` and
 * `serial`, and the node's `creation` number. Pids are created by a runtime only, and each
 * process has exactly one `Pid` object, so pids compare with `===` and work as `Map` keys.
 * They print like Erlang pids, `<0.42.0>`, where the first number is `0` for the node that
 * created them.
 *
 * @example
 * ```ts
 * import { createRuntime } from "@trellis/core";
 *
 * const rt = createRuntime();
 * const pid = rt.spawn(async () => {});
 * console.log(String(pid)); // "<0.1.0>"
 * ```
 * @since 0.1.0
 * @category Processes
 */
export class Pid {
  /** The node (runtime) name that owns the process, e.g. `"nonode@nohost"`. */
  readonly node: string;
  /** The process number on its node. */
  readonly id: number;
  /** Incremented when `id` wraps; `0` in practice. */
  readonly serial: number;
  /** The node's creation number: tells pids of a restarted node apart. */
  readonly creation: number;
  /**
   * The live process behind this pid (local fast path); `undefined` once it is dead. Private:
   * only the runtime reaches it (through `procOf`), so a pid gives no access to a mailbox.
   */
  #proc: unknown;

  /** @internal Pids are made by runtimes; do not construct them yourself. */
  constructor(node: string, id: number, serial: number, creation: number) {
    this.node = node;
    this.id = id;
    this.serial = serial;
    this.creation = creation;
  }

  static {
    getProc = (pid) =>
      typeof pid === "object" && pid !== null && #proc in pid ? pid.#proc : undefined;
    putProc = (pid, proc) => {
      pid.#proc = proc;
    };
  }

  /**
   * The Erlang-style text form, `<0.id.serial>`.
   *
   * @example
   * ```ts
   * import { createRuntime } from "@trellis/core";
   * const pid = createRuntime().spawn(async () => {});
   * pid.toString(); // "<0.1.0>"
   * ```
   */
  toString(): string {
    return `<0.${this.id}.${this.serial}>`;
  }

  /** @internal Used by `JSON.stringify`. */
  toJSON(): string {
    return this.toString();
  }

  /**
   * Whether `value` is a pid (also one made by another copy of this package).
   *
   * @example
   * ```ts
   * import { Pid, createRuntime } from "@trellis/core";
   * Pid.is(createRuntime().spawn(async () => {})); // true
   * Pid.is("<0.1.0>"); // false
   * ```
   */
  static is(value: unknown): value is Pid {
    return (
      value instanceof Pid || (typeof value === "object" && value !== null && PID_BRAND in value)
    );
  }

  /**
   * Orders pids: by node, then creation, then serial, then id. Returns a negative number,
   * zero or a positive number.
   *
   * @example
   * ```ts
   * import { Pid, createRuntime } from "@trellis/core";
   * const rt = createRuntime();
   * const a = rt.spawn(async () => {});
   * const b = rt.spawn(async () => {});
   * Pid.compare(a, b) < 0; // true: a was created first
   * ```
   */
  static compare(a: Pid, b: Pid): number {
    if (a === b) return 0;
    if (a.node !== b.node) return a.node < b.node ? -1 : 1;
    if (a.creation !== b.creation) return a.creation - b.creation;
    if (a.serial !== b.serial) return a.serial - b.serial;
    return a.id - b.id;
  }
}
Object.defineProperty(Pid.prototype, PID_BRAND, { value: true });
Object.defineProperty(Pid.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value(this: Pid) {
    return `Pid${this.toString()}`;
  },
});

/**
 * A unique reference, as made by Erlang's `make_ref()`: used for monitors, timers and call
 * tags. Refs compare with `===`, work as `Map` keys and print as `#Ref<0.0.0.7>`.
 *
 * @example
 * ```ts
 * import { makeRef } from "@trellis/core";
 * const a = makeRef();
 * const b = makeRef();
 * a === b; // false
 * String(a); // "#Ref<0.0.0.1>"
 * ```
 * @since 0.1.0
 * @category Processes
 */
export class Ref {
  /** The node that made the reference. */
  readonly node: string;
  /** A number unique on its node. */
  readonly id: number;
  /** The node's creation number. */
  readonly creation: number;

  /** @internal Refs are made by runtimes (`makeRef`). */
  constructor(node: string, id: number, creation: number) {
    this.node = node;
    this.id = id;
    this.creation = creation;
  }

  /**
   * The Erlang-style text form, `#Ref<0.0.0.id>`.
   *
   * @example
   * ```ts
   * import { makeRef } from "@trellis/core";
   * makeRef().toString(); // e.g. "#Ref<0.0.0.12>"
   * ```
   */
  toString(): string {
    return `#Ref<0.0.0.${this.id}>`;
  }

  /** @internal Used by `JSON.stringify`. */
  toJSON(): string {
    return this.toString();
  }

  /**
   * Whether `value` is a reference (also one made by another copy of this package).
   *
   * @example
   * ```ts
   * import { Ref, makeRef } from "@trellis/core";
   * Ref.is(makeRef()); // true
   * ```
   */
  static is(value: unknown): value is Ref {
    return (
      value instanceof Ref || (typeof value === "object" && value !== null && REF_BRAND in value)
    );
  }

  /**
   * Orders references: by node, then creation, then id.
   *
   * @example
   * ```ts
   * import { Ref, makeRef } from "@trellis/core";
   * const a = makeRef();
   * const b = makeRef();
   * Ref.compare(a, b) < 0; // true
   * ```
   */
  static compare(a: Ref, b: Ref): number {
    if (a === b) return 0;
    if (a.node !== b.node) return a.node < b.node ? -1 : 1;
    if (a.creation !== b.creation) return a.creation - b.creation;
    return a.id - b.id;
  }
}
Object.defineProperty(Ref.prototype, REF_BRAND, { value: true });
Object.defineProperty(Ref.prototype, Symbol.for("nodejs.util.inspect.custom"), {
  value(this: Ref) {
    return this.toString();
  },
});
