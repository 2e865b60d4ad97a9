// Clients that map tool schemas onto a dialect with a single `type` per schema (the OpenAPI
// subset of Gemini's function declarations, among others) reject or loosen a `type` that is an
// array, which zod writes for a nullable field (`["string", "null"]`); the MCP Inspector's
// --strict check warns of each. The same choice written as `anyOf` branches, one type each,
// means the same to every JSON Schema validator.

type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/** A copy of the schema with every `type: [a, b]` written as `anyOf: [{type: a}, {type: b}]`. */
export function withSingleTypes<T>(schema: T): T {
  return rewrite(schema as JsonValue) as T;
}

function rewrite(value: JsonValue): JsonValue {
  if (Array.isArray(value)) return value.map(rewrite);
  if (typeof value !== "object" || value === null) return value;
  const { type, ...rest } = value;
  const node = Object.fromEntries(Object.entries(rest).map(([key, item]) => [key, rewrite(item)]));
  if (!Array.isArray(type)) return type === undefined ? node : { type, ...node };
  const branches = type.map((single) => ({ type: single }));
  if (node.anyOf === undefined) return { anyOf: branches, ...node };
  // Both: each must hold, as `type` and `anyOf` side by side meant.
  const { anyOf, ...others } = node;
  return { allOf: [{ anyOf: branches }, { anyOf }], ...others };
}
