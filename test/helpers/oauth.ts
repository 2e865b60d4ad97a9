import { randomBytes } from "node:crypto";
import { auth, type OAuthClientProvider } from "@modelcontextprotocol/sdk/client/auth.js";
import type {
  OAuthClientInformationMixed,
  OAuthClientMetadata,
  OAuthTokens,
} from "@modelcontextprotocol/sdk/shared/auth.js";
import type { ClientCapabilities } from "@modelcontextprotocol/sdk/types.js";
import type { Browser, BrowserContext } from "playwright-core";
import { afterEach, beforeEach } from "vitest";
import { connectHttp, type Replica, startReplica, stopReplica } from "./remote.js";
import { type StandIn, startStandIn, TEST_KEY } from "./stand-in.js";

/**
 * Where the test client says it wants the person sent back. Nothing needs to answer there: the
 * test reads the request Chromium makes.
 */
export const REDIRECT_URI = "http://127.0.0.1:49151/callback";

/**
 * The SDK's OAuthClientProvider as an MCP client holds it, in memory: what it registered, its
 * tokens, its PKCE verifier, and the authorization URL it would open in a browser.
 */
export class TestOAuthClient implements OAuthClientProvider {
  registration: OAuthClientInformationMixed | undefined;
  saved: OAuthTokens | undefined;
  verifier = "";
  authorizationUrl: URL | undefined;

  /**
   * Where the client publishes its Client ID Metadata Document, which a server that takes them
   * reads instead of a registration.
   */
  readonly clientMetadataUrl?: string;

  constructor(
    readonly name = "Test agent <b>",
    clientMetadataUrl?: string,
  ) {
    if (clientMetadataUrl !== undefined) this.clientMetadataUrl = clientMetadataUrl;
  }

  get redirectUrl(): string {
    return REDIRECT_URI;
  }

  get clientMetadata(): OAuthClientMetadata {
    return {
      client_name: this.name,
      redirect_uris: [REDIRECT_URI],
      grant_types: ["authorization_code", "refresh_token"],
      response_types: ["code"],
      token_endpoint_auth_method: "none",
    };
  }

  clientInformation() {
    return this.registration;
  }

  saveClientInformation(information: OAuthClientInformationMixed): void {
    this.registration = information;
  }

  tokens() {
    return this.saved;
  }

  saveTokens(tokens: OAuthTokens): void {
    this.saved = tokens;
  }

  redirectToAuthorization(url: URL): void {
    this.authorizationUrl = url;
  }

  saveCodeVerifier(verifier: string): void {
    this.verifier = verifier;
  }

  codeVerifier(): string {
    return this.verifier;
  }
}

/** Where the sign-in page sent the browser back to: the authorization response. */
export interface Callback {
  url: URL;
  code: string | null;
  error: string | null;
  iss: string | null;
}

/**
 * Chromium plays the person on the sign-in page, in `person` (their browser, which keeps the
 * cookie a sign-in leaves): opens `url`, types `secret`, presses the button, and returns where
 * the page sent it back (or the page, when it did not).
 */
export async function answerSignIn(
  person: BrowserContext,
  url: URL,
  answer: { secret: string; button: "Allow" | "Deny" },
): Promise<Callback & { pageText: string }> {
  const page = await person.newPage();
  try {
    let sentBack: URL | undefined;
    page.on("request", (request) => {
      if (request.url().startsWith(REDIRECT_URI)) sentBack = new URL(request.url());
    });
    await page.goto(url.href);
    const pageText = await page.locator("body").innerText();
    await page.fill("#secret", answer.secret);
    await page.click(`button:has-text("${answer.button}")`);
    await page.waitForLoadState("load");
    const back = sentBack ?? new URL(page.url());
    return {
      url: back,
      code: back.searchParams.get("code"),
      error: back.searchParams.get("error"),
      iss: back.searchParams.get("iss"),
      pageText: sentBack === undefined ? await page.locator("body").innerText() : pageText,
    };
  } finally {
    await page.close();
  }
}

