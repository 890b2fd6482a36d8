// The example of packages/core/README.md, run by test/readme.test.ts and, from the packed
// tarballs, by CI in a fresh npm project.
// #region readme
import {
  createRuntime,
  downFor,
  monitor,
  type Pid,
  receive,
  self,
  send,
  spawn,
} from "@trellis/core";

// Process code runs inside a runtime: run() starts a process for the function.
const runtime = createRuntime();
await runtime.run(async () => {
  const echo = spawn(async () => {
    const { from, text } = await receive<{ from: Pid; text: string }>();
    send(from, text.toUpperCase());
  });
  const ref = monitor(echo);
  send(echo, { from: self(), text: "hello" });
  console.log(await receive()); // HELLO
  const down = await receive(downFor(ref));
  console.log(down.reason); // normal
});
await runtime.shutdown();
// #endregion readme
