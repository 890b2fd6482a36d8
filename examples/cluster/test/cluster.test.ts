// Runs the example end to end: two Trellis nodes and a real Elixir node on loopback (CI
// installs Erlang and Elixir; without them this fails, it never skips).
import { readFileSync } from "node:fs";
import { expect, it } from "vitest";
import { runCluster } from "../src/cluster.js";

/** Live sockets, servers and child processes of this test process, by kind. */
function handles(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (/^(TCPServerWrap|TCPSocketWrap|ProcessWrap)$/.test(kind)) {
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  }
  return counts;
}

it("two Trellis nodes and an Elixir node share a GenServer and a pg group, then all stop", async () => {
  const before = handles();
  const lines: string[] = [];
  const reports = await runCluster({ say: (line) => lines.push(line) });
  expect(lines).toEqual([
    "port mapper listening on 127.0.0.1 (stands in for EPMD)",
    "server@127.0.0.1: counter started",
    "client@127.0.0.1: counter {add, 2} -> 2",
    "client@127.0.0.1: a worker joined the pg group workers",
    "ex@127.0.0.1: connected server@127.0.0.1 client@127.0.0.1",
    'ex@127.0.0.1: members [:"client@127.0.0.1"]',
    "ex@127.0.0.1: counter 12",
    "ex@127.0.0.1: joined",
    "client@127.0.0.1: workers on client@127.0.0.1, ex@127.0.0.1",
    "client@127.0.0.1: counter get -> 12",
    "ex@127.0.0.1: bye",
    "all nodes stopped",
  ]);
  // the README shows this very run
  const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
  expect(readme).toContain(`\`\`\`text\n${lines.join("\n")}\n\`\`\``);
  // orderly stops are not logged: no Trellis report at all
  expect(reports).toEqual([]);
  // every listener, socket and OS process the run started is gone (closing sockets may take
  // a few event-loop turns)
  const deadline = Date.now() + 5000;
  while (JSON.stringify(handles()) !== JSON.stringify(before) && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(handles()).toEqual(before);
}, 60_000);
