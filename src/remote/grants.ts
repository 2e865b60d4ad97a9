import { randomUUID } from "node:crypto";
import type { OAuthTokens } from "@modelcontextprotocol/sdk/shared/auth.js";
import * as z from "zod";
import type { Sealer } from "./seal.js";

/** What a sign-in grants: a client, the resource it may call, and the account it acts on. */
export const GrantSchema = z.object({
  /** The client's id, whole (it is its sealed registration). */
  client: z.string(),
  resource: z.string(),
  /** The person's own Woodpecker key; absent when the server acts with its own. */
  apiKey: z.string().optional(),
});
export type Grant = z.infer<typeof GrantSchema>;

export const CodeSchema = z.object({
  id: z.string(),
  grant: GrantSchema,
  challenge: z.string(),
  redirectUri: z.string(),
  expiresAt: z.number(),
});
export type Code = z.infer<typeof CodeSchema>;

const AccessSchema = z.object({ grant: GrantSchema, expiresAt: z.number() });
const RefreshSchema = z.object({ id: z.string(), grant: GrantSchema, expiresAt: z.number() });

export const CODE_LIFETIME_MS = 5 * 60_000;
export const ACCESS_LIFETIME_MS = 60 * 60_000;
const REFRESH_LIFETIME_MS = 30 * 24 * 60 * 60_000;

/** Makes and opens the sealed codes and tokens of grants. */
export class Grants {
  readonly #sealer: Sealer;

  constructor(sealer: Sealer) {
    this.#sealer = sealer;
  }

  code(grant: Grant, challenge: string, redirectUri: string): string {
    const code: Code = {
      id: randomUUID(),
      grant,
      challenge,
      redirectUri,
      expiresAt: Date.now() + CODE_LIFETIME_MS,
    };
    return this.#sealer.seal("code", code);
  }

  /** Fresh tokens for `grant`: an access token for an hour, and a refresh token. */
  tokens(grant: Grant): OAuthTokens {
    const now = Date.now();
    return {
      access_token: this.#sealer.seal("access", { grant, expiresAt: now + ACCESS_LIFETIME_MS }),
      token_type: "Bearer",
      expires_in: ACCESS_LIFETIME_MS / 1000,
      refresh_token: this.#sealer.seal("refresh", {
        id: randomUUID(),
        grant,
        expiresAt: now + REFRESH_LIFETIME_MS,
      }),
    };
  }

  openCode(text: string) {
    return unexpired(CodeSchema.safeParse(this.#sealer.open("code", text)).data);
  }

  openAccess(text: string) {
    return unexpired(AccessSchema.safeParse(this.#sealer.open("access", text)).data);
  }

  openRefresh(text: string) {
    return unexpired(RefreshSchema.safeParse(this.#sealer.open("refresh", text)).data);
  }
}

function unexpired<Sealed extends { expiresAt: number }>(
  sealed: Sealed | undefined,
): Sealed | undefined {
  return sealed !== undefined && sealed.expiresAt > Date.now() ? sealed : undefined;
}

/** Two resource URLs name the same resource: equal but for a trailing slash. */
export function sameResource(one: string, other: string): boolean {
  return one.replace(/\/$/, "") === other.replace(/\/$/, "");
}
