// npm run bench: start-up, per-call cost, memory and remote-mode throughput of the built server,
// each measured side by side (interleaved, same machine, same run) with a bare reference server.
// BENCH_ONLY=cold,call,cascade,batch,remote runs some sections only.
import { cpus, totalmem } from "node:os";
import { importTs, line } from "./measure.mjs";
import { batchBench } from "./batch.mjs";
import { remoteBench } from "./remote.mjs";
import { cascadeLatencyBench, coldStartBench, perCallAndMemoryBench } from "./stdio.mjs";

const only = process.env.BENCH_ONLY?.split(",");
const wanted = (section) => only === undefined || only.includes(section);

line(
  `machine: ${cpus().length} × ${cpus()[0]?.model ?? "cpu"}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${process.platform}`,
);
line(
  `NODE_EXTRA_CA_CERTS: ${process.env.NODE_EXTRA_CA_CERTS ? `set (${process.env.NODE_EXTRA_CA_CERTS}); on Node 20 it slows every start (see the node -e "" floor below)` : "not set"}`,
);
line();

const { WoodpeckerSimulation } = await importTs("src/sandbox/simulation.ts");
if (wanted("cold")) {
  await coldStartBench();
  line();
}
if (wanted("call")) {
  await perCallAndMemoryBench(WoodpeckerSimulation);
  line();
}
if (wanted("cascade")) {
  await cascadeLatencyBench(WoodpeckerSimulation);
  line();
}
if (wanted("batch")) {
  await batchBench(WoodpeckerSimulation);
  line();
}
if (wanted("remote")) {
  await remoteBench(WoodpeckerSimulation, await importTs("test/helpers/nginx-process.ts"));
}
