import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";

/** How an MCP client's config entry starts a server. */
export interface LaunchEntry {
  command: string;
  args: string[];
  env?: Record<string, string> | undefined;
}

/** Starts a server as a client's config entry says, hands `use` a connected Client, then closes. */
export async function withLaunchedServer<T>(
  entry: LaunchEntry,
  use: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ name: "launch-check", version: "1.0.0" });
  await client.connect(
    new StdioClientTransport({
      command: entry.command,
      args: entry.args,
      env: { PATH: process.env.PATH ?? "", ...entry.env },
      stderr: "ignore",
    }),
  );
  try {
    return await use(client);
  } finally {
    await client.close();
  }
}

export async function toolNames(client: Client): Promise<string[]> {
  const { tools } = await client.listTools();
  return tools.map((tool) => tool.name);
}
