import type {
  JsonSchemaType,
  JsonSchemaValidator,
  jsonSchemaValidator,
} from "@modelcontextprotocol/sdk/validation";

/**
 * What the SDK checks a form's answer with, against the schema the form asked with, before the
 * answer reaches this server (which checks the typed value itself). A form's schema is flat by
 * the protocol: an object of strings, numbers and booleans. So this checks what this server's
 * forms ask for (the fields required, and each field's type) without a JSON Schema engine. The
 * SDK's default, Ajv, compiles a function for every schema it is given and keeps each one for
 * the life of the process, and every form this server shows has a schema of its own.
 */
export const formAnswerValidator: jsonSchemaValidator = {
  getValidator<T>(schema: JsonSchemaType): JsonSchemaValidator<T> {
    return (input: unknown) => {
      const problem = answerProblem(schema, input);
      return problem === undefined
        ? { valid: true, data: input as T, errorMessage: undefined }
        : { valid: false, data: undefined, errorMessage: problem };
    };
  },
};

function answerProblem(schema: JsonSchemaType, input: unknown): string | undefined {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return "the answer is not an object";
  }
  const answer = input as Record<string, unknown>;
  for (const name of schema.required ?? []) {
    if (!Object.hasOwn(answer, name)) return `${name} is missing`;
  }
  for (const [name, value] of Object.entries(answer)) {
    const field = schema.properties?.[name];
    if (typeof field !== "object" || typeof field.type !== "string") continue;
    if (!hasType(value, field.type)) return `${name} must be of type ${field.type}`;
  }
  return undefined;
}

function hasType(value: unknown, type: string): boolean {
  switch (type) {
    case "string":
      return typeof value === "string";
    case "boolean":
      return typeof value === "boolean";
    case "number":
      return typeof value === "number" && Number.isFinite(value);
    case "integer":
      return Number.isInteger(value);
    default:
      return false;
  }
}
