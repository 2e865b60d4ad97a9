import type { Tool } from "@modelcontextprotocol/sdk/types.js";
import * as z from "zod";
import type { AnyToolDefinition } from "../tools/define.js";
import { TOOLS } from "../tools/index.js";
import { withSingleTypes } from "./portable-schema.js";

/** The list as JSON, put into the bundle by scripts/build.mjs; undefined when run from source. */
declare const WOODPECKER_TOOL_LIST: string | undefined;

/**
 * What tools/list says of every tool, JSON Schemas included. The build makes it once from the
 * tool definitions and puts it in the bundle, so that no start converts zod schemas to JSON
 * Schema; run from source (the tests), it is made here, by the same function.
 */
export const TOOL_LIST: readonly Tool[] =
  typeof WOODPECKER_TOOL_LIST === "undefined"
    ? TOOLS.map(listedTool)
    : (JSON.parse(WOODPECKER_TOOL_LIST) as Tool[]);

/** A tool as tools/list gives it, as the SDK's McpServer would: its schemas as draft-07. */
export function listedTool(tool: AnyToolDefinition): Tool {
  return {
    name: tool.name,
    title: tool.title,
    description: tool.description,
    inputSchema: jsonSchema(tool.inputSchema, "input"),
    annotations: { title: tool.title, ...tool.annotations },
    // What the SDK says of a tool registered with registerTool: it runs as a plain call.
    execution: { taskSupport: "forbidden" },
    outputSchema: jsonSchema(tool.outputSchema, "output"),
  };
}

/** A tool's schema as draft-07, each nullable field written with `anyOf` (portable-schema.ts). */
function jsonSchema(schema: z.ZodObject, io: "input" | "output"): Tool["inputSchema"] {
  return withSingleTypes(z.toJSONSchema(schema, { target: "draft-07", io })) as Tool["inputSchema"];
}
