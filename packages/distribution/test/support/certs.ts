// Throwaway certificates for the TLS distribution tests, made with the `openssl` CLI into a
// fresh temporary directory (removed afterwards): a test CA with one node certificate, and
// an unrelated CA with an "intruder" certificate that no node trusts. Keys are P-256 and
// live for one day; nothing of value is ever committed.
import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface CertFiles {
  /** PEM file paths. */
  readonly ca: string;
  readonly cert: string;
  readonly key: string;
}

export interface TestCerts {
  readonly dir: string;
  /** A node certificate signed by the trusted CA, for 127.0.0.1 (IP and DNS names). */
  readonly trusted: CertFiles;
  /** A certificate for the same host signed by another CA; `ca` is still the trusted CA. */
  readonly intruder: CertFiles;
  /** Node's `tls` option for `files`. */
  tlsOptions(files: CertFiles): { cert: Buffer; key: Buffer; ca: Buffer };
  /** Writes an Erlang `-ssl_dist_optfile` for `files` (verify_peer both ways) and returns its path. */
  erlangOptFile(files: CertFiles, name: string): string;
  remove(): void;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync("openssl", args, { cwd, timeout: 20_000, stdio: "pipe" });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === "ENOENT") {
      throw new Error(
        "The TLS distribution tests make certificates with the `openssl` CLI: install it (Debian: `apt-get install -y openssl`) and run again.",
      );
    }
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString() ?? e.message}`);
  }
}

function makeCa(dir: string, name: string): void {
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.pem`,
      "-days",
      "1",
      "-subj",
      `/CN=Trellis test ${name}`,
    ],
    dir,
  );
}

function makeNode(dir: string, name: string, ca: string): void {
  openssl(
    [
      "req",
      "-newkey",
      "ec",
      "-pkeyopt",
      "ec_paramgen_curve:prime256v1",
      "-nodes",
      "-keyout",
      `${name}.key`,
      "-out",
      `${name}.csr`,
      "-subj",
      `/CN=${name}`,
    ],
    dir,
  );
  // Node checks the IP entry for a host that is an address; OTP 25 matches the host text
  // against the DNS entries: a node at 127.0.0.1 needs both. The same extensions as the
  // openssl recipe of docs/guides/distribution.md, so that the tests check that recipe.
  writeFileSync(
    join(dir, `${name}.ext`),
    "subjectAltName=IP:127.0.0.1,DNS:127.0.0.1\nextendedKeyUsage=serverAuth,clientAuth\n",
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      `${name}.csr`,
      "-CA",
      `${ca}.pem`,
      "-CAkey",
      `${ca}.key`,
      "-CAcreateserial",
      "-out",
      `${name}.pem`,
      "-days",
      "1",
      "-extfile",
      `${name}.ext`,
    ],
    dir,
  );
}

export function makeTestCerts(): TestCerts {
  const dir = mkdtempSync(join(tmpdir(), "trellis-tls-"));
  try {
    makeCa(dir, "ca");
    makeCa(dir, "other-ca");
    makeNode(dir, "node", "ca");
    makeNode(dir, "intruder", "other-ca");
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const files = (name: string): CertFiles => ({
    ca: join(dir, "ca.pem"),
    cert: join(dir, `${name}.pem`),
    key: join(dir, `${name}.key`),
  });
  return {
    dir,
    trusted: files("node"),
    intruder: files("intruder"),
    tlsOptions: (f) => ({
      cert: readFileSync(f.cert),
      key: readFileSync(f.key),
      ca: readFileSync(f.ca),
    }),
    erlangOptFile(f, name) {
      const side = `{certfile, "${f.cert}"}, {keyfile, "${f.key}"}, {cacertfile, "${f.ca}"}, {verify, verify_peer}, {secure_renegotiate, true}`;
      const path = join(dir, `${name}.conf`);
      writeFileSync(
        path,
        `[{server, [${side}, {fail_if_no_peer_cert, true}]},\n {client, [${side}]}].\n`,
      );
      return path;
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
