import { createHash, randomUUID } from "node:crypto";
import type { OAuthRegisteredClientsStore } from "@modelcontextprotocol/sdk/server/auth/clients.js";
import { InvalidClientMetadataError } from "@modelcontextprotocol/sdk/server/auth/errors.js";
import type { OAuthClientInformationFull } from "@modelcontextprotocol/sdk/shared/auth.js";
import { OAuthClientInformationFullSchema } from "@modelcontextprotocol/sdk/shared/auth.js";
import { isLoopback } from "../config/loopback.js";
import { ClientMetadataDocuments, isMetadataDocumentUrl } from "./client-metadata-documents.js";
import type { Sealer } from "./seal.js";

/**
 * Dynamic Client Registration with no store: the client id handed out is the registration itself,
 * sealed, so any replica reads it back. A client may instead name itself by the https URL of its
 * Client ID Metadata Document. Only https redirect URIs, or http ones to loopback, with no
 * fragment, are taken.
 */
export class SealedClients implements OAuthRegisteredClientsStore {
  readonly #sealer: Sealer;
  readonly #documents = new ClientMetadataDocuments(acceptableRedirect);

  constructor(sealer: Sealer) {
    this.#sealer = sealer;
  }

  /**
   * The store as the site at `origin` sees it: a metadata document is fetched from public
   * addresses only, unless the site itself is on loopback (then only this computer reaches it).
   */
  at(origin: string): OAuthRegisteredClientsStore {
    const reach = isLoopback(new URL(origin).hostname) ? "any" : "public";
    return {
      registerClient: (client) => this.registerClient(client),
      getClient: (clientId) =>
        isMetadataDocumentUrl(clientId)
          ? this.#documents.client(clientId, reach)
          : this.getClient(clientId),
    };
  }

  registerClient(
    client: Omit<OAuthClientInformationFull, "client_id" | "client_id_issued_at">,
  ): OAuthClientInformationFull {
    const refused = client.redirect_uris.find((uri) => !acceptableRedirect(uri));
    if (refused !== undefined) {
      throw new InvalidClientMetadataError(
        "redirect_uris must be https URLs, or http ones to localhost, 127.0.0.1 or [::1], without a fragment",
      );
    }
    // A random id makes two registrations of the same metadata two clients.
    const registered = {
      ...client,
      client_id_issued_at: Math.floor(Date.now() / 1000),
      nonce: randomUUID(),
    };
    return { ...client, ...registered, client_id: this.#sealer.seal("client", registered) };
  }

  getClient(clientId: string): OAuthClientInformationFull | undefined {
    const opened = this.#sealer.open("client", clientId);
    const parsed = OAuthClientInformationFullSchema.safeParse({
      ...(typeof opened === "object" ? opened : {}),
      client_id: clientId,
    });
    return opened === undefined || !parsed.success ? undefined : parsed.data;
  }
}

/** The short id of a client that audit lines and logs name: its sealed id is long. */
export function clientShortId(clientId: string): string {
  return createHash("sha256").update(clientId).digest("hex").slice(0, 16);
}

function acceptableRedirect(uri: string): boolean {
  if (!URL.canParse(uri)) return false;
  const url = new URL(uri);
  if (url.hash !== "" || uri.includes("#")) return false;
  return url.protocol === "https:" || (url.protocol === "http:" && isLoopback(url.hostname));
}
