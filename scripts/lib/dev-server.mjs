// Starts `wrangler dev` for tests, benchmarks and `npm start`: applies migrations to the given
// persistence folder, then waits until the Worker answers. Shared so all of them run the same way.
import { spawn, spawnSync } from "node:child_process";
import { createServer } from "node:net";

export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Applies migrations/ to the local D1 in `persistTo`. */
export function applyMigrations(persistTo, { quiet = true } = {}) {
  const args = ["wrangler", "d1", "migrations", "apply", "DB", "--local"];
  if (persistTo) args.push("--persist-to", persistTo);
  const res = spawnSync("npx", args, {
    stdio: quiet ? "pipe" : "inherit",
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`migrations failed:\n${res.stdout ?? ""}\n${res.stderr ?? ""}`);
}

/**
 * Runs `wrangler dev` on `port` with `vars` (KEY → value, passed as --var) and resolves once
 * GET /api/health answers. Returns { url, stop(), logs() }.
 */
export async function startWorker({ port, persistTo, vars = {}, config = "wrangler.toml", quiet = true, extraArgs = [] }) {
  const args = ["wrangler", "dev", "--config", config, "--port", String(port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false", "--log-level", quiet ? "warn" : "info"];
  if (persistTo) args.push("--persist-to", persistTo);
  for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  args.push(...extraArgs);
  const child = spawn("npx", args, {
    stdio: ["ignore", "pipe", "pipe"],
    // No internet needed: skip miniflare's download of a sample Request.cf object.
    env: { ...process.env, WRANGLER_SEND_METRICS: "false", NO_COLOR: "1", CLOUDFLARE_CF_FETCH_ENABLED: "false" },
    detached: true,
  });
  let output = "";
  child.stdout.on("data", (d) => {
    output += d;
    if (!quiet) process.stdout.write(d);
  });
  child.stderr.on("data", (d) => {
    output += d;
    if (!quiet) process.stderr.write(d);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    try {
      process.kill(-child.pid, "SIGTERM");
    } catch {
      /* already gone */
    }
    await new Promise((r) => {
      const t = setTimeout(() => {
        try {
          process.kill(-child.pid, "SIGKILL");
        } catch {
          /* gone */
        }
        r();
      }, 5000);
      child.once("exit", () => {
        clearTimeout(t);
        r();
      });
    });
  };
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited (${child.exitCode}):\n${output}`);
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return { url, stop, logs: () => output, child };
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  await stop();
  throw new Error(`wrangler dev did not start within 90 s:\n${output}`);
}
