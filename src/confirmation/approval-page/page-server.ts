import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { PersonAnswer, PersonQuestion } from "../person.js";
import { answeredPage, questionPage } from "./template.js";
import { readRequestBody } from "../../read-request-body.js";

/** A form post larger than this is not an answer. */
const MAX_POST_BYTES = 16 * 1024;

/** One approval page, for one question of one call. */
export interface ApprovalPage {
  /**
   * Its address: 127.0.0.1, a port of its own, a path of 128 random bits. It goes to the person's
   * browser (or the client, to show the person) and nowhere else: never a result, a log or an
   * agent.
   */
  readonly url: string;
  /** The person's answer, `no_answer` at the time limit, `cancelled` when the call is. */
  readonly answer: Promise<PersonAnswer>;
  /** Whether the page was shown at least once. */
  readonly shown: boolean;
  /** Takes the page down unanswered: nobody could be shown it (`unreachable`). */
  withdraw(): void;
}

/**
 * Serves one approval page on loopback until it is answered, the time is up or the call is
 * cancelled, then stops. It answers only requests whose Host is its own address, takes the answer
 * only by a POST from its own origin carrying the page's nonce, once, and sends a strict
 * Content-Security-Policy: no script, nothing from outside. It works without JavaScript.
 */
export async function serveApprovalPage(
  question: PersonQuestion,
  options: { timeoutMs: number; signal: AbortSignal },
): Promise<ApprovalPage> {
  const path = `/approve/${randomBytes(16).toString("base64url")}`;
  const nonce = randomBytes(16).toString("base64url");
  let settle: (answer: PersonAnswer) => void = () => undefined;
  const answer = new Promise<PersonAnswer>((resolve) => {
    settle = resolve;
  });
  const state = { shown: false, answered: false };
  const server = createServer((request, response) => {
    void handle(request, response).catch(() => send(response, 400, "Bad request"));
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
    if (state.answered) {
      send(response, 410, "This page was already answered. You can close it.");
      return;
    }
    if (request.method === "GET") {
      state.shown = true;
      sendPage(response, 200, (styleNonce) => questionPage(question, { nonce, styleNonce }));
      return;
    }
    if (request.method !== "POST") {
      send(response, 405, "Method not allowed.");
      return;
    }
    if (!fromThisPage(request, origin.url)) {
      send(response, 403, "This page takes an answer only from itself.");
      return;
    }
    const form = await readForm(request);
    if (form === undefined || form.get("nonce") !== nonce) {
      send(response, 403, "This answer did not come from this page.");
      return;
    }
    // Another answer may have come in while this one was read: only the first counts.
    if (state.answered) {
      send(response, 410, "This page was already answered. You can close it.");
      return;
    }
    const given = answerOf(form, question);
    state.answered = true;
    sendPage(response, 200, (styleNonce) => answeredPage(question, given, styleNonce));
    settle(given);
  }

  const timer = setTimeout(() => settle("no_answer"), options.timeoutMs);
  const onAbort = () => settle("cancelled");
  options.signal.addEventListener("abort", onAbort, { once: true });
  if (options.signal.aborted) settle("cancelled");
  void answer.then(() => {
    clearTimeout(timer);
    options.signal.removeEventListener("abort", onAbort);
    state.answered = true;
    // The answer page goes out first; then the page dies with its question.
    setImmediate(() => {
      server.close();
      server.closeAllConnections();
    });
  });
  return {
    url: `${origin.url}${path}`,
    answer,
    get shown() {
      return state.shown;
    },
    withdraw: () => settle("unreachable"),
  };
}

function answerOf(form: URLSearchParams, question: PersonQuestion): PersonAnswer {
  const action = form.get("action");
  if (action === "cancel") return "declined";
  const typed = form.get("confirmation");
  if (action !== "delete" || typed === null) return "malformed";
  return question.accepts(typed) ? "confirmed" : "wrong_value";
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

function sendPage(
  response: ServerResponse,
  status: number,
  render: (styleNonce: string) => string,
): void {
  const styleNonce = randomBytes(16).toString("base64");
  response
    .writeHead(status, {
      ...HEADERS,
      "content-type": "text/html; charset=utf-8",
      "content-security-policy": `default-src 'none'; style-src 'nonce-${styleNonce}'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    })
    .end(render(styleNonce));
}

function send(response: ServerResponse, status: number, text: string): void {
  if (response.headersSent) return;
  response
    .writeHead(status, {
      ...HEADERS,
      "content-type": "text/plain; charset=utf-8",
      "content-security-policy": "default-src 'none'",
    })
    .end(text);
}
