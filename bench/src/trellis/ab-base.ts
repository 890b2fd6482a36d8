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

type Core = typeof import("@trellis/core");
type GS = typeof import("@trellis/gen-server");

/**
 * In a fresh runtime of `core`, starts a counter GenServer of `gs` (`"inc"` by call or cast
 * adds one), runs `body` with it inside a process and returns the CPU milliseconds `body` took.
 */
export async function timedWithCounter(
  core: Core,
  gs: GS,
  body: (counter: unknown) => unknown,
): Promise<number> {
  const rt = core.createRuntime();
  const Counter = gs.define({
    init: (n: number) => gs.Result.ok(n),
    handleCall: (_r: "inc", _f: unknown, n: number) => gs.Result.reply(n + 1, n + 1),
    handleCast: (_r: "inc", n: number) => gs.Result.noreply(n + 1),
  } as never);
  const ms = await rt.run(async () => {
    const c = await gs.start(Counter as never, 0 as never);
    const t0 = cpu();
    await body(c);
    const d = cpu() - t0;
    await gs.stop(c as never);
    return d;
  });
  await rt.shutdown();
  return ms;
}
