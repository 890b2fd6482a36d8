// The example of packages/opentelemetry/README.md, run by test/readme.test.ts and, from the
// packed tarballs, by CI in a fresh npm project (with only @opentelemetry/api installed, so
// its providers are the API's no-op ones; test/bridge.test.ts checks the spans and metrics
// against the SDK's in-memory exporters).
// #region readme
import { createRuntime } from "@trellis/core";
import * as GenServer from "@trellis/gen-server";
import { instrument } from "@trellis/opentelemetry";

// Set up the OpenTelemetry SDK first (NodeSDK, or providers of your own): by default
// instrument() uses the global tracer and meter providers of @opentelemetry/api.
const runtime = createRuntime();
const instrumentation = instrument({ runtime }); // or { runtime, tracerProvider, meterProvider }

const Echo = GenServer.define({
  init: () => GenServer.Result.ok(null),
  handleCall: (request: GenServer.Request<string, string>, _from, state) =>
    GenServer.Result.reply(`${request}!`, state),
});

await runtime.run(async () => {
  const echo = await GenServer.start(Echo, undefined);
  console.log(await GenServer.call(echo, "ping")); // ping! (a client span and a server span)
  await GenServer.stop(echo);
});
instrumentation.stop();
await runtime.shutdown();
// #endregion readme
