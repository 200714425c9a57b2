// Starts `wrangler dev` for tests, benchmarks and `npm start`: applies migrations to the given
// persistence folder, then waits until the Worker answers. Shared so all of them run the same way.
//
// With the product's own wrangler.toml (the default), one `wrangler dev` runs two Workers: the dev
// Worker (dev/wrangler.toml: the WhatsApp simulator under /__dev) first, on the port, and the
// product behind it (every other path goes through unchanged). wrangler gives --var and --env-file
// to the first Worker only, and the second reads the .dev.vars next to its config file; so the
// product runs from a copy of wrangler.toml in a temporary folder, with the vars in a .dev.vars
// there, and the dev Worker reads the same file through --env-file.
//
// Tests that start many Workers (the browser tests) bundle both Workers once (bundleWorkers) and
// pass the result as `bundles`: each `wrangler dev` then runs the prebuilt scripts (no_bundle) and
// skips esbuild and the phone page's build, about 2 s less per start.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";

// wrangler's own entry, run with the project's Node 22 (the `node` devDependency; wrangler needs 22,
// and `node scripts/…` may be the system's 20), as `npx wrangler` would, without npx's second per call.
const require = createRequire(import.meta.url);
const WRANGLER = join(dirname(require.resolve("wrangler/package.json")), "bin", "wrangler.js");
const NODE = (() => {
  try {
    const bin = join(dirname(require.resolve("node/package.json")), "bin", "node");
    return existsSync(bin) ? bin : process.execPath;
  } catch {
    return process.execPath;
  }
})();

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

const QUIET_ENV = { CI: "true", WRANGLER_SEND_METRICS: "false", NO_COLOR: "1" };

/** Applies migrations/ to the local D1 in `persistTo`. */
export function applyMigrations(persistTo, { quiet = true } = {}) {
  const args = ["d1", "migrations", "apply", "DB", "--local"];
  if (persistTo) args.push("--persist-to", persistTo);
  const res = spawnSync(NODE, [WRANGLER, ...args], {
    stdio: quiet ? "pipe" : "inherit",
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`migrations failed:\n${res.stdout ?? ""}\n${res.stderr ?? ""}`);
}

/** Runs wrangler with `args`, quietly; resolves when it succeeded, else rejects with its output. */
function runWrangler(args, what) {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [WRANGLER, ...args], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...QUIET_ENV } });
    let output = "";
    child.stdout.on("data", (d) => (output += d));
    child.stderr.on("data", (d) => (output += d));
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`${what} failed (${code}):\n${output}`))));
  });
}

/**
 * The result of applyMigrations into an empty `persistTo`, in one `wrangler d1 execute` instead of
 * one local database start per migration (about 1 s each): the same SQL that `wrangler d1
 * migrations apply` runs for each file, each followed by the row that marks it applied in
 * d1_migrations (wrangler's table), so `migrations apply` later finds nothing left to do. Does not
 * block, so the browser tests' setup bundles the Workers meanwhile.
 */
export async function migrateEmptyState(persistTo, { migrationsDir = "migrations" } = {}) {
  const files = readdirSync(migrationsDir).filter((f) => f.endsWith(".sql")).sort();
  const sql = [
    `CREATE TABLE IF NOT EXISTS "d1_migrations"(
\t\tid         INTEGER PRIMARY KEY AUTOINCREMENT,
\t\tname       TEXT UNIQUE,
\t\tapplied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL
);`,
    ...files.map((f) => `${readFileSync(join(migrationsDir, f), "utf8")}\nINSERT INTO "d1_migrations" (name)\nvalues ('${f.replace(/'/g, "''")}');`),
  ].join("\n");
  const file = join(persistTo, "all-migrations.sql");
  writeFileSync(file, sql);
  try {
    await runWrangler(["d1", "execute", "DB", "--local", "--persist-to", persistTo, "--file", file, "--yes"], "migrations");
  } finally {
    rmSync(file, { force: true });
  }
}

/**
 * Bundles the product Worker (`config`) and the dev Worker beside it into `outDir`, both at once,
 * as `wrangler deploy --dry-run` does (the dev Worker's [build] step, the phone page, runs here).
 * Resolves to { product, dev }: the two scripts, for startWorker's `bundles`.
 */
