// `npm run demo` (the README's first command) runs this: the payments service under one
// supervision tree, driven through its HTTP API, with faults injected; it exits non-zero if
// an invariant fails. DEMO_LOAD_MS sets the length of the load phase (0 skips it);
// `--observer` also starts the observer on the demo's runtime and prints its URL.
import { runDemo } from "./demo.js";
import { startObserver } from "./observe.js";

const loadMs = Number(process.env["DEMO_LOAD_MS"] ?? "20000");
const result = await runDemo({
  loadMs: Number.isFinite(loadMs) && loadMs >= 0 ? loadMs : 1500,
  ...(process.argv.includes("--observer") ? { attach: startObserver } : {}),
});
process.exitCode = result.ok ? 0 : 1;
