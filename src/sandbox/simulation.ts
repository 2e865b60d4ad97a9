import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  credentialInUse,
  credentialProblem,
  domainProblem,
  domainValidationError,
  mailboxValidationError,
} from "./page-bodies.js";
import { domainDetails, domainMailboxes, domainSummary } from "./read-bodies.js";
import { KeyLimits } from "./request-limits.js";
import { BASE_PATH, type Route, routeOf, routeProblem } from "./routes.js";
import { type SandboxAccount, type SandboxDomain, seedAccount } from "./seed.js";

/** How long an accepted domain deletion takes before the domain reads as gone. */
const DEFAULT_DELETION_MS = 3_000;

/**
 * Sees every request before the simulation does. Returning true takes the request over; `answer`
 * lets the simulation answer it after all (later, for instance).
 */
export type Interceptor = (
  request: IncomingMessage,
  response: ServerResponse,
  answer: () => void,
) => boolean;

export interface SimulationOptions {
  apiKey: string;
  account?: SandboxAccount;
  deletionMs?: number;

  intercept?: Interceptor;
  onConnection?: (socket: Socket) => void;
}

/**
 * A stateful stand-in for the Woodpecker endpoints this server uses, on 127.0.0.1, answering with
 * the statuses and body shapes of the API pages: the `/domains` routes in the domain page's shape
 * (`details`, ISO timestamps), the credential routes in the credential page's (`detail`).
 */
export class WoodpeckerSimulation {
  readonly account: SandboxAccount;
  /**
   * Woodpecker's request limits per key: one processed at a time, six queued for at most 15 s,
   * the rest refused. On in the sandbox; the tests' stand-in turns them off where a test needs
   * requests answered at once.
   */
  requestLimits = true;
  readonly #options: SimulationOptions;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  readonly #deletions = new Set<NodeJS.Timeout>();
  readonly #limits = new Map<string, KeyLimits>();

