// The stdio sections of `npm run bench`: cold start, per-call cost, a deletion under latency, and
// memory, each side by side (interleaved) with the bare reference in reference-server.mjs.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { KEY, line, median, ms, OURS, quantile, ratio, ROOT, rssMb } from "./measure.mjs";

const REFERENCE = join(ROOT, "test/bench/reference-server.mjs");
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 21);
const CALLS = Number(process.env.BENCH_CALLS ?? 2_000);
const MEMORY_CALLS = Number(process.env.BENCH_MEMORY_CALLS ?? 10_000);
const LATENCY_RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 30);

/** Spawn until the answer to tools/list arrives, raw JSON-RPC so no client cost is counted. */
function coldStart(args) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, {
      stdio: ["pipe", "pipe", "ignore"],
      env: process.env,
    });
    let out = "";
    child.on("error", reject);
    if (args[0] === "-e") {
      child.on("exit", () => resolve(performance.now() - started));
      child.stdin.end();
      return;
    }
    child.stdout.on("data", (chunk) => {
      out += chunk;
      if (out.includes('"id":2')) {
        resolve(performance.now() - started);
        child.kill();
      }
    });
    const send = (message) => child.stdin.write(`${JSON.stringify(message)}\n`);
    send({
      jsonrpc: "2.0",
      id: 1,
      method: "initialize",
      params: {
        protocolVersion: "2025-06-18",
        capabilities: {},
        clientInfo: { name: "bench", version: "0" },
      },
    });
    send({ jsonrpc: "2.0", method: "notifications/initialized" });
    send({ jsonrpc: "2.0", id: 2, method: "tools/list" });
  });
}

export async function coldStartBench() {
  line(
    `cold start: spawn until the tools/list answer arrives, median of ${COLD_RUNS}, interleaved`,
  );
  const cold = { floor: [], reference: [], ours: [] };
  for (let run = 0; run < COLD_RUNS; run += 1) {
    cold.floor.push(await coldStart(["-e", ""]));
    cold.reference.push(await coldStart([REFERENCE]));
    cold.ours.push(await coldStart([OURS]));
  }
  const [floor, reference, ours] = [median(cold.floor), median(cold.reference), median(cold.ours)];
  line(`  node -e ""          ${ms(floor)}`);
  line(`  bare reference      ${ms(reference)}`);
  line(
    `  this server         ${ms(ours)}   ratio to reference ${ratio(ours / reference)} (goal ≤ 0.60×); above the floor ${ratio((ours - floor) / (reference - floor))}`,
  );
}

function addCredential(simulation, id) {
  simulation.account.credentials.push({
    credential_id: id,
    name: `bench ${id}`,
    tenant_id: "tenant",
    client_id: "client",
    secret_expires_at: "2027-01-01T00:00:00Z",
  });
}

export async function connect(path, env, capabilities = {}, onElicit = undefined) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path],
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", WOODPECKER_APPROVAL: "off", ...env },
    stderr: "ignore",
  });
  const client = new Client({ name: "bench", version: "0" }, { capabilities });
  if (onElicit) client.setRequestHandler(ElicitRequestSchema, onElicit);
  await client.connect(transport);
  return { client, pid: transport.pid };
}

/**
 * Per call and memory: delete_microsoft_credential, the list then the DELETE, answered at once
 * on loopback. This server is confirmed through a form (the client's answer is one more stdio
 * round trip); the reference deletes without asking.
 */
