import { request } from "node:http";
import { createHash, randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { describeWithNginx, type Nginx, startNginx } from "../helpers/nginx.js";
import { OPERATOR_TOKEN, REDIRECT_URI, useOAuthReplicas } from "../helpers/oauth.js";
import { stopReplica } from "../helpers/remote.js";
import { TEST_KEY } from "../helpers/stand-in.js";

// Remote mode with OAuth, through the built bin: what a stolen, replayed or forged credential
// would try is refused. The person's part is played by plain requests to the sign-in page here
// (oauth.test.ts drives it in Chromium).

const TOKEN = OPERATOR_TOKEN;
const OTHER_KEY = "wp-other-account-key-42";

const oauth = useOAuthReplicas({ otherKeys: [OTHER_KEY] });
const { replica, withServerKey, withoutServerKey } = oauth;

async function grantedCode(baseUrl: string, secret = TOKEN, publicUrl = baseUrl) {
  const registered = await postJson(`${baseUrl}/register`, {
    client_name: "raw",
    redirect_uris: [REDIRECT_URI],
    token_endpoint_auth_method: "none",
  });
  const clientId = String(registered.body.client_id);
  const verifier = randomBytes(32).toString("base64url");
  const challenge = createHash("sha256").update(verifier).digest("base64url");
  const authorize = new URL(`${baseUrl}/authorize`);
  for (const [name, value] of Object.entries({
    client_id: clientId,
    redirect_uri: REDIRECT_URI,
    response_type: "code",
    code_challenge: challenge,
    code_challenge_method: "S256",
    resource: `${publicUrl}/mcp`,
  })) {
    authorize.searchParams.set(name, value);
  }
  const page = await (await fetch(authorize)).text();
  const request = /name="request" value="([^"]+)"/.exec(page)?.[1] ?? "";
  const answer = await fetch(`${baseUrl}/sign-in`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ request, secret, decision: "allow" }),
  });
  const code = new URL(answer.headers.get("location") ?? "about:blank").searchParams.get("code");
  const cookie = /^woodpecker_signin=([^;]+)/.exec(answer.headers.get("set-cookie") ?? "")?.[1];
  return { clientId, verifier, code: code ?? "", cookie: cookie ?? "", authorize };
}

async function postJson(url: string, body: object) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function token(baseUrl: string, fields: Record<string, string>) {
  const response = await fetch(`${baseUrl}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams(fields),
  });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const exchange = (
  baseUrl: string,
  granted: Awaited<ReturnType<typeof grantedCode>>,
  publicUrl = baseUrl,
) =>
  token(baseUrl, {
    grant_type: "authorization_code",
    client_id: granted.clientId,
    code: granted.code,
    code_verifier: granted.verifier,
    redirect_uri: REDIRECT_URI,
    resource: `${publicUrl}/mcp`,
  });

const LIST = JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" });

function listWith(url: string, accessToken: string) {
  return fetch(`${url}/mcp`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${accessToken}`,
      "content-type": "application/json",
      accept: "application/json, text/event-stream",
    },
    body: LIST,
  });
}

