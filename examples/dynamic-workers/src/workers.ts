// Workers started on demand under a DynamicSupervisor. Each worker is a small GenServer,
// registered as `worker:<id>`, that counts the jobs it has done. A worker can be told to
// crash (an abnormal exit) or to finish (a normal exit); what the supervisor does then
// depends on the restart type it was started with:
// - "transient": restarted after a crash, forgotten after a normal exit;
// - "temporary": never restarted, forgotten either way.
// The supervisor refuses to hold more than `maxChildren` workers at a time.
import { downFor, monitor, type Pid, receive, whereis } from "@trellis/core";
import * as DynamicSupervisor from "@trellis/dynamic-supervisor";
import * as GenServer from "@trellis/gen-server";

type WorkerCall = GenServer.Request<{ type: "job"; input: number }, number>;
type WorkerCast = { type: "crash" } | { type: "finish" };

const { ok, reply, stop } = GenServer.Result;

const Worker = GenServer.define({
  init: (id: string) => ok({ id, done: 0 }),
  handleCall(job: WorkerCall, _from, state) {
    return reply(job.input * 2, { ...state, done: state.done + 1 });
  },
  handleCast(cast: WorkerCast, state) {
    if (cast.type === "finish") return stop("normal", state);
    throw new Error(`worker ${state.id} crashed`);
  },
});

/** How a worker is restarted. */
export type Restart = "transient" | "temporary";

/** Starts the workers' supervisor (linked to the caller), with room for `maxChildren`. */
export function startSupervisor(maxChildren: number, name = "workers"): Promise<Pid> {
  return DynamicSupervisor.startLink({ name, maxChildren, maxRestarts: 10, maxSeconds: 5 });
}

/** The registered name of worker `id`. */
export function nameOf(id: string): string {
  return `worker:${id}`;
}

/** Starts worker `id` under the supervisor; rejects with `ChildError` "max_children" when full. */
export async function startWorker(sup: string, id: string, restart: Restart): Promise<void> {
  const spec = GenServer.childSpec(Worker, id, { name: nameOf(id), restart });
  await DynamicSupervisor.startChild(sup, spec);
}

/** Gives worker `id` a job and waits for the result. */
export function work(id: string, input: number): Promise<number> {
  return GenServer.call(GenServer.named(Worker, nameOf(id)), { type: "job", input });
}

/** Makes worker `id` crash. */
export function crash(id: string): void {
  GenServer.cast(GenServer.named(Worker, nameOf(id)), { type: "crash" });
}

/** Makes worker `id` crash, and waits until it is down. */
export async function crashAndWait(id: string): Promise<void> {
  await stopAndWait(id, crash);
}

/** Makes worker `id` stop normally, and waits until it is down. */
export async function finishAndWait(id: string): Promise<void> {
  await stopAndWait(id, finish);
}

async function stopAndWait(id: string, how: (id: string) => void): Promise<void> {
  const pid = whereis(nameOf(id));
  if (pid === undefined) throw new Error(`worker ${id} is not running`);
  const ref = monitor(pid);
  how(id);
  await receive(downFor(ref));
}

/** Makes worker `id` stop normally. */
export function finish(id: string): void {
  GenServer.cast(GenServer.named(Worker, nameOf(id)), { type: "finish" });
}

/** How many workers are running (`countChildren().active`). */
export async function running(sup: string): Promise<number> {
  return (await DynamicSupervisor.countChildren(sup)).active;
}
