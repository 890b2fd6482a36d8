// An Elixir node as a child OS process: its printed lines are read one at a time, each wait
// bounded; `stop` kills it by pid if it has not exited by itself.
import { type ChildProcess, spawn } from "node:child_process";

export class ElixirNode {
  private readonly child: ChildProcess;
  private readonly lines: string[] = [];
  private buffer = "";
  private stderr = "";
  private exited = false;
  private wake: (() => void) | undefined;

  /**
   * Runs `script` as the node `name` with `cookie`, finding other nodes through the port
   * mapper at `epmdPort`.
   */
  constructor(name: string, cookie: string, epmdPort: number, script: string, args: string[]) {
    this.child = spawn(
      "elixir",
      ["--name", name, "--cookie", cookie, "--erl", "-start_epmd false", script, ...args],
      { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ERL_EPMD_PORT: `${epmdPort}` } },
    );
    this.child.stdout?.setEncoding("utf8");
    this.child.stdout?.on("data", (chunk: string) => {
      this.buffer += chunk;
      const parts = this.buffer.split("\n");
      this.buffer = parts.pop() ?? "";
      this.lines.push(...parts);
      this.wake?.();
    });
    this.child.stderr?.setEncoding("utf8");
    this.child.stderr?.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    const gone = (why: string) => {
      this.exited = true;
      if (why !== "") this.stderr += why;
      this.wake?.();
    };
    this.child.on("exit", () => gone(""));
    this.child.on("error", (err) =>
      gone(`could not run elixir: ${err.message} (install Erlang/OTP 25+ and Elixir)\n`),
    );
  }

  /** The next printed line, waiting at most `timeoutMs`. */
  async line(timeoutMs: number): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const next = this.lines.shift();
      if (next !== undefined) return next;
      if (this.exited) throw new Error(`the Elixir node exited; its stderr: ${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line from the Elixir node within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }

  /** Waits up to `timeoutMs` for the node to exit, then kills it (by pid) if it has not. */
  async stop(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.exited) {
      const left = deadline - Date.now();
      if (left <= 0) {
        this.child.kill("SIGKILL");
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, 5000);
          this.child.once("exit", () => {
            clearTimeout(t);
            resolve();
          });
          if (this.exited) resolve();
        });
        return;
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          this.wake = undefined;
          resolve();
        };
      });
    }
  }
}
