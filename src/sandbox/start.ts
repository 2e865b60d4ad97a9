import { randomBytes } from "node:crypto";
import { WoodpeckerSimulation } from "./simulation.js";

/** Starts the seeded simulation with a key of its own: the real key is never sent to it. */
export async function startSandbox(): Promise<{
  baseUrl: string;
  apiKey: string;
  close: () => Promise<void>;
}> {
  const apiKey = `sandbox-${randomBytes(12).toString("hex")}`;
  const simulation = await WoodpeckerSimulation.start({ apiKey });
  return { baseUrl: simulation.baseUrl, apiKey, close: () => simulation.close() };
}
