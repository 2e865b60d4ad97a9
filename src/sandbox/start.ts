import { WoodpeckerSimulation } from "./simulation.js";

/**
 * The sandbox's own API key. It is not a secret (nothing real sits behind it); being the same in
 * every sandbox process, it lets a preview token issued by one confirm in another, as it does
 * with a real key, for clients that start a new process per call. A real key is never sent here.
 */
export const SANDBOX_API_KEY = "sandbox-key-not-a-secret";

/** Starts the seeded simulation on loopback. */
export async function startSandbox(): Promise<{
  baseUrl: string;
  apiKey: string;
  close: () => Promise<void>;
}> {
  const simulation = await WoodpeckerSimulation.start({ apiKey: SANDBOX_API_KEY });
  return { baseUrl: simulation.baseUrl, apiKey: SANDBOX_API_KEY, close: () => simulation.close() };
}