describe("OAuth: attacks that fail", () => {
  it("PKCE missing or wrong, a code asked for another resource, and a code used twice, get no token", async () => {
    const server = await withServerKey();
    const granted = await grantedCode(server.url);
    const { code_verifier: _dropped, ...withoutVerifier } = {
      grant_type: "authorization_code",
      client_id: granted.clientId,
      code: granted.code,
      code_verifier: "",
    };
    expect((await token(server.url, withoutVerifier)).status).toBe(400);
    const wrong = await token(server.url, {
      ...withoutVerifier,
      code_verifier: randomBytes(32).toString("base64url"),
    });
    expect(wrong).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    const elsewhere = await token(server.url, {
      grant_type: "authorization_code",
      client_id: granted.clientId,
      code: granted.code,
      code_verifier: granted.verifier,
      resource: "https://other.example/mcp",
    });
    expect(elsewhere).toMatchObject({ status: 400, body: { error: "invalid_target" } });
    expect((await exchange(server.url, granted)).status).toBe(200);
    expect(await exchange(server.url, granted)).toMatchObject({
      status: 400,
      body: { error: "invalid_grant" },
    });
  });

  it("refuses a redirect URI that was not registered, and registering one that is neither https nor loopback", async () => {
    const server = await withServerKey();
    const granted = await grantedCode(server.url);
    const elsewhere = new URL(granted.authorize);
    elsewhere.searchParams.set("redirect_uri", "https://attacker.example/callback");
    const answer = await fetch(elsewhere, { redirect: "manual" });
    expect(answer.status).toBe(400);
    expect(answer.headers.get("location")).toBeNull();
    const otherPath = new URL(granted.authorize);
    otherPath.searchParams.set("redirect_uri", "http://127.0.0.1:49151/other");
    expect((await fetch(otherPath, { redirect: "manual" })).status).toBe(400);
    const plainHttp = await postJson(`${server.url}/register`, {
      redirect_uris: ["http://attacker.example/callback"],
      token_endpoint_auth_method: "none",
    });
    expect(plainHttp).toMatchObject({ status: 400, body: { error: "invalid_client_metadata" } });
  });

  it("refuses an authorization request for another resource, or none", async () => {
    const server = await withServerKey();
    const granted = await grantedCode(server.url);
    for (const resource of ["https://other.example/mcp", undefined]) {
      const asked = new URL(granted.authorize);
      if (resource === undefined) asked.searchParams.delete("resource");
      else asked.searchParams.set("resource", resource);
      const answer = await fetch(asked, { redirect: "manual" });
      expect(answer.status).toBe(302);
      const back = new URL(answer.headers.get("location") ?? "about:blank");
      expect(back.searchParams.get("error")).toBe("invalid_target");
      expect(back.searchParams.get("iss")).toBe(`${server.url}/`);
    }
  });

  it("a token for another resource, or tampered with, is refused; a refresh token reused after rotation is too", async () => {
    const server = await withServerKey();
    const granted = await grantedCode(server.url);
    const issued = await exchange(server.url, granted);
    const accessToken = String(issued.body.access_token);
    expect((await listWith(server.url, accessToken)).status).toBe(200);
    // The same replica under another name is another resource: the token names 127.0.0.1.
    const otherName = server.url.replace("127.0.0.1", "localhost");
    expect((await listWith(otherName, accessToken)).status).toBe(401);
    const bytes = Buffer.from(accessToken, "base64url");
    bytes[20] = (bytes[20] ?? 0) ^ 1;
    expect((await listWith(server.url, bytes.toString("base64url"))).status).toBe(401);

    const refresh = (refreshToken: string) =>
      token(server.url, {
        grant_type: "refresh_token",
        client_id: granted.clientId,
        refresh_token: refreshToken,
        resource: `${server.url}/mcp`,
      });
    const first = String(issued.body.refresh_token);
    const rotated = await refresh(first);
    expect(rotated.status).toBe(200);
    expect(rotated.body.refresh_token).not.toBe(first);
    expect(await refresh(first)).toMatchObject({ status: 400, body: { error: "invalid_grant" } });
    expect((await refresh(String(rotated.body.refresh_token))).status).toBe(200);
  });

  it("tokens made under one secret open nothing under another: rotating it revokes them all", async () => {
    // One public URL for every replica, so that only the secret differs.
    const publicUrl = "http://localhost:9";
    const common = {
      WOODPECKER_API_KEY: TEST_KEY,
      WOODPECKER_HTTP_TOKENS: TOKEN,
      WOODPECKER_HTTP_PUBLIC_URL: publicUrl,
    };
    const first = await replica(common);
    const granted = await grantedCode(first.url, TOKEN, publicUrl);
    const issued = await exchange(first.url, granted, publicUrl);
    const accessToken = String(issued.body.access_token);
    const sameSecret = await replica(common);
    expect((await listWith(sameSecret.url, accessToken)).status).toBe(200);
    const rotated = await replica({
      ...common,
      WOODPECKER_HTTP_SECRET: randomBytes(32).toString("base64"),
    });
    expect((await listWith(rotated.url, accessToken)).status).toBe(401);
    const refreshed = await token(rotated.url, {
      grant_type: "refresh_token",
      client_id: granted.clientId,
      refresh_token: String(issued.body.refresh_token),
    });
    expect(refreshed.status).toBe(400);
  });

  it("guessing at the sign-in page: after 20 answers in 15 minutes, even the right one gets 429", async () => {
    const server = await withServerKey();
    expect(await guessing(server.url)).toEqual([...Array<number>(19).fill(401), 429]);
  });

  it("the same sign-in form sent again gets no second code", async () => {
    const server = await withServerKey();
    const { authorize } = await grantedCode(server.url);
    const page = await (await fetch(authorize)).text();
    const request = /name="request" value="([^"]+)"/.exec(page)?.[1] ?? "";
    const send = () =>
      fetch(`${server.url}/sign-in`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ request, secret: TOKEN, decision: "allow" }),
      });
    const first = await send();
    expect(first.status).toBe(302);
    expect(new URL(first.headers.get("location") ?? "").searchParams.get("code")).toBeTruthy();
    const again = await send();
    expect(again.status).toBe(400);
    expect(again.headers.get("location")).toBeNull();
  });

  it("no secret reaches the logs: not the key, the code, the tokens, the cookie or the HTTP secret", async () => {
    const server = await withoutServerKey();
    const granted = await grantedCode(server.url, OTHER_KEY);
    const issued = await exchange(server.url, granted);
    const accessToken = String(issued.body.access_token);
    const listed = await listWith(server.url, accessToken);
    expect(listed.status).toBe(200);
    await listed.text();
    await stopReplica(server);
    const logs = server.stderr();
    expect(logs).toContain("signed in");
    expect(granted.cookie).not.toBe("");
    for (const secret of [
      granted.cookie,
      OTHER_KEY,
      oauth.secret,
      granted.code,
      accessToken,
      String(issued.body.refresh_token),
    ]) {
      expect(logs).not.toContain(secret);
    }
  });

  it("a loopback Host no OAuth issuer can have ([::1], 127.0.0.2) gets 400, on /mcp too, and the server stays up", async () => {
    const server = await withServerKey();
    const { port } = new URL(server.url);
    for (const host of [`[::1]:${port}`, `127.0.0.2:${port}`]) {
      for (const path of ["/mcp", "/authorize"]) {
        expect(await statusWithHost(server.url, path, host)).toBe(400);
      }
    }
    expect((await fetch(`${server.url}/mcp`, { method: "POST", body: LIST })).status).toBe(401);
    expect(server.child.exitCode).toBeNull();
  });
});

