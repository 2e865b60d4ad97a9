import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { readRequestBody } from "../../read-request-body.js";

/** A form post larger than this is not an answer. */
const MAX_POST_BYTES = 16 * 1024;

/** A page to send: its status, and its HTML made with the style's nonce. */
export interface Rendered {
  status: number;
  html: (styleNonce: string) => string;
}

/** What the page shows and does; `undefined` once it has nothing more to show. */
export interface PageHandlers {
  /** GET: the page as it stands, with `nonce` for its form. */
  show(nonce: string): Rendered | undefined;
  /** A POST carrying a nonce this page issued; `nonce` is for the form of the page it answers. */
  answer(form: URLSearchParams, nonce: string): Promise<Rendered | undefined>;
}

/** One page served on loopback. */
export interface ServedPage {
  /**
   * Its address: 127.0.0.1, a port of its own, a path of 128 random bits. It goes to the person's
   * browser (or the client, to show the person) and nowhere else: never a result, a log or an
   * agent.
   */
  readonly url: string;
  /** Whether it was shown at least once. */
  readonly shown: boolean;
  /** Makes the forms rendered so far unable to answer: what they showed is out of date. */
  forgetNonces(): void;
  /** Stops serving, once what is being sent went out. */
  close(): void;
}

/** Serves a page, somewhere: on a loopback port of its own, or (remote mode) the main listener. */
export type PageHost = (handlers: PageHandlers) => Promise<ServedPage>;

/**
 * Serves one page on loopback at an unguessable path. It answers only requests whose Host is its
 * own address, takes answers only by a POST from its own origin carrying a nonce of one of its
 * renderings (each once), and sends a strict Content-Security-Policy: no script, nothing from outside. It
 * works without JavaScript.
 */
export const servePage: PageHost = async (handlers) => {
  const path = approvalPath();
  const page = pageResponder(handlers);
  const server = createServer((request, response) => {
    handle(request, response).catch(() => send(response, 400, "Bad request"));
    // A refused request's body is read and dropped, so that its connection closes cleanly.
    response.once("finish", () => request.resume());
  });
  const origin = await listen(server);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    if (request.headers.host !== origin.host) {
      send(response, 421, "This page answers only at its own address.");
      return;
    }
    if (request.url !== path) {
      send(response, 404, "Not found.");
      return;
    }
    await page.respond(request, response, origin.url);
  }

  return {
    url: `${origin.url}${path}`,
    get shown() {
      return page.shown;
    },
    forgetNonces: () => page.forgetNonces(),
    close() {
      // What is being sent goes out first; then the page is gone.
      setImmediate(() => {
        server.close();
        server.closeAllConnections();
      });
    },
  };
};

/** A page's path, under `under`: 128 random bits, so that nobody finds it who was not given it. */
export function approvalPath(under = "/approve"): string {
  return `${under}/${randomBytes(16).toString("base64url")}`;
}

/**
 * What answers the requests to one page's address, wherever it is served: GET shows it, a POST
 * from its own origin (`origin`) carrying a nonce of one of its renderings answers it.
 */
export function pageResponder(handlers: PageHandlers) {
  const nonces = new Set<string>();
  const state = { shown: false };
  return {
    get shown() {
      return state.shown;
    },
    forgetNonces: () => nonces.clear(),
    respond: (request: IncomingMessage, response: ServerResponse, origin: string) =>
      respond(request, response, origin),
  };

  async function respond(
    request: IncomingMessage,
    response: ServerResponse,
    origin: string,
  ): Promise<void> {
    if (request.method === "GET") {
      const nonce = randomBytes(16).toString("base64url");
      const rendered = handlers.show(nonce);
      if (rendered !== undefined) {
        nonces.add(nonce);
        state.shown = true;
      }
      sendPage(response, rendered);
      return;
    }
    if (request.method !== "POST") {
      send(response, 405, "Method not allowed.");
      return;
    }
    if (!fromThisPage(request, origin)) {
      send(response, 403, "This page takes an answer only from itself.");
      return;
    }
    const form = await readForm(request);
    const nonce = form?.get("nonce");
    if (form === undefined || nonce === null || nonce === undefined || !nonces.has(nonce)) {
      send(response, 403, "This answer did not come from this page as it now stands: reload it.");
      return;
    }
    // Each rendering answers once: its form cannot be sent again after the page moved on.
    nonces.delete(nonce);
    const next = randomBytes(16).toString("base64url");
    const rendered = await handlers.answer(form, next);
    // Added after the answer: one that changed what the page shows forgets the older forms.
    if (rendered !== undefined) nonces.add(next);
    sendPage(response, rendered);
  }
}

/** A POST from this page: its Origin (or, without one, its Referer) is this page's own. */
function fromThisPage(request: IncomingMessage, origin: string): boolean {
  const { origin: sent, referer } = request.headers;
  if (sent !== undefined) return sent === origin;
  return referer !== undefined && referer.startsWith(`${origin}/`);
}

async function readForm(request: IncomingMessage): Promise<URLSearchParams | undefined> {
  const type = request.headers["content-type"]?.split(";")[0]?.trim();
  if (type !== "application/x-www-form-urlencoded") return undefined;
  const body = await readRequestBody(request, MAX_POST_BYTES);
  return body === undefined ? undefined : new URLSearchParams(body.toString("utf8"));
}

function listen(server: ReturnType<typeof createServer>): Promise<{ host: string; url: string }> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      server.off("error", reject);
      const { port } = server.address() as AddressInfo;
      resolve({ host: `127.0.0.1:${port}`, url: `http://127.0.0.1:${port}` });
    });
  });
}

const HEADERS = {
  "cache-control": "no-store",
  // Not no-referrer: a browser then sends `Origin: null` with the form, and the page could no
  // longer tell its own answer from anyone's.
  "referrer-policy": "same-origin",
  "x-content-type-options": "nosniff",
  "x-frame-options": "DENY",
};

function sendPage(response: ServerResponse, rendered: Rendered | undefined): void {
  if (rendered === undefined) {
    send(response, 410, "This page was already answered. You can close it.");
    return;
  }
  const styleNonce = randomBytes(16).toString("base64");
  response
    .writeHead(rendered.status, {
      ...HEADERS,
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": `default-src 'none'; style-src 'nonce-${styleNonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    })
    .end(rendered.html(styleNonce));
}

export function send(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) return;
  response
    .writeHead(status, {
      ...HEADERS,
      "content-type": "text/plain; charset=utf-8",
      "content-security-policy": "default-src 'none'",
    })
    .end(text);
}
