import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { SERVER_NAME, SERVER_VERSION } from "../../src/package-info.js";
import { confirmedThrough } from "../helpers/results.js";
import { withServer } from "../helpers/spawn.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "woodpecker-pack-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

const npm = (args: string[], cwd: string) =>
  execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });

describe("the npm package", () => {
  it("leaves Ajv out of the bundle: every server is given its own check of form answers", () => {
    const chunks = join(ROOT, "dist", "chunks");
    for (const name of readdirSync(chunks)) {
      expect(readFileSync(join(chunks, name), "utf8")).not.toContain("node_modules/ajv/");
    }
  });

  it("packs only the bundle, installs into an empty folder, and runs from there", async () => {
    const [packed] = JSON.parse(npm(["pack", "--json", "--pack-destination", work], ROOT)) as {
      filename: string;
      files: { path: string }[];
    }[];
    const paths = packed?.files.map((file) => file.path) ?? [];
    const chunks = paths.filter((path) => /^dist\/chunks\/[\w-]+\.js$/.test(path));
    expect(chunks.length).toBeGreaterThan(0);
    expect(paths.filter((path) => !chunks.includes(path)).sort()).toEqual([
      "LICENSE",
      "README.md",
      "dist/index.js",
      "package.json",
    ]);

    const project = join(work, "consumer");
    execFileSync("mkdir", ["-p", project]);
    npm(["init", "-y"], project);
    npm(["install", "--no-audit", "--no-fund", join(work, packed?.filename ?? "")], project);
    const bin = join(project, "node_modules", ".bin", SERVER_NAME);
    expect(execFileSync(bin, ["--version"], { encoding: "utf8" })).toBe(`${SERVER_VERSION}\n`);

    await withServer({ command: bin, args: ["--sandbox"] }, async (client) => {
      const { result } = await confirmedThrough(client, "delete_microsoft_credential", {
        credential_id: 22334466,
      });
      expect(result).toMatchObject({
        ok: true,
        status: "deleted",
        sandbox: true,
      });
    });
  });
});