/** The status a POST to `path` gets with its Host header set to `host`. */
function statusWithHost(base: string, path: string, host: string): Promise<number | undefined> {
  return new Promise((resolve, reject) => {
    const sent = request(`${base}${path}`, { method: "POST", headers: { host } }, (answer) => {
      answer.resume();
      resolve(answer.statusCode);
    });
    sent.on("error", reject);
    sent.end(LIST);
  });
}

describeWithNginx("OAuth behind nginx set up as docs/remote.md says", () => {
  let nginx: Nginx | undefined;
  afterEach(() => nginx?.stop());

  it("a client that forges X-Forwarded-For at each guess is still counted as itself: 429 after 20", async () => {
    const server = await withServerKey();
    nginx = await startNginx([server.url]);
    const forged = (guess: number) => ({ "x-forwarded-for": `203.0.113.${guess}` });
    expect(await guessing(nginx.url, forged)).toEqual([...Array<number>(19).fill(401), 429]);
  });
});

/**
 * Signs in once, then answers the sign-in page 19 times wrong and once right, each answer with
 * `headers(guess)`: the statuses of the 20 answers after the first sign-in.
 */
async function guessing(
  baseUrl: string,
  headers: (guess: number) => Record<string, string> = () => ({}),
): Promise<number[]> {
  const { authorize } = await grantedCode(baseUrl);
  const page = await (await fetch(authorize)).text();
  const request = /name="request" value="([^"]+)"/.exec(page)?.[1] ?? "";
  const statuses: number[] = [];
  // grantedCode's own sign-in was the first of the 20.
  for (let guess = 1; guess <= 20; guess += 1) {
    const answer = await fetch(`${baseUrl}/sign-in`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": "application/x-www-form-urlencoded", ...headers(guess) },
      body: new URLSearchParams({
        request,
        secret: guess === 20 ? TOKEN : `wrong-guess-${guess}-0123456789`,
        decision: "allow",
      }),
    });
    statuses.push(answer.status);
  }
  return statuses;
}
