import { globalAgent } from "node:https";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ClientMetadataDocuments, isPublic } from "../../src/remote/client-metadata-documents.js";
import {
  clientDocument,
  describeWithOpenssl,
  makeCertificate,
  type MetadataHost,
  startMetadataHost,
} from "../helpers/metadata-host.js";

// Client ID Metadata Documents as the server fetches them, from a real https server on
// 127.0.0.1: what is taken, what is refused, and where the server will not go.

let host: MetadataHost;
beforeAll(async () => {
  const certificate = makeCertificate();
  // This process trusts the test's certificate, as the bin does through NODE_EXTRA_CA_CERTS.
  globalAgent.options.ca = certificate.cert;
  host = await startMetadataHost(certificate);
});
afterAll(() => host.close());

const https = (uri: string) => uri.startsWith("https://") || uri.startsWith("http://127.0.0.1");
let documents: ClientMetadataDocuments;
beforeEach(() => {
  documents = new ClientMetadataDocuments(https);
  host.requested.length = 0;
});

describeWithOpenssl("Client ID Metadata Documents", () => {
  it("takes a public client's document that names its own URL", async () => {
    const url = host.publish("/good.json", (at) => clientDocument(at));
    const client = await documents.client(url, "any");
    expect(client).toMatchObject({ client_id: url, client_name: "Editor with a published name" });
  });

  it("fetches nothing from a loopback or private address for a server on a public address", async () => {
    const url = host.publish("/inside.json", (at) => clientDocument(at));
    expect(await documents.client(url, "public")).toBeUndefined();
    // A name that resolves to one is refused where the socket would connect.
    const named = url.replace("127.0.0.1", "localhost");
    host.publish("/inside.json", { body: JSON.stringify(clientDocument(named)) });
    expect(await documents.client(named, "public")).toBeUndefined();
    expect(host.requested).toEqual([]);
    // The same documents, for a server only this computer reaches.
    expect(await documents.client(named, "any")).toMatchObject({ client_id: named });
    expect(host.requested).toEqual(["/inside.json"]);
  });

  it.each([
    ["names another client id", (at: string) => clientDocument(`${at}x`)],
    ["holds a client secret", (at: string) => clientDocument(at, { client_secret: "s3cret" })],
    [
      "authenticates with a secret",
      (at: string) => clientDocument(at, { token_endpoint_auth_method: "client_secret_post" }),
    ],
    [
      "sends the person back over plain http elsewhere",
      (at: string) => clientDocument(at, { redirect_uris: ["http://client.example/cb"] }),
    ],
    ["names no redirect at all", (at: string) => clientDocument(at, { redirect_uris: [] })],
  ])("refuses a document that %s", async (_what, document) => {
    const url = host.publish("/bad.json", document);
    expect(await documents.client(url, "any")).toBeUndefined();
  });

  it.each([
    ["a redirect, which it does not follow", { status: 302, headers: { location: "/good.json" } }],
    ["a 404", { status: 404 }],
    ["HTML", { headers: { "content-type": "text/html" } }],
    ["over 5 KiB", { padding: 6 * 1024 }],
    ["not JSON", { truncated: true }],
  ])("refuses %s", async (_what, answer) => {
    const path = "/odd.json";
    const url = host.publish("/good.json", (at) => clientDocument(at));
    host.requested.length = 0;
    const odd = `${url.replace("/good.json", path)}`;
    const document = JSON.stringify(
      clientDocument(odd, { padding: "x".repeat("padding" in answer ? answer.padding : 0) }),
    );
    host.publish(path, {
      ...("status" in answer ? { status: answer.status } : {}),
      ...("headers" in answer ? { headers: answer.headers } : {}),
      body: "truncated" in answer ? document.slice(0, 40) : document,
    });
    expect(await documents.client(odd, "any")).toBeUndefined();
    expect(host.requested).toEqual([path]);
  });

  it("keeps a document for its max-age, and fetches one marked no-store each time", async () => {
    const kept = host.publish("/kept.json", (at) => clientDocument(at));
    await documents.client(kept, "any");
    await documents.client(kept, "any");
    expect(host.requested).toEqual(["/kept.json"]);
    const fresh = `${host.origin}/fresh.json`;
    host.publish("/fresh.json", {
      headers: { "cache-control": "no-store" },
      body: JSON.stringify(clientDocument(fresh)),
    });
    await documents.client(fresh, "any");
    expect(await documents.client(fresh, "any")).toMatchObject({ client_id: fresh });
    expect(host.requested).toEqual(["/kept.json", "/fresh.json", "/fresh.json"]);
  });
});

describe("addresses a server on a public address fetches no document from", () => {
  it.each([
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "::7f00:1",
    "::ffff:127.0.0.1",
    "64:ff9b::7f00:1",
    "2002:7f00:1::",
    "2001:0:7f00:1::",
    "fd00::1",
    "fe80::1",
  ])("refuses %s", (address) => {
    expect(isPublic(address, address.includes(":") ? 6 : 4)).toBe(false);
  });

  it.each(["93.184.216.34", "8.8.8.8", "2606:4700::1111"])("takes %s", (address) => {
    expect(isPublic(address, address.includes(":") ? 6 : 4)).toBe(true);
  });
});
