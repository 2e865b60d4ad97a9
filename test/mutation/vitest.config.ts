import { defineConfig } from "vitest/config";

// The tests that cover the modules `npm run mutation` mutates (see stryker.config.json beside
// this file): their mutants run against these alone, so a run takes minutes, not the suite's.
export default defineConfig({
  test: {
    include: [
      "test/unit/audit.test.ts",
      "test/unit/audit-chain.test.ts",
      "test/unit/audit-file.test.ts",
      "test/unit/file-lock.test.ts",
      "test/unit/request-queue.test.ts",
      "test/unit/preview-token.test.ts",
    ],
    testTimeout: 20_000,
  },
});