  private constructor(options: SimulationOptions) {
    this.#options = options;
    this.account = options.account ?? seedAccount();
    this.#server = createServer((request, response) => {
      const process = () => {
        const answer = () => this.#answer(request, response);
        if (options.intercept?.(request, response, answer) !== true) answer();
      };
      if (!this.requestLimits) {
        process();
        return;
      }
      const done = this.#limitsOf(request).admit(process, () => {
        const problem = routeProblem(request.url ?? "/");
        sendJson(response, 429, problem(429, "Too many requests for this API key"));
      });
      response.once("close", done);
    });
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => this.#sockets.delete(socket));
      options.onConnection?.(socket);
    });
  }

  static async start(options: SimulationOptions): Promise<WoodpeckerSimulation> {
    const simulation = new WoodpeckerSimulation(options);
    await new Promise<void>((resolve, reject) => {
      simulation.#server.once("error", reject);
      simulation.#server.listen(0, "127.0.0.1", () => resolve());
    });
    return simulation;
  }

  /** The base URL to give the client, like WOODPECKER_API_BASE_URL. */
  get baseUrl(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}${BASE_PATH}`;
  }

  findDomain(name: string): SandboxDomain | undefined {
    const wanted = name.toLowerCase();
    return this.account.domains.find((domain) => domain.name === wanted);
  }

  credentialInUse(credentialId: number): boolean {
    return this.account.domains.some((domain) =>
      domain.mailboxes.some((mailbox) => mailbox.credentialId === credentialId),
    );
  }

  #limitsOf(request: IncomingMessage): KeyLimits {
    const key = String(request.headers["x-api-key"] ?? "");
    let limits = this.#limits.get(key);
    if (limits === undefined) {
      limits = new KeyLimits();
      this.#limits.set(key, limits);
    }
    return limits;
  }

  async close(): Promise<void> {
    for (const timer of this.#deletions) clearTimeout(timer);
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #answer(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? "/";
    const method = request.method ?? "";
    const problem = routeProblem(path);
    const send = (status: number, body?: unknown) => sendJson(response, status, body);
    if (request.headers["x-api-key"] !== this.#options.apiKey) {
      send(401, problem(401, "Invalid api key"));
      return;
    }
    const route = routeOf(method, path);
    if (route === undefined) {
      send(404, problem(404, "Requested resource does not exist"));
    } else if (route === "method_not_allowed") {
      send(405, problem(405, `${method} is not supported here`));
    } else {
      this.#serve(route, send);
    }
  }

  #serve(route: Route, send: (status: number, body?: unknown) => void): void {
    switch (route.name) {
      case "list_domains":
        send(200, { domains: this.account.domains.map(domainSummary) });
        return;
      case "get_domain":
      case "list_mailboxes": {
        const domain = route.segment === undefined ? undefined : this.findDomain(route.segment);
        if (domain === undefined) {
          send(404, domainProblem(404, "Requested resource does not exist"));
        } else {
          send(200, route.name === "get_domain" ? domainDetails(domain) : domainMailboxes(domain));
        }
        return;
      }
      case "delete_domain":
        this.#deleteDomain(route.segment, send);
        return;
      case "delete_mailbox":
        this.#deleteMailbox(route.segment, route.email, send);
        return;
      case "list_credentials":
        send(200, { credentials: this.account.credentials });
        return;
      case "delete_credential":
        this.#deleteCredential(route.segment, send);
        return;
    }
  }

  #deleteDomain(name: string | undefined, send: (status: number, body?: unknown) => void): void {
    const domain = name === undefined ? undefined : this.findDomain(name);
    const value = name ?? null;
    if (domain === undefined) {
      send(422, domainValidationError("not_found", value));
    } else if (domain.deletionInProgress) {
      send(422, domainValidationError("deletion_in_progress", value));
    } else if (!domain.isReady) {
      send(422, domainValidationError("not_ready", value));
    } else {
      domain.deletionInProgress = true;
      this.#completeLater(() => removeFrom(this.account.domains, domain));
      send(202);
    }
  }

  /**
   * Woodpecker's page: 202 when accepted; 422 `cannot_delete_due_to_not_connected_mailbox` for a
   * mailbox that is not PAID. That an unknown domain or mailbox is a 404, and that a second DELETE
   * while the first is under way is a 422 with the issue `deletion_in_progress`, are this
   * sandbox's own choices: the page names no status for them.
   */
  #deleteMailbox(
    name: string | undefined,
    email: string | undefined,
    send: (status: number, body?: unknown) => void,
  ): void {
    const domain = name === undefined ? undefined : this.findDomain(name);
    const wanted = email?.toLowerCase();
    const mailbox = domain?.mailboxes.find((each) => each.email.toLowerCase() === wanted);
    if (domain === undefined || mailbox === undefined) {
      send(404, domainProblem(404, "Requested resource does not exist"));
    } else if (mailbox.deletionInProgress === true) {
      send(422, mailboxValidationError("deletion_in_progress", mailbox.email));
    } else if (mailbox.status !== "PAID") {
      send(
        422,
        mailboxValidationError("cannot_delete_due_to_not_connected_mailbox", mailbox.email),
      );
    } else {
      mailbox.deletionInProgress = true;
      this.#completeLater(() => removeFrom(domain.mailboxes, mailbox));
      send(202);
    }
  }

  /** A deletion is asynchronous: until it completes, what it deletes reads as usual. */
  #completeLater(complete: () => void): void {
    const timer = setTimeout(() => {
      this.#deletions.delete(timer);
      complete();
    }, this.#options.deletionMs ?? DEFAULT_DELETION_MS);
    timer.unref();
    this.#deletions.add(timer);
  }

  #deleteCredential(segment: string | undefined, send: (status: number, body?: unknown) => void) {
    const id = segment !== undefined && /^\d+$/.test(segment) ? Number(segment) : undefined;
    const index = this.account.credentials.findIndex((item) => item.credential_id === id);
    if (id === undefined || index === -1) {
      send(404, credentialProblem(404, "Requested resource does not exist"));
    } else if (this.credentialInUse(id)) {
      send(422, credentialInUse());
    } else {
      this.account.credentials.splice(index, 1);
      send(204);
    }
  }
}

function removeFrom<T>(list: T[], item: T): void {
  const index = list.indexOf(item);
  if (index !== -1) list.splice(index, 1);
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  if (body === undefined) {
    response.writeHead(status).end();
    return;
  }
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}
