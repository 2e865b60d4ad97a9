import { AIMessage, type ToolMessage } from "@langchain/core/messages";
import { ToolNode } from "@langchain/langgraph/prebuilt";
import { MultiServerMCPClient } from "@langchain/mcp-adapters";
import { afterEach, describe, expect, it } from "vitest";
import { BUILT_SERVER } from "../helpers/spawn.js";

// A question to the person is not a failed tool: LangChain's MCP adapter throws on isError, and
// LangGraph's ToolNode then drops the structured preview. Both are driven here as their users wire
// them, against the built server in the sandbox.

let client: MultiServerMCPClient | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
});

async function woodpeckerTools() {
  client = new MultiServerMCPClient({
    mcpServers: {
      woodpecker: {
        transport: "stdio",
        command: process.execPath,
        args: [BUILT_SERVER, "--sandbox"],
        // A test never opens the developer's own browser: the agent relays the yes here.
        env: { PATH: process.env.PATH ?? "", WOODPECKER_APPROVAL: "off" },
        stderr: "ignore",
      },
    },
  });
  const tools = await client.getTools();
  const tool = (name: string) => {
    const found = tools.find((candidate) => candidate.name === name);
    if (found === undefined) throw new Error(`no tool ${name}`);
    return found;
  };
  return { tools, tool };
}

/** The JSON the server put after the summary in its text block, as the tool returned it. */
function resultJson(output: unknown): Record<string, unknown> {
  const text = (output as { text?: unknown }).text;
  if (typeof text !== "string") throw new Error(`not a text block: ${JSON.stringify(output)}`);
  return JSON.parse(text.slice(text.indexOf("\n\n{") + 2));
}

describe("@langchain/mcp-adapters", () => {
  it("takes confirmation_required without an exception, and deletes on the relayed yes", async () => {
    const { tool } = await woodpeckerTools();
    const deleteDomain = tool("delete_domain");
    const asked: unknown = await deleteDomain.invoke({ domain_name: "piedpiper.com" });
    const question = resultJson(asked);
    expect(question).toMatchObject({
      status: "confirmation_required",
      preview: { mailboxes_count: 3 },
    });
    const { preview_token } = question.confirmation as { preview_token: string };
    const done: unknown = await deleteDomain.invoke({
      domain_name: "piedpiper.com",
      confirm: "piedpiper.com",
      preview_token,
    });
    expect(resultJson(done)).toMatchObject({ status: "deletion_accepted", confirmed_by: "agent" });
  });

  it("still throws on a real failure: the difference is not hidden", async () => {
    const { tool } = await woodpeckerTools();
    await expect(tool("delete_domain").invoke({ domain_name: "aviato.com" })).rejects.toThrow(
      /precondition_failed/,
    );
  });
});

describe("LangGraph's ToolNode", () => {
  it("keeps the structured preview of a confirmation_required answer", async () => {
    const { tools } = await woodpeckerTools();
    const node = new ToolNode(tools);
    const call = new AIMessage({
      content: "",
      tool_calls: [{ id: "call-1", name: "delete_domain", args: { domain_name: "hooli.com" } }],
    });
    const { messages } = (await node.invoke({ messages: [call] })) as { messages: ToolMessage[] };
    const [message] = messages;
    expect(message?.status).not.toBe("error");
    const artifacts = JSON.stringify(message?.artifact);
    expect(artifacts).toContain('"status":"confirmation_required"');
    expect(artifacts).toContain('"preview_token"');
    expect(artifacts).toContain("gavin@hooli.com");
  });
});
