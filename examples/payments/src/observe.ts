// `npm run demo -- --observer`: the observer on the demo's runtime. Its URL is printed before
// the demo starts; at the end, on a terminal, it stays up until Enter is pressed.
import type { Runtime } from "@trellis/core";
import * as Observer from "@trellis/observer";

export async function startObserver(runtime: Runtime): Promise<() => Promise<void>> {
  const port = Number(process.env["OBSERVER_PORT"] ?? "0");
  const observer = await Observer.start({ runtime, port: Number.isInteger(port) ? port : 0 });
  return async () => {
    if (process.stdin.isTTY) {
      console.log(
        `\nThe observer is still at ${observer.url}\nPress Enter to stop it and end the demo.`,
      );
      await new Promise<void>((resolve) => process.stdin.once("data", () => resolve()));
      process.stdin.pause();
    }
    await observer.stop();
  };
}
