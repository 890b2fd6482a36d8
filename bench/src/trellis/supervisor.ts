// Supervisor: a one_for_one supervisor restarts a permanent GenServer child that throws on
// request; each new child reports to the driver (the main process), which makes it crash
// again. 10k crash + restart cycles. The runtime's logger is off (it wants no report, so
// reports are not built), as the BEAM program sets its logger's level to :none.
// maxSeconds is 1, as in beam/supervisor.exs; maxRestarts is never reached.
import { createRuntime, type Pid, receive, self, send } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import * as Supervisor from "@trellis/supervisor";
import { rate, report, size, warm } from "./common.js";

const { ok } = GenServer.Result;

interface Started {
  readonly started: Pid;
}

const isStarted = (m: unknown): m is Started =>
  typeof m === "object" && m !== null && "started" in m;

const Crashy = GenServer.define({
  init: (driver: Pid) => {
    send(driver, { started: self() });
    return ok(driver);
  },
  handleCast: (_request: "crash", _driver): never => {
    throw new Error("boom");
  },
});

const N = size(10_000);
const rt = createRuntime({ logger: { log() {}, wants: () => false } });

/** Crashes the current child `n` times, waiting for each restarted child; returns the last. */
async function cycles(first: Pid, n: number): Promise<Pid> {
  let child = first;
  for (let i = 0; i < n; i++) {
    GenServer.cast(child, "crash");
    child = (await receive(isStarted)).started;
  }
  return child;
}

const r = await rt.run(async () => {
  const sup = await Supervisor.startLink([GenServer.childSpec(Crashy, self())], {
    strategy: "one_for_one",
    maxRestarts: 1_000_000_000,
    maxSeconds: 1,
  });
  const first = (await receive(isStarted)).started;
  const child = await cycles(first, warm(N));
  const restarts = await rate(N, () => cycles(child, N));
  await Supervisor.stop(sup);
  return restarts;
});
report("sup_restart", r, "restarts/s");
await rt.shutdown();
