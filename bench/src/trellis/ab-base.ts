// What the in-process A/B programs (`ab.ts`, `ab-calls.ts`, `ab-spawn.ts`) share: the other
// checkout's packages, loaded from source (BASE: the checkout's root, see ab.ts for making
// one), and the process's CPU time.

const BASE = process.env["BASE"];

/** The package `name` (its folder under `packages/`) of the BASE checkout, from source. */
export async function loadBase<T>(name: string): Promise<T> {
  if (BASE === undefined) throw new Error("set BASE to the root of the checkout to compare with");
  return (await import(`${BASE}/packages/${name}/src/index.ts`)) as T;
}

/** CPU time (user + system) of this process so far, in milliseconds. */
export function cpu(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}