export async function perCallAndMemoryBench(Simulation) {
  const simulation = await Simulation.start({ apiKey: KEY });
  const env = { WOODPECKER_API_KEY: KEY, WOODPECKER_API_BASE_URL: simulation.baseUrl };
  let target = 0;
  const oursServer = await connect(OURS, env, { elicitation: {} }, () => ({
    action: "accept",
    content: { confirmation: String(target) },
  }));
  const referenceServer = await connect(REFERENCE, env);
  let nextId = 1_000_000;
  const callOnce = async (server) => {
    target = nextId++;
    addCredential(simulation, target);
    const started = performance.now();
    const result = await server.client.callTool({
      name: "delete_microsoft_credential",
      arguments: { credential_id: target },
    });
    if (result.isError) throw new Error(`the call failed: ${JSON.stringify(result.content)}`);
    return performance.now() - started;
  };
  /** The requests alone, made directly: `lists` reads of the list, then the DELETE. */
  const plainHttp = async (lists) => {
    const id = nextId++;
    addCredential(simulation, id);
    const started = performance.now();
    const headers = { "x-api-key": KEY };
    for (let read = 0; read < lists; read += 1) {
      await (
        await fetch(`${simulation.baseUrl}/mailboxes/microsoft/credentials`, { headers })
      ).arrayBuffer();
    }
    const response = await fetch(`${simulation.baseUrl}/mailboxes/microsoft/credentials/${id}`, {
      method: "DELETE",
      headers,
    });
    await response.arrayBuffer();
    return performance.now() - started;
  };
  for (let warm = 0; warm < 200; warm += 1) {
    await callOnce(oursServer);
    await callOnce(referenceServer);
    await plainHttp(1);
  }
  const rssAfterStart = { ours: rssMb(oursServer.pid), reference: rssMb(referenceServer.pid) };

  line(
    `per call: delete_microsoft_credential on loopback, ${CALLS} calls each, interleaved. The reference reads the list and deletes; this server reads the list, asks through a form, reads it again, and deletes`,
  );
  const latency = { ours: [], reference: [], http: [], httpOurs: [] };
  for (let call = 0; call < CALLS; call += 1) {
    latency.ours.push(await callOnce(oursServer));
    latency.reference.push(await callOnce(referenceServer));
    latency.http.push(await plainHttp(1));
    latency.httpOurs.push(await plainHttp(2));
  }
  for (const [label, values] of [
    ["the reference's two requests, made directly  ", latency.http],
    ["bare reference                               ", latency.reference],
    ["this server's three requests, made directly  ", latency.httpOurs],
    ["this server                                  ", latency.ours],
  ]) {
    line(`  ${label} p50 ${ms(median(values))}  p99 ${ms(quantile(values, 0.99))}`);
  }
  line(
    `  above their own requests at p50: the reference ${ms(median(latency.reference) - median(latency.http))}, this server ${ms(median(latency.ours) - median(latency.httpOurs))} (a form's round trip included)`,
  );
  line();

  line(`memory (RSS) under the same calls, ${MEMORY_CALLS} in all`);
  const rss = { ours: [rssAfterStart.ours], reference: [rssAfterStart.reference] };
  for (let call = 1; call <= MEMORY_CALLS; call += 1) {
    await callOnce(oursServer);
    await callOnce(referenceServer);
    if (call === MEMORY_CALLS / 2 || call === MEMORY_CALLS) {
      rss.ours.push(rssMb(oursServer.pid));
      rss.reference.push(rssMb(referenceServer.pid));
    }
  }
  const row = (values) => values.map((value) => `${value.toFixed(1)} MB`.padStart(9)).join("");
  line(`                      after start  after ${MEMORY_CALLS / 2}  after ${MEMORY_CALLS}`);
  line(`  bare reference    ${row(rss.reference)}`);
  line(`  this server       ${row(rss.ours)}`);
  line(
    `  at ${MEMORY_CALLS} calls: ${ratio(rss.ours[2] / rss.reference[2])} the reference (goal ≤ 1.20×); growth from ${MEMORY_CALLS / 2}: ${(rss.ours[2] - rss.ours[1]).toFixed(1)} MB (goal ≤ 10 MB)`,
  );

  await oursServer.client.close();
  await referenceServer.client.close();
  await simulation.close();
}

/** The simulation of `account`, answering every request `latencyMs` late; no deletion completes. */
export function slowSimulation(Simulation, account, latencyMs) {
  return Simulation.start({
    apiKey: KEY,
    account,
    deletionMs: 3_600_000,
    intercept: (_request, _response, answer) => {
      setTimeout(answer, latencyMs);
      return true;
    },
  });
}

