// Type tests of the public API.
import type { Pid, Runtime } from "@trellis/core";
import {
  atom,
  type DistributionNode,
  type DistributionTlsOptions,
  decode,
  type ErlTerm,
  encode,
  Float,
  ImproperList,
  type List,
  list,
  type PgScope,
  type RemoteName,
  startNode,
  startPg,
} from "@trellis/distribution";
import { describe, expectTypeOf, it } from "vitest";

declare const rt: Runtime;
declare const node: DistributionNode;
declare const pid: Pid;

describe("@trellis/distribution types", () => {
  it("terms", () => {
    const t: ErlTerm = [
      atom("ok"),
      list(1, "two", 3n),
      new Map([[atom("k"), 1.5]]),
      { a: null },
      pid,
    ];
    expectTypeOf(encode(t)).toEqualTypeOf<Uint8Array>();
    expectTypeOf(decode(encode(t))).toEqualTypeOf<ErlTerm>();
    expectTypeOf(list(1, 2)).toEqualTypeOf<List>();
    void new ImproperList([atom("alias")], 1);
    void new Float(1);
    // @ts-expect-error a function is not a term
    encode(() => 1);
    // @ts-expect-error a Date is not a term
    encode(new Date());
  });

  it("nodes", () => {
    expectTypeOf(startNode(rt, { cookie: "c", tickTime: 4 })).toEqualTypeOf<
      Promise<DistributionNode>
    >();
    const dest: RemoteName = { name: "counter", node: "ex@127.0.0.1" };
    expectTypeOf(node.call(dest, atom("get"))).toEqualTypeOf<Promise<unknown>>();
    expectTypeOf(node.call<number>(dest, atom("get"), { timeout: 100 })).toEqualTypeOf<
      Promise<number>
    >();
    expectTypeOf(node.ping("ex@127.0.0.1")).toEqualTypeOf<Promise<"pong" | "pang">>();
    node.exportFunction("math", "add", (a, b) => (a as number) + (b as number));
    // @ts-expect-error a destination needs a node
    node.send({ name: "counter" }, 1);
    // @ts-expect-error the cookie is a string
    void startNode(rt, { cookie: 42 });
  });

  it("TLS", () => {
    const tls: DistributionTlsOptions = {
      cert: "-----BEGIN CERTIFICATE-----…",
      key: Buffer.from("…"),
      ca: ["…", Buffer.from("…")],
      requestCert: false,
      client: { minVersion: "TLSv1.3" },
    };
    void startNode(rt, { cookie: "c", tls });
    // @ts-expect-error a key is required
    void startNode(rt, { cookie: "c", tls: { cert: "…" } });
    // @ts-expect-error a certificate is PEM text or bytes
    void startNode(rt, { cookie: "c", tls: { cert: 1, key: "…" } });
  });

  it("pg", () => {
    expectTypeOf(startPg(rt, node)).toEqualTypeOf<PgScope>();
    const pg = startPg(rt, node, "scope");
    pg.join(atom("chat"), [pid]);
    expectTypeOf(pg.getMembers("chat")).toEqualTypeOf<Pid[]>();
  });
});
