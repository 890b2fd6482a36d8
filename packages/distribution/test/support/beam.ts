// A real BEAM node for interop tests, driven line by line (see test/erl/trellis_peer.erl).
import { fileURLToPath } from "node:url";
import { compileErlang, LinePeer } from "./erl.js";

const source = fileURLToPath(new URL("../erl/trellis_peer.erl", import.meta.url));

export interface BeamOptions {
  readonly name: string;
  readonly cookie: string;
  readonly epmdPort: number;
  readonly tickTime: number;
  /** More `erl` arguments, e.g. `["-proto_dist", "inet_tls", "-ssl_dist_optfile", path]`. */
  readonly args?: readonly string[];
}

export class Beam {
  private readonly events: string[] = [];

  private constructor(
    readonly peer: LinePeer,
    readonly node: string,
  ) {}

  static async start(options: BeamOptions, codeDir: string): Promise<Beam> {
    const node = `${options.name}@127.0.0.1`;
    const peer = new LinePeer(
      "erl",
      [
        "-noshell",
        "-name",
        node,
        "-setcookie",
        options.cookie,
        "-start_epmd",
        "false",
        "-kernel",
        "net_ticktime",
        String(options.tickTime),
        "-kernel",
        "inet_dist_use_interface",
        "{127,0,0,1}",
        ...(options.args ?? []),
        "-pa",
        codeDir,
        "-s",
        "trellis_peer",
        "main",
      ],
      { ERL_EPMD_PORT: String(options.epmdPort) },
    );
    try {
      await peer.waitFor(/^READY /, 15_000);
    } catch (err) {
      await peer.stop();
      throw err;
    }
    return new Beam(peer, node);
  }

  static compile(): { dir: string; remove(): void } {
    return compileErlang(source);
  }

  /** Evaluates an Erlang expression (ending with a dot) and returns what it printed. */
  async eval(expr: string, timeoutMs = 10_000): Promise<string> {
    this.peer.send(expr);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = await this.peer.line(Math.max(1, deadline - Date.now()));
      if (line.startsWith("EVENT ")) this.events.push(line.slice(6));
      else if (line.startsWith("RESULT ")) return line.slice(7);
      else if (line.startsWith("ERROR ")) throw new Error(`${expr} failed: ${line.slice(6)}`);
    }
  }

  /** The next asynchronous report of a helper process. */
  async event(timeoutMs = 10_000): Promise<string> {
    const queued = this.events.shift();
    if (queued !== undefined) return queued;
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = await this.peer.line(Math.max(1, deadline - Date.now()));
      if (line.startsWith("EVENT ")) return line.slice(6);
    }
  }

  async stop(): Promise<void> {
    await this.peer.stop();
  }
}