/** A ready domain of the simulation, with three connected mailboxes. */
export const benchDomain = (name) => ({
  name,
  provider: "GOOGLE",
  isCustomDomain: false,
  isReady: true,
  deletionInProgress: false,
  expires: "2027-06-24T10:00:00",
  created: "2025-06-24T10:00:00",
  maxMailboxes: 5,
  mailboxes: ["a", "b", "c"].map((local) => ({
    first_name: local,
    last_name: "x",
    email: `${local}@${name}`,
    provider: "GOOGLE",
    status: "PAID",
  })),
});

/**
 * A full delete_domain against a stand-in that answers every request 50 ms late. The floor is two
 * dependent round trips: the preview's two reads at once, then the DELETE, made directly.
 */
export async function cascadeLatencyBench(Simulation) {
  const LATENCY_MS = 50;
  const account = { domains: [], credentials: [] };
  for (let i = 0; i < LATENCY_RUNS * 4 + 4; i += 1)
    account.domains.push(benchDomain(`bench${i}.com`));
  const simulation = await slowSimulation(Simulation, account, LATENCY_MS);
  const env = { WOODPECKER_API_KEY: KEY, WOODPECKER_API_BASE_URL: simulation.baseUrl };
  const twoStep = await connect(OURS, env);
  const form = await connect(OURS, env, { elicitation: {} }, (request) => ({
    action: "accept",
    content: { confirmation: request.params.message.match(/Delete (\S+) for good/)?.[1] ?? "" },
  }));
  const headers = { "x-api-key": KEY };
  const get = (path) => fetch(`${simulation.baseUrl}${path}`, { headers }).then((r) => r.text());
  let next = 0;
  const timed = async (work) => {
    const name = `bench${next++}.com`;
    const started = performance.now();
    await work(name);
    return performance.now() - started;
  };
  const reads = (name) => Promise.all([get(`/domains/${name}`), get(`/domains/${name}/mailboxes`)]);
  const remove = (name) =>
    fetch(`${simulation.baseUrl}/domains/${name}`, { method: "DELETE", headers }).then((r) =>
      r.text(),
    );
  // The floors: the same requests made directly. A form's answer is followed by a second read,
  // to delete only what is still what the person saw.
  const floorCall = (name) => reads(name).then(() => remove(name));
  const formFloorCall = (name) =>
    reads(name)
      .then(() => reads(name))
      .then(() => remove(name));
  const deleteDomain = async (client, args) =>
    (await client.callTool({ name: "delete_domain", arguments: args })).structuredContent;
  const times = { floor: [], formFloor: [], twoStep: [], form: [] };
  for (let run = 0; run < LATENCY_RUNS; run += 1) {
    times.floor.push(await timed(floorCall));
    times.formFloor.push(await timed(formFloorCall));
    const name = `bench${next++}.com`;
    const preview = await deleteDomain(twoStep.client, { domain_name: name });
    const started = performance.now();
    const confirmed = await deleteDomain(twoStep.client, {
      domain_name: name,
      confirm: name,
      preview_token: preview.confirmation.preview_token,
    });
    times.twoStep.push(performance.now() - started);
    if (confirmed.status !== "deletion_accepted") throw new Error(JSON.stringify(confirmed));
    times.form.push(
      await timed(async (target) => {
        const result = await deleteDomain(form.client, { domain_name: target });
        if (result.status !== "deletion_accepted") throw new Error(JSON.stringify(result));
      }),
    );
  }
  line(
    `delete_domain with ${LATENCY_MS} ms of latency per response (the stand-in, like Woodpecker, answers one request of a key at a time), median of ${LATENCY_RUNS}`,
  );
  for (const [label, values, floorValues] of [
    ["confirming call (preview token): reads, DELETE          ", times.twoStep, times.floor],
    ["one call through a form: reads, the person, reads, DELETE", times.form, times.formFloor],
  ]) {
    const floor = median(floorValues);
    line(
      `  ${label} ${ms(median(values))}  p90 ${ms(quantile(values, 0.9))}  the same requests made directly ${ms(floor)}, above them ${ms(median(values) - floor)} (goal ≤ 15 ms)`,
    );
  }
  await twoStep.client.close();
  await form.client.close();
  await simulation.close();
}
