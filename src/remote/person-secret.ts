import { isValidApiKey } from "../config/values.js";
import { digest, matchesOneOf } from "../constant-time.js";

/** How a person signs in: with one of the operator's tokens, or with their own Woodpecker key. */
export type SignInWith = { asks: "token"; tokens: readonly string[] } | { asks: "key" };

/** What a person typed to sign in: whether it holds, and which account's key it brings. */
export class PersonSecrets {
  readonly asks: SignInWith["asks"];
  readonly #tokens: readonly Buffer[];

  constructor(signInWith: SignInWith) {
    this.asks = signInWith.asks;
    this.#tokens = signInWith.asks === "token" ? signInWith.tokens.map(digest) : [];
  }

  /** `{}` for one of the tokens (the server's own account), the key itself, or undefined. */
  check(secret: string): { apiKey?: string } | undefined {
    if (this.asks === "token") return matchesOneOf(secret, this.#tokens) ? {} : undefined;
    const apiKey = secret.trim();
    return isValidApiKey(apiKey) ? { apiKey } : undefined;
  }

  /** What the page says when it did not hold. */
  get refusal(): string {
    return this.asks === "token"
      ? "That is not one of this server's access tokens."
      : "That is not a Woodpecker API key.";
  }
}
