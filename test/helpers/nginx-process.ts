import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { waitFor } from "./wait.js";

// A real nginx, Debian's, started as a process of its own on loopback: for the load-balancer
// tests (nginx.ts) and for `npm run bench`.

export const NGINX = ["/usr/sbin/nginx", "/usr/bin/nginx"].find((path) => existsSync(path));

export interface Nginx {
  url: string;
  stop: () => Promise<void>;
}

/**
 * nginx in front of the replicas: round robin, or the replica an `X-Replica: <index>` header
 * names (so that a test can send a preview to one replica and its confirm to another, as any
 * load balancer may). An approval page's path under /approve/r<index>/ goes to that replica, as
 * docs/remote.md tells operators to route the pages of replicas named r0, r1, ….
 */
export async function startNginx(upstreams: readonly string[]): Promise<Nginx> {
  const folder = mkdtempSync(join(tmpdir(), "nginx-"));
  for (let attempt = 1; ; attempt += 1) {
    const port = await freePort();
    const conf = join(folder, "nginx.conf");
    writeFileSync(conf, config(folder, port, upstreams));
    const child = spawn(
      NGINX ?? "nginx",
      ["-p", folder, "-c", conf, "-e", join(folder, "error.log")],
      {
        stdio: "ignore",
      },
    );
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    let gone = false;
    void exited.then(() => {
      gone = true;
    });
    await waitFor(async () => gone || (await accepts(port)), { what: "nginx to listen" });
    if (!gone) {
      return {
        url: `http://127.0.0.1:${port}`,
        stop: () => stop(child, exited, folder),
      };
    }
    // The free port was taken in between: try another.
    if (attempt === 3) {
      throw new Error(`nginx did not start: ${readFileSync(join(folder, "error.log"), "utf8")}`);
    }
  }
}

function config(folder: string, port: number, upstreams: readonly string[]): string {
  for (const temp of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) {
    mkdirSync(join(folder, temp), { recursive: true });
  }
  const servers = upstreams.map((url) => `    server ${new URL(url).host};`).join("\n");
  const named = upstreams.map((url, index) => `    ${index} ${new URL(url).host};`).join("\n");
  const pages = upstreams
    .map((url, index) => `    ~^/approve/r${index}/ ${new URL(url).host};`)
    .join("\n");
  return `${process.getuid?.() === 0 ? "user root;\n" : ""}worker_processes 1;
daemon off;
master_process on;
pid ${join(folder, "nginx.pid")};
error_log ${join(folder, "error.log")} warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path ${join(folder, "body")};
  proxy_temp_path ${join(folder, "proxy")};
  fastcgi_temp_path ${join(folder, "fastcgi")};
  uwsgi_temp_path ${join(folder, "uwsgi")};
  scgi_temp_path ${join(folder, "scgi")};
  upstream replicas {
${servers}
    keepalive 32;
  }
  map $http_x_replica $replica {
    default replicas;
${named}
  }
  map $uri $upstream {
    default $replica;
${pages}
  }
  server {
    listen 127.0.0.1:${port};
    client_max_body_size 2m;
    location / {
      proxy_pass http://$upstream;
      proxy_http_version 1.1;
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $remote_addr;
      proxy_set_header Connection "";
      proxy_buffering off;
    }
  }
}
`;
}

async function stop(child: ChildProcess, exited: Promise<void>, folder: string): Promise<void> {
  child.kill("SIGQUIT");
  await exited;
  rmSync(folder, { recursive: true, force: true });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve(true);
    });
    socket.once("error", () => resolve(false));
  });
}
