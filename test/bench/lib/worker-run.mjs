// What the benchmarks share around `wrangler dev`: a snapshot of the source to run, seeding local D1
// from SQL, signing in, calling the API, and sampling the memory (RSS) of the workerd processes.
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { APP_SECRET, PHONE_NUMBER_ID } from "./fake-graph.mjs";

export const ADMIN = { email: "admin@bench.test", password: "bench-admin-password" };

/**
 * The Worker's settings for a bench against the fake Graph API at `graphBase`: its secret and number,
 * the rate, the bench admin, no simulator, and lost answers settled after 30 s (default 10 min).
 */
export const benchWorkerVars = ({ graphBase, rate }) => ({
  WHATSAPP_VERIFY_TOKEN: "bench",
  WHATSAPP_APP_SECRET: APP_SECRET,
  WHATSAPP_ACCESS_TOKEN: "bench",
  WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
  WHATSAPP_DISPLAY_NUMBER: "436641234567",
  WHATSAPP_API_BASE: graphBase,
  BROADCAST_RATE_PER_SECOND: String(rate),
  BROADCAST_STUCK_AFTER_SECONDS: "30",
  ADMIN_EMAIL: ADMIN.email,
  ADMIN_PASSWORD: ADMIN.password,
  DEV_SIMULATOR: "false",
});

/**
 * A copy of the Worker's source for the run: `wrangler dev` restarts the Worker whenever a source
 * file changes, which would kill the consumers mid-run on a machine where people keep editing.
 */
export function snapshotSource() {
  const dir = mkdtempSync(join(tmpdir(), "townwire-bench-src-"));
  for (const part of ["worker", "migrations", "wrangler.toml", "package.json", "tsconfig.json"]) cpSync(part, join(dir, part), { recursive: true });
  mkdirSync(join(dir, "dist/public"), { recursive: true });
  symlinkSync(join(process.cwd(), "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/**
 * Stops `wrangler dev` (its detached process group) when the bench itself is interrupted or timed
 * out (SIGINT, SIGTERM), so no server is left running. Returns a function that unregisters it.
 */
export function stopOnSignal(workerOf) {
  const handler = async () => {
    await workerOf()?.stop().catch(() => undefined);
    process.exit(130);
  };
  process.once("SIGINT", handler);
  process.once("SIGTERM", handler);
  return () => {
    process.off("SIGINT", handler);
    process.off("SIGTERM", handler);
  };
}

/** Runs `sql` against the local D1 state in `persistTo`. */
export function seedD1(persistTo, sql) {
  const file = join(persistTo, "seed.sql");
  writeFileSync(file, sql);
  const res = spawnSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", persistTo, "--file", file], {
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (res.status !== 0) throw new Error(`seeding failed:\n${res.stdout}\n${res.stderr}`);
}

export async function login(url) {
  const res = await fetch(`${url}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: url },
    body: JSON.stringify(ADMIN),
  });
  if (!res.ok) throw new Error(`login ${res.status}: ${await res.text()}`);
  const cookie = /tw_session=[^;]+/.exec(res.headers.get("set-cookie") ?? "")?.[0];
  if (!cookie) throw new Error("no session cookie");
  return { cookie, origin: url };
}

export async function call(url, session, path, body) {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { cookie: session.cookie, origin: session.origin, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${path} ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * Samples the resident memory of the workerd processes started by `wrangler dev` (the process group
 * of `childOf()`, read again at each sample so a restarted one is followed) every `everyMs`, and
 * their CPU time: { minMb, maxMb, lastMb, n, cpu } where cpu tells which process was busy (cores
 * used on average over the run, per process, and for this bench process with its fake Graph API):
 * a process near 1.0 core is what limits the run.
 */
export function sampleRss(childOf, everyMs = 1000) {
  const samples = [];
  const cpuStart = new Map(); // pid → { name, ticks } at the first sight
  const cpuLast = new Map(); // pid → { name, ticks } at the last sight
  const t0 = performance.now();
  const self0 = process.cpuUsage();
  const read = () => {
    const child = childOf();
    let kb = 0;
    for (const pid of readdirSync("/proc").filter((d) => /^\d+$/.test(d))) {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
        // Fields after the command name (which may hold spaces): state ppid pgrp …
        const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
        if (Number(fields[2]) !== child.pid) continue;
        const name = stat.slice(stat.indexOf("(") + 1, stat.lastIndexOf(")"));
        // utime + stime, in clock ticks (100 per second on Linux).
        const ticks = Number(fields[11]) + Number(fields[12]);
        if (!cpuStart.has(pid)) cpuStart.set(pid, { name, ticks });
        cpuLast.set(pid, { name, ticks });
        if (name !== "workerd") continue;
        const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
        if (rss) kb += Number(rss[1]);
      } catch {
        /* gone meanwhile */
      }
    }
    if (kb > 0) samples.push(kb / 1024);
  };
  read();
  const timer = setInterval(read, everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      read();
      const seconds = (performance.now() - t0) / 1000;
      const busy = [...cpuLast].map(([pid, last]) => ({ name: `${last.name} ${pid}`, cores: (last.ticks - cpuStart.get(pid).ticks) / 100 / seconds }));
      const self = process.cpuUsage(self0);
      busy.push({ name: "bench process (with any fake Graph API)", cores: (self.user + self.system) / 1e6 / seconds });
      const cpu = busy.filter((b) => b.cores >= 0.01).sort((a, b) => b.cores - a.cores).map((b) => `${b.name}: ${b.cores.toFixed(2)}`).join(", ");
      // The curve, one sample in ten (every ~10 s): a plateau or a steady climb.
      const curve = samples.filter((_, i) => i % 10 === 0).map((mb) => mb.toFixed(0)).join(" ");
      return { minMb: Math.min(...samples), maxMb: Math.max(...samples), lastMb: samples[samples.length - 1] ?? 0, n: samples.length, cpu, curve };
    },
  };
}
