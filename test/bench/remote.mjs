// The remote-mode section of `npm run bench`: calls per second and latency over Streamable HTTP,
// directly and through a real nginx, and directly with an OAuth access token, side by side with
// the bare stateless SDK server in reference-http-server.mjs, all making the same GET for
// list_microsoft_credentials.
import { createHash, randomBytes } from "node:crypto";
import { join } from "node:path";
import {
  KEY,
  line,
  median,
  ms,
  OURS,
  quantile,
  ratio,
  ROOT,
  rssMb,
  startProcess,
} from "./measure.mjs";

const REFERENCE = join(ROOT, "test/bench/reference-http-server.mjs");
const CLIENTS = Number(process.env.BENCH_HTTP_CLIENTS ?? 8);
const CALLS = Number(process.env.BENCH_HTTP_CALLS ?? 4_000);
const ROUNDS = 4;
const TOKEN = "bench-bearer-token-0123456789";

const BODY = JSON.stringify({
  jsonrpc: "2.0",
  id: 1,
  method: "tools/call",
  params: { name: "list_microsoft_credentials", arguments: {} },
});

/**
 * An access token from the server in OAuth mode at `base`, as a client gets one: it registers, the
 * person signs in on the page with the operator's token, and the code is exchanged with PKCE.
 */
async function signedInToken(base) {
  const redirect = "http://127.0.0.1:49151/callback";
  const post = (path, type, body) =>
    fetch(`${base}${path}`, {
      method: "POST",
      redirect: "manual",
      headers: { "content-type": type },
      body: type === "application/json" ? JSON.stringify(body) : new URLSearchParams(body),
    });
  const client = await (
    await post("/register", "application/json", {
      client_name: "bench",
      redirect_uris: [redirect],
      token_endpoint_auth_method: "none",
    })
  ).json();
  const verifier = randomBytes(32).toString("base64url");
  const authorize = new URL(`${base}/authorize`);
  authorize.search = new URLSearchParams({
    client_id: client.client_id,
    redirect_uri: redirect,
    response_type: "code",
    code_challenge: createHash("sha256").update(verifier).digest("base64url"),
    code_challenge_method: "S256",
    resource: `${base}/mcp`,
  }).toString();
  const page = await (await fetch(authorize)).text();
  const request = /name="request" value="([^"]+)"/.exec(page)?.[1] ?? "";
  const form = "application/x-www-form-urlencoded";
  const signedIn = await post("/sign-in", form, { request, secret: TOKEN, decision: "allow" });
  const code = new URL(signedIn.headers.get("location") ?? "").searchParams.get("code") ?? "";
  const tokens = await (
    await post("/token", form, {
      grant_type: "authorization_code",
      code,
      code_verifier: verifier,
      client_id: client.client_id,
      redirect_uri: redirect,
      resource: `${base}/mcp`,
    })
  ).json();
  return tokens.access_token;
}

/** `clients` loops sending one call after another; every answer is read and checked. */
async function load(target, calls) {
  const latencies = [];
  let errors = 0;
  const perClient = Math.ceil(calls / CLIENTS);
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CLIENTS }, async () => {
      for (let call = 0; call < perClient; call += 1) {
        const sent = performance.now();
        const response = await fetch(target.url, {
          method: "POST",
          headers: {
            "content-type": "application/json",
            accept: "application/json, text/event-stream",
            ...target.headers,
          },
          body: BODY,
        });
        const text = await response.text();
        latencies.push(performance.now() - sent);
        if (!response.ok || !text.includes('"result"') || text.includes('"isError":true')) {
          errors += 1;
        }
      }
    }),
  );
  return { seconds: (performance.now() - started) / 1000, latencies, errors };
}

