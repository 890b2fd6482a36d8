import { describe, expect, it } from "vitest";
import {
  createRuntime,
  DownMessage,
  type Inbound,
  monitor,
  receive,
  type Signal,
  send,
} from "../src/index.js";

describe("Runtime.setConnector (connect on demand)", () => {
  it("asks the connector for a transport when a signal goes to an unconnected node", async () => {
    const a = createRuntime({ node: "a@host", clock: "virtual" });
    const b = createRuntime({ node: "b@host", clock: "virtual" });
    const asked: string[] = [];
    let intoB: Inbound | undefined;
    a.setConnector((node) => {
      asked.push(node);
      // b's side of the connection: a's signals enter b through the Inbound b hands out
      intoB = b.connect("a@host", { deliver: () => {} });
      return { deliver: (s: Signal) => intoB?.receive(s) };
    });
    const got: unknown[] = [];
    const target = b.spawn(async () => {
      got.push(await receive());
    });
    await a.run(() => {
      send(target, "hello");
      send(target, "again"); // the transport is kept: asked once
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual(["b@host"]);
    expect(a.nodes()).toEqual(["b@host"]);
    expect(got).toEqual(["hello"]);
    await a.shutdown();
    await b.shutdown();
  });

  it("without a transport the signal fails as before, and removing the connector stops it", async () => {
    const a = createRuntime({ node: "a@host", clock: "virtual" });
    const b = createRuntime({ node: "b@host", clock: "virtual" });
    const remote = b.spawn(() => new Promise(() => {}));
    let calls = 0;
    a.setConnector(() => {
      calls++;
      return undefined;
    });
    const down = await a.run(async () => {
      monitor(remote);
      return receive((m) => m instanceof DownMessage, { timeout: 0 });
    });
    expect((down as DownMessage).reason).toBe("noconnection");
    await a.run(() => {
      send(remote, "x");
    });
    expect(calls).toBe(2);
    a.setConnector(undefined);
    await a.run(() => {
      send(remote, "x");
    });
    expect(calls).toBe(2);
    await a.shutdown();
    await b.shutdown();
  });
});
