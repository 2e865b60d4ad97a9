import type { Fault } from "../../src/sandbox/simulation.js";

/** A scripted JSON answer for the simulation's fault queue. */
export function jsonFault(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): Extract<Fault, { type: "respond" }> {
  return {
    type: "respond",
    status,
    body: JSON.stringify(body),
    headers: { "content-type": "application/json", ...headers },
  };
}
