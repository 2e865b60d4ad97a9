import { randomUUID } from "node:crypto";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import type { Sealer } from "./seal.js";

const SessionSchema = z.object({ showsUrl: z.boolean() });

/**
 * Sessions with no store. A stateless server meets each request with a new MCP server that never
 * saw the client's initialize, so it cannot know what the client declared. The Mcp-Session-Id an
 * initialize is answered with is what matters of it, sealed: whether the client shows the person
 * an address (URL-mode elicitation). The client sends it back on every request, to any replica.
 */
export class ClientSessions {
  readonly #sealer: Sealer;

  constructor(sealer: Sealer) {
    this.#sealer = sealer;
  }

  /** The session id for a client that declared `capabilities`. */
  issue(capabilities: ClientCapabilities | undefined): string {
    const showsUrl = capabilities?.elicitation?.url !== undefined;
    return this.#sealer.seal("session", { showsUrl, id: randomUUID() });
  }

  /** Whether the client of `sessionId` declared URL-mode elicitation; no session: it did not. */
  showsUrl(sessionId: string | undefined): boolean {
    if (sessionId === undefined) return false;
    return SessionSchema.safeParse(this.#sealer.open("session", sessionId)).data?.showsUrl === true;
  }
}