export async function remoteBench(Simulation, { startNginx, NGINX }) {
  const simulation = await Simulation.start({ apiKey: KEY });
  // Both servers are measured, not Woodpecker's one-request-at-a-time: the reference would
  // otherwise be refused past seven requests at once, and this server would queue.
  simulation.requestLimits = false;
  const env = { WOODPECKER_API_KEY: KEY, WOODPECKER_API_BASE_URL: simulation.baseUrl };
  const ours = await startProcess(
    [OURS],
    {
      ...env,
      WOODPECKER_HTTP_PORT: "0",
      WOODPECKER_HTTP_TOKENS: TOKEN,
      WOODPECKER_MAX_IN_FLIGHT: "7",
      LOG_LEVEL: "info",
    },
    (output) => /"listening":"([^"]+)"/.exec(output)?.[1],
  );
  const oauth = await startProcess(
    [OURS],
    {
      ...env,
      WOODPECKER_HTTP_PORT: "0",
      WOODPECKER_HTTP_AUTH: "oauth",
      WOODPECKER_HTTP_SECRET: randomBytes(32).toString("base64"),
      WOODPECKER_HTTP_TOKENS: TOKEN,
      WOODPECKER_MAX_IN_FLIGHT: "7",
      WOODPECKER_APPROVAL: "off",
      LOG_LEVEL: "info",
    },
    (output) => /"listening":"([^"]+)"/.exec(output)?.[1],
  );
  const accessToken = await signedInToken(`http://${oauth.found}`);
  const reference = await startProcess(
    [REFERENCE],
    env,
    (output) => /^(\d+)\n/.exec(output)?.[1] && `127.0.0.1:${/^(\d+)\n/.exec(output)[1]}`,
  );
  const nginx = NGINX
    ? await startNginx([`http://${ours.found}`, `http://${reference.found}`])
    : undefined;
  const auth = { authorization: `Bearer ${TOKEN}` };
  const targets = [
    { name: "bare reference, direct  ", url: `http://${reference.found}/mcp`, headers: {} },
    { name: "this server, direct     ", url: `http://${ours.found}/mcp`, headers: auth },
    {
      name: "this server, OAuth      ",
      url: `http://${oauth.found}/mcp`,
      headers: { authorization: `Bearer ${accessToken}` },
    },
  ];
  if (nginx) {
    targets.push(
      { name: "bare reference, nginx   ", url: `${nginx.url}/mcp`, headers: { "x-replica": "1" } },
      {
        name: "this server, nginx      ",
        url: `${nginx.url}/mcp`,
        headers: { ...auth, "x-replica": "0" },
      },
    );
  }
  for (const target of targets) await load(target, 400);

  const results = new Map(
    targets.map((target) => [target, { seconds: 0, latencies: [], errors: 0 }]),
  );
  for (let round = 0; round < ROUNDS; round += 1) {
    for (const target of targets) {
      const outcome = await load(target, CALLS / ROUNDS);
      const sum = results.get(target);
      sum.seconds += outcome.seconds;
      sum.latencies.push(...outcome.latencies);
      sum.errors += outcome.errors;
    }
  }
  line(
    `remote mode: ${CLIENTS} clients at once, each sending tools/call list_microsoft_credentials (one GET) one after another, ${CALLS} calls per server and path, in ${ROUNDS} interleaved rounds`,
  );
  if (!nginx) line("  (nginx is not installed: the rows through nginx are left out)");
  const figures = new Map();
  for (const [target, sum] of results) {
    const perSecond = sum.latencies.length / sum.seconds;
    figures.set(target.name.trim(), { perSecond, p99: quantile(sum.latencies, 0.99) });
    line(
      `  ${target.name} ${perSecond.toFixed(0).padStart(6)} calls/s  p50 ${ms(median(sum.latencies))}  p99 ${ms(quantile(sum.latencies, 0.99))}  errors ${sum.errors}`,
    );
  }
  for (const path of ["direct", "OAuth", "nginx"]) {
    const mine = figures.get(`this server, ${path}`);
    const theirs = figures.get(`bare reference, ${path === "OAuth" ? "direct" : path}`);
    if (!mine || !theirs) continue;
    line(
      `  ${path}: throughput ${ratio(mine.perSecond / theirs.perSecond)} the reference's (goal ≥ 0.80×), p99 ${ratio(mine.p99 / theirs.p99)} (goal ≤ 1.25×)`,
    );
  }
  line(
    `  RSS after the calls: this server ${rssMb(ours.child.pid).toFixed(1)} MB, the reference ${rssMb(reference.child.pid).toFixed(1)} MB`,
  );
  await nginx?.stop();
  ours.child.kill();
  oauth.child.kill();
  reference.child.kill();
  await simulation.close();
}
