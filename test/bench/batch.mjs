// delete_domains against a stand-in that, like Woodpecker, answers one request of a key at a time,
// each 50 ms late: the confirming call of a 10-domain batch (every domain read again, then the
// DELETEs one after another) beside the same requests made directly, one after another.
import { KEY, line, median, ms, OURS, ratio } from "./measure.mjs";
import { benchDomain, connect, slowSimulation } from "./stdio.mjs";

const LATENCY_MS = 50;
const BATCH = 10;
const RUNS = Number(process.env.BENCH_BATCH_RUNS ?? 5);

export async function batchBench(Simulation) {
  const account = { domains: [], credentials: [] };
  const batches = Array.from({ length: RUNS * 2 }, (_, run) =>
    Array.from({ length: BATCH }, (_, i) => `batch${run}-${i}.com`),
  );
  for (const name of batches.flat()) account.domains.push(benchDomain(name));
  const simulation = await slowSimulation(Simulation, account, LATENCY_MS);
  const headers = { "x-api-key": KEY };
  const request = (method, path) =>
    fetch(`${simulation.baseUrl}${path}`, { method, headers }).then((r) => r.text());
  /** The floor: each domain's two reads, then each DELETE, every request after the last. */
  const oneAfterAnother = async (names) => {
    for (const name of names) {
      await request("GET", `/domains/${name}`);
      await request("GET", `/domains/${name}/mailboxes`);
    }
    for (const name of names) await request("DELETE", `/domains/${name}`);
  };
  const env = { WOODPECKER_API_KEY: KEY, WOODPECKER_API_BASE_URL: simulation.baseUrl };
  const agent = await connect(OURS, env);
  const deleteDomains = async (args) =>
    (await agent.client.callTool({ name: "delete_domains", arguments: args })).structuredContent;
  const times = { floor: [], batch: [], preview: [] };
  for (let run = 0; run < RUNS; run += 1) {
    const floorNames = batches[run * 2];
    let started = performance.now();
    await oneAfterAnother(floorNames);
    times.floor.push(performance.now() - started);
    const names = batches[run * 2 + 1];
    started = performance.now();
    const preview = await deleteDomains({ domain_names: names });
    times.preview.push(performance.now() - started);
    started = performance.now();
    const result = await deleteDomains({
      domain_names: names,
      confirm: `delete ${BATCH} domains`,
      preview_token: preview.confirmation.preview_token,
    });
    times.batch.push(performance.now() - started);
    if (result.status !== "deletion_accepted") throw new Error(JSON.stringify(result));
  }
  await agent.client.close();
  await simulation.close();
  const floor = median(times.floor);
  line(
    `delete_domains, a batch of ${BATCH}, ${LATENCY_MS} ms per response, one request of the key at a time, median of ${RUNS}`,
  );
  line(`  its ${BATCH * 3} requests one after another, made directly   ${ms(floor)}`);
  line(
    `  preview call (${BATCH * 2} reads)                               ${ms(median(times.preview))}`,
  );
  const batch = median(times.batch);
  const bare = BATCH * 3 * LATENCY_MS;
  line(
    `  confirming call (${BATCH * 2} reads again, ${BATCH} DELETEs)          ${ms(batch)}  ${ratio(batch / floor)} of the requests one after another (target ≤ 1.25×), ${ratio(batch / bare)} of ${BATCH * 3} × ${LATENCY_MS} ms`,
  );
}
