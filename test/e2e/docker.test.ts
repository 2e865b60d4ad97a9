import { type ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { jsonLines } from "../helpers/capture.js";
import { waitFor } from "../helpers/wait.js";

// The container image, built and started where a container engine runs. This project's machines
// have the docker client but no engine: there those tests say so and are skipped, and the
// image's entrypoint is run as the image would run it, by /bin/sh in this folder.

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const engine = spawnSync("docker", ["info"], { stdio: "ignore" }).status === 0;
if (!engine) console.warn("container test skipped: no container engine answers `docker info` here");

const IMAGE = `woodpecker-mcp-test:${process.pid}`;
const TOKEN = "docker-bearer-token-0123456789abcdef";
const docker = (...args: string[]) => execFileSync("docker", args, { encoding: "utf8" }).trim();

describe.skipIf(!engine)("the container image", () => {
  const containers: string[] = [];
  afterAll(() => {
    for (const id of containers) spawnSync("docker", ["rm", "-f", id], { stdio: "ignore" });
    spawnSync("docker", ["rmi", "-f", IMAGE], { stdio: "ignore" });
  });

  it(
    "builds, runs as a user other than root, and serves /mcp with the bearer token",
    { timeout: 600_000 },
    async () => {
      docker("build", "-f", "packaging/docker/Dockerfile", "-t", IMAGE, ROOT);
      const id = docker(
        "run",
        "-d",
        "-p",
        "127.0.0.1::8080",
        "-e",
        "WOODPECKER_SANDBOX=true",
        "-e",
        `WOODPECKER_HTTP_TOKENS=${TOKEN}`,
        IMAGE,
      );
      containers.push(id);
      const port = docker("port", id, "8080/tcp").split(":").at(-1);
      const url = `http://127.0.0.1:${port}`;
      await waitFor(
        async () => (await fetch(`${url}/healthz`).catch(() => undefined))?.ok === true,
        {
          timeoutMs: 30_000,
          what: "the container to answer /healthz",
        },
      );
      expect(docker("exec", id, "id", "-u")).not.toBe("0");
      const list = await fetch(`${url}/mcp`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${TOKEN}`,
          "content-type": "application/json",
          accept: "application/json, text/event-stream",
        },
        body: JSON.stringify({ jsonrpc: "2.0", id: 1, method: "tools/list" }),
      });
      expect(await list.text()).toContain("delete_domain");
    },
  );

  it.each([
    ["its own key", ["-e", "WOODPECKER_SANDBOX=true"]],
    ["each request's key", []],
  ])("refuses to start without bearer tokens, with %s", (_mode, env) => {
    const run = spawnSync("docker", ["run", "--rm", ...env, IMAGE], { encoding: "utf8" });
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/set WOODPECKER_HTTP_TOKENS/);
  });
});

describe("the image's entrypoint, run by /bin/sh as the image runs it", () => {
  const dockerfile = readFileSync(`${ROOT}/packaging/docker/Dockerfile`, "utf8");
  const instruction = (name: string): string[] =>
    JSON.parse(new RegExp(`^${name} (\\[.*\\])$`, "m").exec(dockerfile)?.[1] ?? "[]") as string[];
  const [shell, ...entrypoint] = instruction("ENTRYPOINT");
  if (shell === undefined) throw new Error("the Dockerfile has no ENTRYPOINT in exec form");
  const command = [...entrypoint, ...instruction("CMD")];
  const env = { PATH: process.env.PATH ?? "", WOODPECKER_SANDBOX: "true" };

  it("refuses to start without bearer tokens, whichever key mode", () => {
    for (const keys of [env, { PATH: env.PATH }]) {
      const run = spawnSync(shell, command, {
        cwd: ROOT,
        env: { ...keys, WOODPECKER_HTTP_HOST: "0.0.0.0", WOODPECKER_HTTP_PORT: "0" },
        encoding: "utf8",
      });
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/set WOODPECKER_HTTP_TOKENS/);
    }
  });

  it("with tokens, becomes the server itself, so that SIGTERM drains it", async () => {
    const child: ChildProcess = spawn(shell, command, {
      cwd: ROOT,
      env: { ...env, WOODPECKER_HTTP_PORT: "0", WOODPECKER_HTTP_TOKENS: TOKEN },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr?.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    await waitFor(() => jsonLines(stderr).some((entry) => entry.listening !== undefined), {
      timeoutMs: 15_000,
      what: "the server to listen",
    });
    // exec: the shell is gone, and the pid the signal goes to is the server's own.
    expect(jsonLines(stderr)[0]?.pid).toBe(child.pid);
    child.kill("SIGTERM");
    expect(await exited).toBe(0);
    expect(jsonLines(stderr).some((entry) => entry.msg === "shutting down")).toBe(true);
  });
});
