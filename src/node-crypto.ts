import type * as Crypto from "node:crypto";

/**
 * node:crypto, loaded the first time it is used. Node loads all of it at once, which costs every
 * start several milliseconds; a start that only lists the tools never needs it.
 */
export function nodeCrypto(): typeof Crypto {
  return process.getBuiltinModule("node:crypto");
}
