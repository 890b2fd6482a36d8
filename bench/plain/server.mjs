// The counter server used by call, cast and fanin: `inc` adds one, `get` reads.
import { spawn } from "./actor.mjs";

function counter(self, msg) {
  if (msg.request === "inc") {
    self.state++;
    if (msg.reply !== null) msg.reply(self.state);
  } else if (msg.reply !== null) {
    msg.reply(self.state);
  }
}

export function startCounter() {
  return spawn(counter, 0);
}
