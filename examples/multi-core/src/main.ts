// Starts the service and serves until Ctrl-C. Try:
//   curl 'http://127.0.0.1:4000/hash?data=hello&rounds=20000'
import { createRuntime } from "@trellis/core";
import { startService } from "./service.js";

const rt = createRuntime({ node: "main@localhost" });
const service = await startService({ runtime: rt, port: Number(process.env["PORT"] ?? 4000) });
console.log(`listening on ${service.url}; hashing on ${service.nodes.join(", ")}`);
process.once("SIGINT", () => {
  void service.stop().then(() => rt.shutdown());
});