/** Signs `client` in to the server at `baseUrl`, the person answering in Chromium. */
export async function signIn(
  person: BrowserContext,
  baseUrl: string,
  client: TestOAuthClient,
  secret: string,
): Promise<Callback & { pageText: string }> {
  const serverUrl = `${baseUrl}/mcp`;
  if ((await auth(client, { serverUrl })) !== "REDIRECT" || client.authorizationUrl === undefined) {
    throw new Error("the client was not sent to sign in");
  }
  const back = await answerSignIn(person, client.authorizationUrl, { secret, button: "Allow" });
  if (back.code === null) throw new Error(`no code came back: ${back.pageText}`);
  if ((await auth(client, { serverUrl, authorizationCode: back.code })) !== "AUTHORIZED") {
    throw new Error("the code was not exchanged for tokens");
  }
  return back;
}

/**
 * A person at their browser (a new context of `browser`), signed in to the server at `baseUrl`
 * with `secret` through an agent's client, and that agent connected with `capabilities`.
 */
export async function signedInAgent(
  browser: Browser,
  baseUrl: string,
  secret: string,
  capabilities: ClientCapabilities = {},
) {
  const person = await browser.newContext();
  const provider = new TestOAuthClient();
  await signIn(person, baseUrl, provider, secret);
  return { person, agent: await connectHttp(baseUrl, {}, capabilities, provider) };
}

/** The person opens the approval page and answers it: its text once answered. */
export async function confirmOnPage(
  person: BrowserContext,
  url: string,
  typed: string,
): Promise<string> {
  const page = await person.newPage();
  try {
    await page.goto(url);
    await page.fill("#confirmation", typed);
    await page.click('button:has-text("Delete for good")');
    await page.waitForLoadState("load");
    return await page.locator("body").innerText();
  } finally {
    await page.close();
  }
}

/** The bearer token an operator hands out, taken on the sign-in page with the server's own key. */
export const OPERATOR_TOKEN = "oauth-operator-token-0123456789abcdef";

/**
 * At the top of an end-to-end file: a Woodpecker stand-in for each test (`otherKeys` are other
 * accounts of it), and replicas of the built bin in OAuth mode sharing one secret, all stopped
 * after the test.
 */
export function useOAuthReplicas(options: {
  otherKeys: readonly string[];
  env?: Record<string, string>;
}) {
  const secret = randomBytes(32).toString("base64");
  let woodpecker: StandIn | undefined;
  const replicas: Replica[] = [];
  beforeEach(async () => {
    woodpecker = await startStandIn({ otherKeys: options.otherKeys });
  });
  afterEach(async () => {
    await Promise.all(replicas.splice(0).map(stopReplica));
    await woodpecker?.close();
  });
  const current = (): StandIn => {
    if (woodpecker === undefined) throw new Error("the stand-in starts before each test");
    return woodpecker;
  };
  const replica = async (extra: Record<string, string> = {}): Promise<Replica> => {
    const started = await startReplica({
      WOODPECKER_API_BASE_URL: current().baseUrl,
      WOODPECKER_MAX_RETRIES: "0",
      WOODPECKER_HTTP_AUTH: "oauth",
      WOODPECKER_HTTP_SECRET: secret,
      ...options.env,
      ...extra,
    });
    replicas.push(started);
    return started;
  };
  return {
    secret,
    get woodpecker(): StandIn {
      return current();
    },
    replica,
    /** The server's own key, behind the operator's token on the sign-in page. */
    withServerKey: () =>
      replica({ WOODPECKER_API_KEY: TEST_KEY, WOODPECKER_HTTP_TOKENS: OPERATOR_TOKEN }),
    /** No key of its own: each person signs in with theirs. */
    withoutServerKey: () => replica({}),
  };
}
