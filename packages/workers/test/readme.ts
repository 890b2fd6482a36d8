// The example of packages/workers/README.md, run by test/readme.test.ts and, from the packed
// tarballs, by CI in a fresh npm project.
// #region readme
import { createHash } from "node:crypto";
import { isMainThread } from "node:worker_threads";
import { createRuntime, self } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { remoteDefinition, startPool, startWorkers } from "@trellis/workers";

// Worker nodes load the server's module by URL (closures cannot cross threads): here, this
// file. On a worker thread it only defines Hasher; the main thread runs the service.
type HashCall = GenServer.Request<{ data: string }, { digest: string; node: string }>;

export const Hasher: GenServer.Definition<
  null,
  GenServer.Result.OkResult<null>,
  HashCall
> = GenServer.define({
  init: () => GenServer.Result.ok(null),
  handleCall: (request: HashCall, _from, state) => {
    const digest = createHash("sha256").update(request.data).digest("hex").slice(0, 12);
    return GenServer.Result.reply({ digest, node: self().node }, state);
  },
});

if (isMainThread) {
  const runtime = createRuntime();
  await runtime.run(async () => {
    const workers = await startWorkers({ count: 2 }); // default: one node per core
    console.log(workers.nodes.join(" ")); // worker1@nohost worker2@nohost
    const def = remoteDefinition<typeof Hasher>(new URL(import.meta.url), "Hasher");
    const pool = await startPool(def, null, { nodes: workers.nodes });
    const a = await pool.call("user:42", { data: "secret" }); // on the key's worker
    const b = await pool.call("user:42", { data: "secret" });
    console.log(a.digest, a.node === b.node); // 2bb80d537b1d true: a key stays on its node
    await pool.stop();
    await workers.stop();
  });
  await runtime.shutdown();
}
// #endregion readme
