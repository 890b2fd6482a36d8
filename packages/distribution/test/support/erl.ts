// Helpers to run real Erlang programs from tests: every wait is bounded, every OS process
// started is killed by pid when the test ends.
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

let checked = false;

/** Fails (never skips) when Erlang is not installed: CI installs it. */
export function requireErlang(): void {
  if (checked) return;
  try {
    execFileSync("erl", ["-noshell", "-eval", "halt()."], { timeout: 15_000, stdio: "ignore" });
  } catch {
    throw new Error(
      "These interop tests need Erlang/OTP 25+ (`erl`, `erlc`, `epmd`) on the PATH. " +
        "Install it (Debian: `apt-get install -y erlang-nox elixir`) and run again.",
    );
  }
  checked = true;
}

/** Compiles `files` (.erl) into a fresh temporary directory and returns it. */
export function compileErlang(...files: string[]): { dir: string; remove(): void } {
  requireErlang();
  const dir = mkdtempSync(join(tmpdir(), "trellis-erl-"));
  execFileSync("erlc", ["-o", dir, ...files], { timeout: 30_000, stdio: "pipe" });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A child process that answers one line per request on stdout. */
export class LinePeer {
  private readonly child: ChildProcess;
  private buffer = "";
  private readonly lines: string[] = [];
  private wake: (() => void) | undefined;
  private exited = false;
  stderr = "";

  constructor(command: string, args: string[], env?: NodeJS.ProcessEnv) {
    this.child = spawn(command, args, {
      stdio: ["pipe", "pipe", "pipe"],
      env: { ...process.env, ...env },
    });
    this.child.stdout?.setEncoding("utf8");
    this.child.stdout?.on("data", (chunk: string) => {
      this.buffer += chunk;
      let i = this.buffer.indexOf("\n");
      while (i >= 0) {
        this.lines.push(this.buffer.slice(0, i));
        this.buffer = this.buffer.slice(i + 1);
        i = this.buffer.indexOf("\n");
      }
      this.wake?.();
    });
    this.child.stderr?.setEncoding("utf8");
    this.child.stderr?.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.child.on("exit", () => {
      this.exited = true;
      this.wake?.();
    });
    this.child.on("error", (err) => {
      // e.g. ENOENT: the program is not installed
      this.stderr += `could not run ${command}: ${err.message} (install Erlang/OTP 25+ and Elixir: apt-get install -y erlang-nox elixir)\n`;
      this.exited = true;
      this.wake?.();
    });
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Sends one line. */
  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** The next line of output, or a rejection after `timeoutMs`. */
  async line(timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const next = this.lines.shift();
      if (next !== undefined) return next;
      if (this.exited) throw new Error(`the peer exited; stderr: ${this.stderr}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no line from the peer within ${timeoutMs} ms`);
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

  /** Waits for a line matching `pattern` (skipping others). */
  async waitFor(pattern: RegExp, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = await this.line(Math.max(1, deadline - Date.now()));
      if (pattern.test(line)) return line;
    }
  }

  async request(line: string, timeoutMs = 10_000): Promise<string> {
    this.send(line);
    return this.line(timeoutMs);
  }

  /** Sends a signal to the OS process (by pid). */
  signal(sig: NodeJS.Signals): void {
    if (!this.exited) this.child.kill(sig);
  }

  /** Kills the process (by pid) and waits for it to exit, at most 5 s. */
  async stop(): Promise<void> {
    if (this.exited) return;
    this.child.kill("SIGKILL");
    const deadline = Date.now() + 5_000;
    while (!this.exited && Date.now() < deadline) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 50);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("hex").toUpperCase();
}

export function fromHex(hex: string): Uint8Array {
  return new Uint8Array(Buffer.from(hex, "hex"));
}

/** A free TCP port on 127.0.0.1 (bound then released). */
export async function freePort(): Promise<number> {
  const { createServer } = await import("node:net");
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (typeof address !== "object" || address === null) throw new Error("no port");
  return address.port;
}

/** Starts Erlang's `epmd` in the foreground on a free loopback port. */
export async function startEpmd(): Promise<{ port: number; stop(): Promise<void> }> {
  requireErlang();
  const port = await freePort();
  const child = new LinePeer("epmd", ["-port", String(port), "-address", "127.0.0.1"]);
  const { epmdNames } = await import("../../src/index.js");
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      await epmdNames({ port, timeout: 1000 });
      break;
    } catch (err) {
      if (Date.now() > deadline) {
        await child.stop();
        throw err;
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  return { port, stop: () => child.stop() };
}