export async function bundleWorkers(outDir, { config = "wrangler.toml" } = {}) {
  const devConfig = join(dirname(resolve(config)), "dev", "wrangler.toml");
  const bundle = async (name, file) => {
    const dir = join(outDir, name);
    await runWrangler(["deploy", "--dry-run", "--outdir", dir, "--config", file], `bundling ${file}`);
    const script = join(dir, "index.js");
    if (!existsSync(script)) throw new Error(`bundling ${file}: ${script} is missing`);
    return script;
  };
  const [product, dev] = await Promise.all([bundle("product", resolve(config)), bundle("dev", devConfig)]);
  return { product, dev };
}

/** KEY=value lines as wrangler reads them from .dev.vars (values JSON-quoted, so any text survives). */
function dotVars(vars) {
  return Object.entries(vars)
    .map(([k, v]) => `${k}=${JSON.stringify(String(v))}`)
    .join("\n");
}

/**
 * `config`'s text with its paths made absolute (so a copy works from any folder); with `bundle`,
 * `main` is that prebuilt script, run as it is (no_bundle), and no [build] step runs.
 */
function configText(config, bundle) {
  const root = dirname(resolve(config));
  let text = readFileSync(config, "utf8").replace(
    /^(\s*(?:main|directory|migrations_dir)\s*=\s*)"([^"]+)"/gm,
    (_, key, path) => `${key}${JSON.stringify(resolve(root, path))}`,
  );
  if (bundle) {
    const withMain = text.replace(/^main\s*=.*$/m, `main = ${JSON.stringify(bundle)}\nno_bundle = true`);
    if (withMain === text) throw new Error(`${config}: no main = line to point at the bundle`);
    // The [build] table runs until the next table header or the end.
    text = withMain.replace(/^\[build\][^]*?(?=^\[|(?![^]))/m, "");
  }
  return text;
}

/**
 * A copy of the product config (and, with `bundles`, of the dev config) in a fresh folder, `vars`
 * in a .dev.vars beside it. Returns { config, devConfig, varsFile, cleanup() }.
 */
function configsWithVars(config, devConfig, vars, bundles) {
  const dir = mkdtempSync(join(tmpdir(), "townwire-config-"));
  writeFileSync(join(dir, "wrangler.toml"), configText(config, bundles?.product));
  let dev = devConfig;
  if (bundles) {
    dev = join(dir, "dev.wrangler.toml");
    writeFileSync(dev, configText(devConfig, bundles.dev));
  }
  const varsFile = join(dir, ".dev.vars");
  writeFileSync(varsFile, dotVars(vars), { mode: 0o600 });
  return { config: join(dir, "wrangler.toml"), devConfig: dev, varsFile, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Runs `wrangler dev` on `port` with `vars` (KEY → value) and resolves once GET /api/health
 * answers. Returns { url, stop(), logs(), child }. With the product's config and `simulator` (the
 * default), the dev Worker with the WhatsApp simulator runs in front of it and both get `vars`;
 * otherwise `config` runs alone with `vars` as --var. `bundles` (from bundleWorkers, with the
 * simulator only): run those prebuilt scripts instead of bundling the sources.
 */
export async function startWorker({ port, persistTo, vars = {}, config = "wrangler.toml", quiet = true, extraArgs = [], simulator = true, bundles }) {
  const devConfig = join(dirname(resolve(config)), "dev", "wrangler.toml");
  const withSimulator = simulator && existsSync(devConfig);
  if (bundles && !withSimulator) throw new Error("startWorker: bundles need the simulator's dev Worker");
  const args = ["dev"];
  let cleanup = () => {};
  if (withSimulator) {
    const copies = configsWithVars(config, devConfig, vars, bundles);
    cleanup = copies.cleanup;
    args.push("--config", copies.devConfig, "--config", copies.config, "--env-file", copies.varsFile);
  } else {
    args.push("--config", config);
    for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
  }
  args.push("--port", String(port), "--ip", "127.0.0.1", "--show-interactive-dev-session=false", "--log-level", quiet ? "warn" : "info");
  if (persistTo) args.push("--persist-to", persistTo);
  args.push(...extraArgs);
  const child = spawn(NODE, [WRANGLER, ...args], {
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
