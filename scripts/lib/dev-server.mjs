// Starts `wrangler dev` for tests, benchmarks and `npm start`: applies migrations to the given
// persistence folder, then waits until the Worker answers. Shared so all of them run the same way.
//
// With the product's own wrangler.toml (the default), one `wrangler dev` runs two Workers: the dev
// Worker (dev/wrangler.toml: the WhatsApp simulator under /__dev) first, on the port, and the
// product behind it (every other path goes through unchanged). wrangler gives --var and --env-file
// to the first Worker only, and the second reads the .dev.vars next to its config file; so the
// product runs from a copy of wrangler.toml in a temporary folder, with the vars in a .dev.vars
// there, and the dev Worker reads the same file through --env-file.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

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

/** KEY=value lines as wrangler reads them from .dev.vars (values JSON-quoted, so any text survives). */
function dotVars(vars) {
  return Object.entries(vars)
    .map(([k, v]) => `${k}=${JSON.stringify(String(v))}`)
    .join("\n");
}

/**
 * A copy of the product config in a fresh folder: its paths made absolute, `vars` in a .dev.vars
 * beside it. Returns { config, varsFile, cleanup() }.
 */
function productConfigWithVars(config, vars) {
  const dir = mkdtempSync(join(tmpdir(), "townwire-config-"));
  const root = dirname(resolve(config));
  const text = readFileSync(config, "utf8").replace(
    /^(\s*(?:main|directory|migrations_dir)\s*=\s*)"([^"]+)"/gm,
    (_, key, path) => `${key}${JSON.stringify(resolve(root, path))}`,
  );
  writeFileSync(join(dir, "wrangler.toml"), text);
  const varsFile = join(dir, ".dev.vars");
  writeFileSync(varsFile, dotVars(vars), { mode: 0o600 });
  return { config: join(dir, "wrangler.toml"), varsFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs `wrangler dev` on `port` with `vars` (KEY → value) and resolves once GET /api/health
 * answers. Returns { url, stop(), logs(), child }. With the product's config and `simulator` (the
 * default), the dev Worker with the WhatsApp simulator runs in front of it and both get `vars`;
 * otherwise `config` runs alone with `vars` as --var.
 */
export async function startWorker({ port, persistTo, vars = {}, config = "wrangler.toml", quiet = true, extraArgs = [], simulator = true }) {
  const devConfig = join(dirname(resolve(config)), "dev", "wrangler.toml");
  const withSimulator = simulator && existsSync(devConfig);
  const args = ["wrangler", "dev"];
  let cleanup = () => {};
  if (withSimulator) {
    const product = productConfigWithVars(config, vars);
    cleanup = product.cleanup;
    args.push("--config", devConfig, "--config", product.config, "--env-file", product.varsFile);
  } else {
    args.push("--config", config);
    for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  }
  args.push("--port", String(port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false", "--log-level", quiet ? "warn" : "info");
  if (persistTo) args.push("--persist-to", persistTo);
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
  child.once("exit", () => cleanup());
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
