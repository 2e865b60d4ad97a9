import type { IncomingMessage, ServerResponse } from "node:http";
import type { SandboxAccount } from "../../src/sandbox/seed.js";
import { WoodpeckerSimulation } from "../../src/sandbox/simulation.js";

export const TEST_KEY = "wp-test-key-5f1c9a7e";

/** How the seeded piedpiper.com reads in a list of domains, in this server's names. */
export const PIEDPIPER_SUMMARY = {
  domain_name: "piedpiper.com",
  mailboxes_count: 3,
  provider: "MICROSOFT",
  is_custom_domain: false,
  is_ready: true,
  expires: "2027-06-24T10:00:00",
  created: "2025-06-24T10:00:00",
};

/**
 * A scripted answer that replaces the simulation's own for one request. `method` and `path`
 * (a substring) pick which request it applies to; without them, the next one.
 */
export type Fault = FaultTarget &
  (
    | {
        type: "respond";
        status: number;
        body?: string;
        headers?: Record<string, string>;
        delayMs?: number;
        /** Sends the body one character at a time, this far apart. */
        dripChunkMs?: number;
      }
    /** Answers as the simulation would, this much later. */
    | { type: "delay"; ms: number }
    /** Holds the request open, unanswered, until the test calls `release()`. */
    | { type: "hold" }
    /** Carries the request out as the simulation would, then resets instead of answering. */
    | { type: "process_then_reset" }
    | { type: "hang" }
    | { type: "reset" }
    | { type: "reset_mid_body"; status: number; body: string }
  );

interface FaultTarget {
  method?: string;
  path?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
}

/** A scripted JSON answer. */
export function jsonFault(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
  target: FaultTarget = {},
): Extract<Fault, { type: "respond" }> {
  return {
    type: "respond",
    status,
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
    ...target,
  };
}

/**
 * The Woodpecker stand-in the tests run against: the sandbox's simulation on 127.0.0.1 over real
 * HTTP, with every request recorded and a queue of faults taken over through its hook.
 */
export async function startStandIn(
  options: {
    account?: SandboxAccount;
    deletionMs?: number;
    apiKey?: string;
    limits?: boolean;
    /** Keys of other accounts that see the same data: Woodpecker serving several accounts. */
    otherKeys?: readonly string[];
  } = {},
) {
  const requests: RecordedRequest[] = [];
  const faults: Fault[] = [];
  const held: { path: string; answer: () => void }[] = [];
  let mostHeld = 0;
  const closedListeners = new Set<() => void>();
  let openConnections = 0;
  const simulation = await WoodpeckerSimulation.start({
    apiKey: options.apiKey ?? TEST_KEY,
    ...(options.account === undefined ? {} : { account: options.account }),
    deletionMs: options.deletionMs ?? 60_000,
    intercept(request, response, answer) {
      const sentKey = request.headers["x-api-key"];
      const headers = { ...request.headers };
      // The other keys are other accounts that hold the same domains: the simulation's own.
      if (typeof sentKey === "string" && options.otherKeys?.includes(sentKey)) {
        request.headers["x-api-key"] = options.apiKey ?? TEST_KEY;
      }
      const method = request.method ?? "";
      const path = request.url ?? "/";
      requests.push({ method, path, headers });
      const index = faults.findIndex(
        (fault) =>
          (fault.method === undefined || fault.method === method) &&
          (fault.path === undefined || path.includes(fault.path)),
      );
      if (index === -1) return false;
      const [fault] = faults.splice(index, 1);
      if (fault?.type === "hold") {
        held.push({ path, answer });
        mostHeld = Math.max(mostHeld, held.length);
      } else if (fault !== undefined) play(fault, request, response, answer);
      return true;
    },
    onConnection(socket) {
      openConnections += 1;
      socket.on("close", () => {
        openConnections -= 1;
        for (const listener of closedListeners) listener();
      });
    },
  });
  simulation.requestLimits = options.limits ?? true;
  return {
    simulation,
    account: simulation.account,
    baseUrl: simulation.baseUrl,
    requests,
    faults,
    get openConnections() {
      return openConnections;
    },
    /** How many requests are held open by `hold` faults right now. */
    get held(): number {
      return held.length;
    },
    /** The most requests `hold` faults held open at one moment. */
    get mostHeld(): number {
      return mostHeld;
    },
    /** Answers every held request, as the simulation would. */
    release(): void {
      for (const { answer } of held.splice(0)) answer();
    },
    /** Answers the request held longest, or the one held longest whose path contains `pathPart`. */
    releaseOne(pathPart = ""): void {
      const index = held.findIndex((entry) => entry.path.includes(pathPart));
      if (index !== -1) held.splice(index, 1)[0]?.answer();
    },
    /** Resolves the next time a connection closes. */
    nextConnectionClose(): Promise<void> {
      return new Promise((resolve) => {
        const listener = () => {
          closedListeners.delete(listener);
          resolve();
        };
        closedListeners.add(listener);
      });
    },
    /** The requests of one method, as "METHOD /path" without the /rest/v2 prefix. */
    sent(method?: string): string[] {
      return requests
        .filter((request) => method === undefined || request.method === method)
        .map((request) => `${request.method} ${request.path.replace(/^\/rest\/v2/, "")}`);
    },
    close: () => simulation.close(),
  };
}

export type StandIn = Awaited<ReturnType<typeof startStandIn>>;

function play(
  fault: Fault,
  request: IncomingMessage,
  response: ServerResponse,
  answer: () => void,
): void {
  switch (fault.type) {
    case "hang":
    case "hold":
      return;
    case "reset":
      request.socket.destroy();
      return;
    case "process_then_reset":
      // The simulation changes its state, then writes its answer: the connection breaks there.
      response.writeHead = (() => {
        request.socket.destroy();
        return response;
      }) as typeof response.writeHead;
      response.end = (() => response) as typeof response.end;
      answer();
      return;
    case "delay":
      setTimeout(answer, fault.ms);
      return;
    case "reset_mid_body":
      response.writeHead(fault.status, { "content-type": "application/json" });
      response.write(fault.body.slice(0, Math.ceil(fault.body.length / 2)));
      setTimeout(() => request.socket.destroy(), 20);
      return;
    case "respond":
      setTimeout(() => void respond(response, fault), fault.delayMs ?? 0);
      return;
  }
}

async function respond(
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
