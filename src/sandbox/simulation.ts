import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import {
  credentialInUse,
  credentialProblem,
  domainProblem,
  domainValidationError,
} from "./page-bodies.js";
import { type SandboxAccount, type SandboxDomain, seedAccount } from "./seed.js";

const BASE_PATH = "/rest/v2";
const DOMAIN_PATH = /^\/rest\/v2\/domains\/([^/]+)$/;
const CREDENTIAL_PATH = /^\/rest\/v2\/mailboxes\/microsoft\/credentials\/([^/]+)$/;

/**
 * A scripted answer that replaces the simulation's own for one request, for tests. `delayMs`
 * waits before answering; `drip` sends the body one chunk at a time.
 */
export type Fault =
  | {
      type: "respond";
      status: number;
      body?: string;
      headers?: Record<string, string>;
      delayMs?: number;
      dripChunkMs?: number;
    }
  | { type: "delay"; ms: number }
  | { type: "hang" }
  | { type: "reset" }
  | { type: "reset_mid_body"; status: number; body: string };

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

export interface SimulationOptions {
  apiKey: string;
  account?: SandboxAccount;
}

/**
 * A stateful stand-in for the two Woodpecker endpoints on 127.0.0.1, answering with the statuses
 * and bodies of the API pages. The sandbox serves it to users; the tests use it with faults.
 */
export class WoodpeckerSimulation {
  readonly requests: RecordedRequest[] = [];
  readonly faults: Fault[] = [];
  readonly account: SandboxAccount;
  readonly #apiKey: string;
  readonly #server: Server;
  readonly #sockets = new Set<Socket>();
  /** Called when a connection closes; tests use it to see an aborted request arrive. */
  onConnectionClosed: (() => void) | undefined;

  private constructor(options: SimulationOptions) {
    this.#apiKey = options.apiKey;
    this.account = options.account ?? seedAccount();
    this.#server = createServer((request, response) => this.#handle(request, response));
    this.#server.on("connection", (socket) => {
      this.#sockets.add(socket);
      socket.on("close", () => {
        this.#sockets.delete(socket);
        this.onConnectionClosed?.();
      });
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

  get openConnections(): number {
    return this.#sockets.size;
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

  async close(): Promise<void> {
    for (const socket of this.#sockets) socket.destroy();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(request: IncomingMessage, response: ServerResponse): void {
    const path = request.url ?? "/";
    this.requests.push({ method: request.method ?? "", path, headers: { ...request.headers } });
    const fault = this.faults.shift();
    if (fault === undefined) {
      this.#answer(request, path, response);
      return;
    }
    switch (fault.type) {
      case "hang":
        return;
      case "reset":
        request.socket.destroy();
        return;
      case "delay":
        setTimeout(() => this.#answer(request, path, response), fault.ms);
        return;
      case "reset_mid_body":
        response.writeHead(fault.status, { "content-type": "application/json" });
        response.write(fault.body.slice(0, Math.ceil(fault.body.length / 2)));
        setTimeout(() => request.socket.destroy(), 20);
        return;
      case "respond":
        setTimeout(() => void sendScripted(response, fault), fault.delayMs ?? 0);
        return;
    }
  }

  #answer(request: IncomingMessage, path: string, response: ServerResponse): void {
    const domainMatch = DOMAIN_PATH.exec(path);
    const credentialMatch = CREDENTIAL_PATH.exec(path);
    const domainRoute = domainMatch !== null;
    const problem = domainRoute ? domainProblem : credentialProblem;
    if (request.method !== "DELETE") {
      sendJson(response, 405, problem(405, "Only DELETE is simulated"));
    } else if (request.headers["x-api-key"] !== this.#apiKey) {
      sendJson(response, 401, problem(401, "Invalid api key"));
    } else if (domainMatch?.[1] !== undefined) {
      this.#deleteDomain(decodeSegment(domainMatch[1]), response);
    } else if (credentialMatch?.[1] !== undefined) {
      this.#deleteCredential(credentialMatch[1], response);
    } else {
      sendJson(response, 404, credentialProblem(404, "Requested resource does not exist"));
    }
  }

  #deleteDomain(name: string | undefined, response: ServerResponse): void {
    const domain = name === undefined ? undefined : this.findDomain(name);
    if (domain === undefined) {
      sendJson(response, 422, domainValidationError("not_found", name ?? null));
    } else if (domain.deletionInProgress) {
      sendJson(response, 422, domainValidationError("deletion_in_progress", name ?? null));
    } else if (!domain.isReady) {
      sendJson(response, 422, domainValidationError("not_ready", name ?? null));
    } else {
      domain.deletionInProgress = true;
      domain.mailboxes = [];
      response.writeHead(202).end();
    }
  }

  #deleteCredential(segment: string, response: ServerResponse): void {
    const id = /^\d+$/.test(segment) ? Number(segment) : undefined;
    const index = id === undefined ? -1 : this.account.credentialIds.indexOf(id);
    if (id === undefined || index === -1) {
      sendJson(response, 404, credentialProblem(404, "Requested resource does not exist"));
    } else if (this.credentialInUse(id)) {
      sendJson(response, 422, credentialInUse());
    } else {
      this.account.credentialIds.splice(index, 1);
      response.writeHead(204).end();
    }
  }
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

async function sendScripted(
  response: ServerResponse,
  fault: Extract<Fault, { type: "respond" }>,
): Promise<void> {
  response.writeHead(fault.status, fault.headers ?? { "content-type": "application/json" });
  const body = fault.body ?? "";
  if (fault.dripChunkMs === undefined) {
    response.end(body);
    return;
  }
  for (const char of body) {
    if (response.destroyed) return;
    response.write(char);
    await new Promise((resolve) => setTimeout(resolve, fault.dripChunkMs));
  }
  response.end();
}
