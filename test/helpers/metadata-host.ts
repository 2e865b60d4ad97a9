import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe } from "vitest";
import { REDIRECT_URI } from "./oauth.js";

// Client ID Metadata Documents are served over https: the certificate is made with openssl.
// Without it the tests say so and are skipped, except under CI, where they must run.

const OPENSSL = (() => {
  try {
    execFileSync("openssl", ["version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
})();
const MISSING = "openssl is missing: install it with `sudo apt-get install -y openssl`";

if (!OPENSSL && process.env.CI === "true") throw new Error(MISSING);
if (!OPENSSL) console.warn(`client metadata document tests skipped. ${MISSING}`);

/** `describe` when openssl is here, else skipped with the one line that says how to get it. */
export const describeWithOpenssl = OPENSSL ? describe : describe.skip;

/** A certificate for 127.0.0.1 and localhost that nobody but the test trusts, made with openssl. */
export interface TestCertificate {
  certPath: string;
  cert: string;
  key: string;
}

export function makeCertificate(): TestCertificate {
  const dir = mkdtempSync(join(tmpdir(), "wmcp-tls-"));
  const certPath = join(dir, "cert.pem");
  const keyPath = join(dir, "key.pem");
  execFileSync(
    "openssl",
    [
      ...["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1"],
      ...["-nodes", "-keyout", keyPath, "-out", certPath, "-days", "2"],
      ...["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"],
    ],
    { stdio: "pipe" },
  );
  return { certPath, cert: readFileSync(certPath, "utf8"), key: readFileSync(keyPath, "utf8") };
}

/** What the host answers for a path: a status, headers and a body as it sends them. */
export interface HostedAnswer {
  status?: number;
  headers?: Record<string, string>;
  body: string;
}

/**
 * An https server on 127.0.0.1 where a client publishes its Client ID Metadata Document: it
 * answers each path as told, and records every request it gets.
 */
export async function startMetadataHost(certificate: TestCertificate) {
  const answers = new Map<string, HostedAnswer>();
  const requested: string[] = [];
  const server: Server = createServer(
    { cert: certificate.cert, key: certificate.key },
    (request, response) => {
      const path = request.url ?? "/";
      requested.push(path);
      const answer = answers.get(path) ?? { status: 404, body: "not here" };
      response.writeHead(answer.status ?? 200, {
        "content-type": "application/json",
        ...answer.headers,
      });
      response.end(answer.body);
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    requested,
    /** Publishes a document at `path`, as JSON unless the answer is given whole; its URL. */
    publish(path: string, answer: HostedAnswer | ((url: string) => unknown)): string {
      const url = `${origin}${path}`;
      answers.set(
        path,
        typeof answer === "function" ? { body: JSON.stringify(answer(url)) } : answer,
      );
      return url;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type MetadataHost = Awaited<ReturnType<typeof startMetadataHost>>;

/** A client's metadata document as a public client publishes it at `url`. */
export function clientDocument(url: string, overrides: Record<string, unknown> = {}) {
  return {
    client_id: url,
    client_name: "Editor with a published name",
    redirect_uris: [REDIRECT_URI],
    grant_types: ["authorization_code", "refresh_token"],
    response_types: ["code"],
    token_endpoint_auth_method: "none",
    ...overrides,
  };
}
