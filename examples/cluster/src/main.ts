// Runs the three-node cluster once and prints what happens (needs `elixir` on the PATH).
import { runCluster } from "./cluster.js";

const reports = await runCluster({ say: (line) => console.log(line) });
for (const r of reports) console.log(`[${r.kind}] ${r.message}`);
