// npm run bench: start-up, per-call cost and memory of the built server, measured side by side
// (interleaved, same machine, same run) with the bare reference server in reference-server.mjs.
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { ElicitRequestSchema } from "@modelcontextprotocol/sdk/types.js";
import { build } from "esbuild";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const OURS = join(ROOT, "dist/index.js");
const REFERENCE = join(ROOT, "test/bench/reference-server.mjs");
const COLD_RUNS = Number(process.env.BENCH_COLD_RUNS ?? 21);
const CALLS = Number(process.env.BENCH_CALLS ?? 2_000);
const MEMORY_CALLS = Number(process.env.BENCH_MEMORY_CALLS ?? 10_000);
const KEY = "bench-key-0123456789";

const line = (text = "") => process.stdout.write(`${text}\n`);
const median = (values) => quantile(values, 0.5);
function quantile(values, q) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}
const ms = (value) => `${value.toFixed(2)} ms`;

async function loadSimulation() {
  const outfile = join(tmpdir(), `woodpecker-bench-simulation-${process.pid}.mjs`);
  await build({
    entryPoints: [join(ROOT, "src/sandbox/simulation.ts")],
    bundle: true,
    platform: "node",
    format: "esm",
    outfile,
    logLevel: "warning",
  });
  return (await import(outfile)).WoodpeckerSimulation;
}

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

function addCredential(simulation, id) {
  simulation.account.credentials.push({
    credential_id: id,
    name: `bench ${id}`,
    tenant_id: "tenant",
    client_id: "client",
    secret_expires_at: "2027-01-01T00:00:00Z",
  });
}

async function connect(path, env, capabilities = {}, onElicit = undefined) {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [path],
    env: { PATH: process.env.PATH ?? "", LOG_LEVEL: "warn", ...env },
    stderr: "ignore",
  });
  const client = new Client({ name: "bench", version: "0" }, { capabilities });
  if (onElicit) client.setRequestHandler(ElicitRequestSchema, onElicit);
  await client.connect(transport);
  return { client, pid: transport.pid };
}

/**
 * A full delete_domain against a stand-in that answers every request 50 ms late. The floor is two
 * dependent round trips: the preview's two reads at once, then the DELETE, made directly.
 */
async function cascadeLatency(Simulation) {
  const LATENCY_MS = 50;
  const RUNS = Number(process.env.BENCH_LATENCY_RUNS ?? 30);
  const domain = (name) => ({
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
  const account = { domains: [], credentials: [] };
  for (let i = 0; i < RUNS * 3 + 3; i += 1) account.domains.push(domain(`bench${i}.com`));
  const simulation = await Simulation.start({
    apiKey: KEY,
    account,
    deletionMs: 3_600_000,
    intercept: (_request, _response, answer) => {
      setTimeout(answer, LATENCY_MS);
      return true;
    },
  });
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
  const floorCall = (name) =>
    Promise.all([get(`/domains/${name}`), get(`/domains/${name}/mailboxes`)]).then(() =>
      fetch(`${simulation.baseUrl}/domains/${name}`, { method: "DELETE", headers }).then((r) =>
        r.text(),
      ),
    );
  const confirm = (client, name) =>
    client.callTool({ name: "delete_domain", arguments: { domain_name: name, confirm: name } });
  const times = { floor: [], twoStep: [], form: [] };
  for (let run = 0; run < RUNS; run += 1) {
    times.floor.push(await timed(floorCall));
    const name = `bench${next++}.com`;
    await twoStep.client.callTool({ name: "delete_domain", arguments: { domain_name: name } });
    const started = performance.now();
    await confirm(twoStep.client, name);
    times.twoStep.push(performance.now() - started);
    times.form.push(
      await timed((target) =>
        form.client.callTool({ name: "delete_domain", arguments: { domain_name: target } }),
      ),
    );
  }
  const floor = median(times.floor);
  line(
    `delete_domain with ${LATENCY_MS} ms of latency per response, median of ${RUNS}: preview (two reads at once), then the DELETE`,
  );
  line(`  floor: the same requests, made directly      ${ms(floor)}`);
  for (const [label, values] of [
    ["confirming call (two-step guard)          ", times.twoStep],
    ["one call, the person asked through a form ", times.form],
  ]) {
    line(
      `  ${label} ${ms(median(values))}  p90 ${ms(quantile(values, 0.9))}  above the floor ${ms(median(values) - floor)} (goal ≤ 15 ms)`,
    );
  }
  await twoStep.client.close();
  await form.client.close();
  await simulation.close();
}

function rssMb(pid) {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0) / 1024;
}

async function main() {
  line(
    `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`,
  );
  line(
    `NODE_EXTRA_CA_CERTS: ${process.env.NODE_EXTRA_CA_CERTS ? `set (${process.env.NODE_EXTRA_CA_CERTS}); on Node 20 it slows every start (see the node -e "" floor below)` : "not set"}`,
  );
  line();

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
    `  this server         ${ms(ours)}   ratio to reference ${(ours / reference).toFixed(2)}× (goal ≤ 0.60×); above the floor ${((ours - floor) / (reference - floor)).toFixed(2)}×`,
  );
  line();

  const Simulation = await loadSimulation();
  const simulation = await Simulation.start({ apiKey: KEY });
  const env = { WOODPECKER_API_KEY: KEY, WOODPECKER_API_BASE_URL: simulation.baseUrl };
  const oursServer = await connect(OURS, env);
  const referenceServer = await connect(REFERENCE, env);
  let nextId = 1_000_000;
  const callOnce = async (server) => {
    const id = nextId++;
    addCredential(simulation, id);
    const started = performance.now();
    await server.client.callTool({
      name: "delete_microsoft_credential",
      arguments: { credential_id: id },
    });
    return performance.now() - started;
  };
  const plainHttp = async () => {
    const id = nextId++;
    addCredential(simulation, id);
    const started = performance.now();
    const headers = { "x-api-key": KEY };
    await (
      await fetch(`${simulation.baseUrl}/mailboxes/microsoft/credentials`, { headers })
    ).arrayBuffer();
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
    await plainHttp();
  }
  const rssAfterStart = { ours: rssMb(oursServer.pid), reference: rssMb(referenceServer.pid) };

  line(
    `per call: delete_microsoft_credential (the list, then DELETE → 204) on loopback, ${CALLS} calls each, interleaved`,
  );
  const latency = { ours: [], reference: [], http: [] };
  for (let call = 0; call < CALLS; call += 1) {
    latency.ours.push(await callOnce(oursServer));
    latency.reference.push(await callOnce(referenceServer));
    latency.http.push(await plainHttp());
  }
  for (const [label, values] of [
    ["the two requests   ", latency.http],
    ["bare reference     ", latency.reference],
    ["this server        ", latency.ours],
  ]) {
    line(`  ${label} p50 ${ms(median(values))}  p99 ${ms(quantile(values, 0.99))}`);
  }
  line(
    `  overhead over the reference at p50: ${ms(median(latency.ours) - median(latency.reference))} (goal ≤ 0.10 ms)`,
  );
  line();

  await cascadeLatency(Simulation);
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
    `  at ${MEMORY_CALLS} calls: ${(rss.ours[2] / rss.reference[2]).toFixed(2)}× the reference (goal ≤ 1.20×); growth from ${MEMORY_CALLS / 2}: ${(rss.ours[2] - rss.ours[1]).toFixed(1)} MB (goal ≤ 10 MB)`,
  );

  await oursServer.client.close();
  await referenceServer.client.close();
  await simulation.close();
}

await main();
