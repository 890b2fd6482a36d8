// A placeholder demo until examples/payments lands: starts a runtime, a few processes that
// link, monitor and crash, and prints what happened.
import {
  createRuntime,
  downFor,
  isExit,
  monitor,
  type Pid,
  receive,
  self,
  send,
  spawn,
  spawnLink,
  trapExit,
} from "@trellis/core";

const rt = createRuntime();

const report = await rt.run(async () => {
  const lines: string[] = [];
  const echo = spawn(async () => {
    for (;;) {
      const msg = await receive<{ from: Pid; text: string }>();
      send(msg.from, msg.text.toUpperCase());
    }
  });
  send(echo, { from: self(), text: "hello from trellis" });
  lines.push(`echo ${echo} answered: ${await receive()}`);

  trapExit(true);
  const worker = spawnLink(() => {
    throw new Error("worker crashed on purpose");
  });
  const exit = await receive(isExit);
  lines.push(
    `linked worker ${worker} exited; trapped as EXIT with reason: ${(exit.reason as Error).message}`,
  );

  const ref = monitor(echo);
  send(echo, "not an object");
  const down = await receive(downFor(ref));
  lines.push(
    `monitored echo went DOWN with reason: ${down.reason instanceof Error ? down.reason.name : String(down.reason)}`,
  );
  return lines;
});

for (const line of report) console.log(line);
console.log(`processes left: ${rt.processes().length}`);
await rt.shutdown();
