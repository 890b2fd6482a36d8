// Runs the service until SIGTERM or Ctrl-C, then drains: `PORT=8080 pnpm start`, then
// `curl 'http://127.0.0.1:8080/slow?ms=3000'` and press Ctrl-C while it waits.
import * as Application from "@trellis/application";
import { HttpDrain } from "./app.js";

await Application.runMain(HttpDrain);
