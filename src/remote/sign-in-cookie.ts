import type { IncomingMessage, ServerResponse } from "node:http";
import * as z from "zod";
import { isLoopback } from "../config/loopback.js";
import type { Sealer } from "./seal.js";

const COOKIE = "woodpecker_signin";
const LIFETIME_MS = 30 * 24 * 60 * 60_000;
const CookieSchema = z.object({ account: z.string(), client: z.string(), expiresAt: z.number() });

/**
 * The cookie a sign-in leaves in the person's browser, sealed, naming the account it signed in to:
 * only a browser holding it for the same account opens that account's approval pages. HttpOnly,
 * SameSite=Lax (a link from the client's page still brings it), Secure unless on loopback, and
 * sent only to /approve/.
 */
export class SignInCookie {
  readonly #sealer: Sealer;

  constructor(sealer: Sealer) {
    this.#sealer = sealer;
  }

  set(response: ServerResponse, origin: string, signedIn: { account: string; client: string }) {
    const value = this.#sealer.seal("cookie", {
      ...signedIn,
      expiresAt: Date.now() + LIFETIME_MS,
    });
    const secure = isLoopback(new URL(origin).hostname) ? "" : "; Secure";
    response.appendHeader(
      "set-cookie",
      `${COOKIE}=${value}; Path=/approve; Max-Age=${LIFETIME_MS / 1000}; HttpOnly; SameSite=Lax${secure}`,
    );
  }

  /** The account the request's browser signed in to, if its cookie holds. */
  accountOf(request: IncomingMessage): string | undefined {
    for (const part of (request.headers.cookie ?? "").split(";")) {
      const [name, value] = part.trim().split("=", 2);
      if (name !== COOKIE || value === undefined) continue;
      const cookie = CookieSchema.safeParse(this.#sealer.open("cookie", value)).data;
      if (cookie !== undefined && cookie.expiresAt > Date.now()) return cookie.account;
    }
    return undefined;
  }
}
