import type { jsonSchemaValidator } from "@modelcontextprotocol/sdk/validation";

/**
 * What the bundle has in place of the SDK's Ajv validator (scripts/build.mjs puts it there).
 * Every server this one makes is given formAnswerValidator, so the SDK never builds an Ajv one;
 * leaving Ajv out spares every start its loading.
 */
export class AjvJsonSchemaValidator implements jsonSchemaValidator {
  getValidator(): never {
    throw new Error("Ajv is left out of this build: give the SDK a jsonSchemaValidator");
  }
}
