import { lookup as dnsLookup, type LookupAddress } from "node:dns";
import { request } from "node:https";
import { BlockList, isIP, type LookupFunction } from "node:net";
import {
  type OAuthClientInformationFull,
  OAuthClientInformationFullSchema,
} from "@modelcontextprotocol/sdk/shared/auth.js";

/** The most a client's metadata document may weigh, as the MCP authorization spec advises. */
const MAX_DOCUMENT_BYTES = 5 * 1024;
/** How long fetching one may take, from the lookup to its last byte. */
const FETCH_TIMEOUT_MS = 5_000;
/** How long a document is kept when its answer names no max-age, and the most it is kept. */
const DEFAULT_KEEP_MS = 5 * 60_000;
const MAX_KEEP_MS = 60 * 60_000;
/** How many documents are kept at once. */
const MAX_KEPT = 256;

/**
 * Addresses no metadata document is fetched from on a public server: this network's own and
 * every range not routed on the internet, so that a client id cannot make the server reach
 * inside (server-side request forgery).
 */
const NOT_PUBLIC_V4 = blockList("ipv4", [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.0.0.0", 24],
  ["192.168.0.0", 16],
  ["198.18.0.0", 15],
  ["224.0.0.0", 3],
]);
// Apart: a list with IPv6 rules matches some IPv4 addresses too. IPv6 ranges that are not routed,
// or that carry an IPv4 address inside (IPv4-compatible and -mapped, NAT64, 6to4, Teredo), which
// could name one of the ranges above.
const NOT_PUBLIC_V6 = blockList("ipv6", [
  ["::", 96],
  ["::ffff:0:0", 96],
  ["64:ff9b::", 96],
  ["100::", 64],
  ["2001::", 32],
  ["2001:db8::", 32],
  ["2002::", 16],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
]);

function blockList(family: "ipv4" | "ipv6", subnets: readonly [string, number][]): BlockList {
  const list = new BlockList();
  for (const [network, prefix] of subnets) list.addSubnet(network, prefix, family);
  return list;
}

/** Whether `clientId` is a Client ID Metadata Document's URL: https, with a path. */
export function isMetadataDocumentUrl(clientId: string): boolean {
  if (!URL.canParse(clientId)) return false;
  const url = new URL(clientId);
  return url.protocol === "https:" && url.pathname !== "/" && url.hash === "";
}

/**
 * Client ID Metadata Documents: a client whose id is an https URL publishes its registration
 * there. The document is fetched once in a while (its max-age, at most an hour), only from
 * public addresses unless the server itself is only reachable on loopback, never through a
 * redirect, and taken only when it names that same URL as its client id, asks for no client
 * secret, and sends the person back only to https or loopback addresses.
 */
export class ClientMetadataDocuments {
  readonly #kept = new Map<string, { client: OAuthClientInformationFull; until: number }>();
  readonly #acceptableRedirect: (uri: string) => boolean;

  constructor(acceptableRedirect: (uri: string) => boolean) {
    this.#acceptableRedirect = acceptableRedirect;
  }

  /** The client registered at `url`, or undefined when its document cannot be had or taken. */
  async client(
    url: string,
    reach: "public" | "any",
  ): Promise<OAuthClientInformationFull | undefined> {
    const kept = this.#kept.get(url);
    if (kept !== undefined && kept.until > Date.now()) return kept.client;
    this.#kept.delete(url);
    const fetched = await fetchDocument(url, reach).catch(() => undefined);
    if (fetched === undefined) return undefined;
    const client = this.#accepted(url, fetched.body);
    if (client !== undefined && fetched.keepMs > 0) {
      if (this.#kept.size >= MAX_KEPT) this.#kept.clear();
      this.#kept.set(url, { client, until: Date.now() + fetched.keepMs });
    }
    return client;
  }

  #accepted(url: string, body: string): OAuthClientInformationFull | undefined {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return undefined;
    }
    const parsed = OAuthClientInformationFullSchema.safeParse(json);
    if (!parsed.success) return undefined;
    const client = parsed.data;
    const publicClient =
      client.client_secret === undefined &&
      (client.token_endpoint_auth_method ?? "none") === "none";
    const redirects =
      client.redirect_uris.length > 0 && client.redirect_uris.every(this.#acceptableRedirect);
    return client.client_id === url && publicClient && redirects ? client : undefined;
  }
}

/** GET `url`: 200 with JSON, under the size and time limits, from an address `reach` allows. */
function fetchDocument(
  url: string,
  reach: "public" | "any",
): Promise<{ body: string; keepMs: number } | undefined> {
  // An address written out is connected to without a lookup: it is checked here instead.
  const literal = new URL(url).hostname.replace(/^\[|\]$/g, "");
  if (reach === "public" && isIP(literal) !== 0 && !isPublic(literal, isIP(literal))) {
    return Promise.resolve(undefined);
  }
  return new Promise((resolve, reject) => {
    const outgoing = request(
      url,
      {
        method: "GET",
        headers: { accept: "application/json" },
        timeout: FETCH_TIMEOUT_MS,
        signal: AbortSignal.timeout(FETCH_TIMEOUT_MS),
        ...(reach === "public" ? { lookup: publicOnly } : {}),
      },
      (incoming) => {
        const type = incoming.headers["content-type"] ?? "";
        if (incoming.statusCode !== 200 || !/^application\/([\w.+-]+\+)?json\b/i.test(type)) {
          incoming.resume();
          resolve(undefined);
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        incoming.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_DOCUMENT_BYTES) {
            outgoing.destroy();
            resolve(undefined);
            return;
          }
          chunks.push(chunk);
        });
        incoming.on("end", () => {
          resolve({
            body: Buffer.concat(chunks).toString("utf8"),
            keepMs: keepFor(incoming.headers["cache-control"]),
          });
        });
        incoming.on("error", reject);
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error("timed out")));
    outgoing.on("error", reject);
    outgoing.end();
  });
}

/** How long an answer with this Cache-Control may be kept. */
function keepFor(cacheControl: string | undefined): number {
  if (cacheControl === undefined) return DEFAULT_KEEP_MS;
  if (/\b(no-store|no-cache)\b/i.test(cacheControl)) return 0;
  const maxAge = /\bmax-age=(\d+)/i.exec(cacheControl)?.[1];
  return maxAge === undefined ? DEFAULT_KEEP_MS : Math.min(Number(maxAge) * 1000, MAX_KEEP_MS);
}

/** Whether `address` (of IP `family` 4 or 6) may be fetched from by a server on a public address. */
export function isPublic(address: string, family: number): boolean {
  return family === 6
    ? !NOT_PUBLIC_V6.check(address, "ipv6")
    : !NOT_PUBLIC_V4.check(address, "ipv4");
}

/** Node's lookup, refusing every address that is not public: checked where the socket connects. */
const publicOnly: LookupFunction = (hostname, options, callback) => {
  dnsLookup(hostname, { ...options, all: true }, (error, addresses: LookupAddress[]) => {
    if (error !== null) {
      callback(error, "", 4);
      return;
    }
    const refused = addresses.find(({ address, family }) => !isPublic(address, family));
    const first = addresses[0];
    if (refused !== undefined || first === undefined || isIP(first.address) === 0) {
      callback(new Error(`${hostname} is not a public address`), "", 4);
      return;
    }
    if (options.all === true) callback(null, addresses);
    else callback(null, first.address, first.family);
  });
};
