// Broadcast fan-out under `wrangler dev` against a local fake Graph API (Node http on 127.0.0.1):
// 5,000 subscribers (BENCH_N) at BROADCAST_RATE_PER_SECOND=100 (BENCH_RATE=80,1000 runs each), with
// 5 % injected 429s (code 130429) and 2 % injected 500s. A mixed audience: 70 % last wrote days ago
// (BENCH_OUTSIDE), so they get the template and the rest the text; the fake API enforces the window
// like Meta (free-form outside it is accepted, then fails with a 131047 status webhook). Like Meta it
// reports every accepted message with signed status webhooks: "sent", then "delivered" (0.8 s) and
// "read" (3 s), and the bench measures how late the worker takes them (status lag).
//
// Two fake APIs side by side in one run (BENCH_LATENCY=none|realistic runs one): answers at once, and
// answers after a Graph-like delay (log-normal, median 150 ms, p99 ≈ 700 ms, 0.2 % of 2–5 s; 429s,
// 500s and lost answers alike). The Graph client keeps to Cloudflare's 6 connections waiting for
// headers per invocation, so the realistic run shows the throughput production would have.
//
// Runs (BENCH_ONLY=live,held,restart,lost): undisturbed with status webhooks live, and held until the
// end; `wrangler dev` killed in the middle and started again on the same local state; 20 % of the
// answers lost (the fake API takes the message, resets the connection, its statuses follow 0.3–5 s
// later: a lost answer must not lead to a second send). Prints one table: total time against the
// ideal (N ÷ rate), requests per second, the most requests in any one-second window, duplicates,
// losses, status lag.
//
//   node_modules/.bin/node test/bench/broadcast.bench.mjs          (or: npm run bench broadcast)
//   BENCH_N=1000 … for a quicker run
import { spawnSync } from "node:child_process";
import { createHmac } from "node:crypto";
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { applyMigrations, freePort, startWorker } from "../../scripts/lib/dev-server.mjs";

const N = Number(process.env.BENCH_N ?? 5000);
/** Share of the audience outside the 24-hour window. */
const OUTSIDE = Number(process.env.BENCH_OUTSIDE ?? 0.7);
/** Citizen j (1…N) last wrote days ago when j falls in the first OUTSIDE share of every hundred. */
const isOutside = (j) => (j % 100) < OUTSIDE * 100;
const citizenOf = (to) => Number(String(to).slice(4)) - 10_000_000;
/** Configured rates (BENCH_RATE=80,1000 runs each). */
const RATES = String(process.env.BENCH_RATE ?? "100").split(",").map(Number);
const P429 = 0.05;
const P500 = 0.02;
/** Share of accepted sends whose answer is lost in the "lost answers" run. */
const PDROP = Number(process.env.BENCH_DROP ?? 0.2);
const APP_SECRET = "bench-app-secret";
const PHONE_NUMBER_ID = "106540352242922";
const ADMIN = { email: "admin@bench.test", password: "bench-admin-password" };
/** How often the bench fires the cron (wrangler dev does not run crons by itself). */
const CRON_EVERY_MS = 5_000;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000;
const VERBOSE = process.env.BENCH_VERBOSE === "1";
/** Which fake Graph API answer times to run: "none" (at once), "realistic" (see latencyOf), or both side by side (default). */
const LATENCIES = process.env.BENCH_LATENCY === "realistic" ? ["realistic"] : process.env.BENCH_LATENCY === "none" ? ["none"] : ["none", "realistic"];
/** Delivered and read statuses follow "sent" after these delays (ms), as on a phone that is online. */
const DELIVERED_AFTER_MS = 800;
const READ_AFTER_MS = 3_000;

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Small seeded PRNG so the injected failures are the same on every run. */
function mulberry32(seed) {
  return () => {
    seed |= 0;
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Graph-like time to the response headers (ms): log-normal with median 150 ms and σ 0.64 (so that,
 * with the slow tail, p99 ≈ 700 ms), and 0.2 % of answers taking 2–5 s.
 */
export function latencyOf(random) {
  if (random() < 0.002) return 2_000 + random() * 3_000;
  // Box–Muller: a standard normal from two uniforms.
  const z = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
  return 150 * Math.exp(0.64 * z);
}

/** The fake Graph API. `webhookUrl` is set once the worker runs; statuses wait (and retry) until then. */
async function startFakeGraph(seed, holdStatuses, dropShare = 0, latency = "none") {
  const random = mulberry32(seed);
  // Its own sequence, so the injected failures are the same with and without latency.
  const latencyRandom = mulberry32(seed + 1_000);
  const later = (fn) => (latency === "realistic" ? setTimeout(fn, latencyOf(latencyRandom)) : fn());
  const requests = []; // { t, status, cb }
  const accepted = new Map(); // recipient (callback data without the content/template mark) → accepted sends
  const forms = { text: 0, template: 0, windowViolations: 0, templateInside: 0 };
  /** Statuses due to be reported: { status, due } (due: when Meta would send it). */
  const pendingStatuses = [];
  const scheduled = [];
  const queueStatus = (status, due) => scheduled.push({ status, due });
  /** How late each status reached the worker (ms after it was due), and how many. */
  const lag = { max: 0, samples: [], delivered: 0 };
  let webhookUrl = null;
  let held = holdStatuses;
  let wamidSeq = 0;
  const server = createServer((req, res) => {
    const t = now();
    const chunks = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const reply = (status, body) =>
        later(() => {
          res.writeHead(status, { "content-type": "application/json" });
          res.end(JSON.stringify(body));
        });
      if (req.method !== "POST" || !req.url.endsWith(`/${PHONE_NUMBER_ID}/messages`)) {
        return reply(400, { error: { message: `no route ${req.method} ${req.url}`, code: 100 } });
      }
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        return reply(400, { error: { message: "bad json", code: 100 } });
      }
      const cb = body.biz_opaque_callback_data ?? `to:${body.to}`;
      const r = random();
      if (r < P429) {
        requests.push({ t, status: 429, cb });
        return reply(429, { error: { message: "(#130429) Rate limit hit", type: "OAuthException", code: 130429, fbtrace_id: "bench" } });
      }
      if (r < P429 + P500) {
        requests.push({ t, status: 500, cb });
        return reply(500, { error: { message: "An unknown error has occurred.", type: "OAuthException", code: 131000, fbtrace_id: "bench" } });
      }
      const recipient = cb.replace(/:[ct]$/, "");
      accepted.set(recipient, (accepted.get(recipient) ?? 0) + 1);
      const wamid = `wamid.bench${++wamidSeq}`;
      const outside = isOutside(citizenOf(body.to));
      const template = body.type === "template";
      forms[template ? "template" : "text"]++;
      if (template && !outside) forms.templateInside++;
      const base = { id: wamid, timestamp: String(Math.floor(Date.now() / 1000)), recipient_id: body.to, biz_opaque_callback_data: body.biz_opaque_callback_data };
      let status = { ...base, status: "sent" };
      if (!template && outside) {
        // As at Meta: accepted, then failed with 131047 (the window is closed).
        forms.windowViolations++;
        status = {
          ...base, status: "failed",
          errors: [{ code: 131047, title: "Re-engagement message", message: "Re-engagement message", error_data: { details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." } }],
        };
      }
      // Like Meta: "sent", then (if not failed) "delivered" and "read" a little later, each a signed webhook.
      const report = (delay) => {
        const due = now() + delay;
        queueStatus(status, due);
        if (status.status === "sent") {
          queueStatus({ ...status, status: "delivered" }, due + DELIVERED_AFTER_MS);
          queueStatus({ ...status, status: "read" }, due + READ_AFTER_MS);
        }
      };
      if (dropShare > 0 && random() < dropShare) {
        // WhatsApp took it, but the answer never arrives (connection reset); the status comes later.
        requests.push({ t, status: "lost", cb });
        report(300 + random() * 4_700);
        later(() => req.socket.destroy());
        return;
      }
      requests.push({ t, status: 200, cb });
      report(0);
      reply(200, { messaging_product: "whatsapp", contacts: [{ input: body.to, wa_id: body.to }], messages: [{ id: wamid }] });
    });
  });
  const port = await freePort();
  await new Promise((r) => server.listen(port, "127.0.0.1", r));

  // Meta-style status webhooks: whatever is due, up to 100 per webhook, up to 4 webhooks at a time;
  // kept and retried while the worker is down. Lag = how long after it was due a status was taken.
  let stopped = false;
  const postOne = async () => {
    const batch = pendingStatuses.splice(0, 100);
    const raw = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [{ id: "1", changes: [{ field: "messages", value: { messaging_product: "whatsapp", metadata: { display_phone_number: "436641234567", phone_number_id: PHONE_NUMBER_ID }, statuses: batch.map((b) => b.status) } }] }],
    });
    const sig = `sha256=${createHmac("sha256", APP_SECRET).update(raw).digest("hex")}`;
    try {
      const res = await fetch(webhookUrl, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sig }, body: raw });
      if (!res.ok) throw new Error(`webhook ${res.status}`);
      await res.arrayBuffer();
      const at = now();
      for (const b of batch) {
        const l = at - b.due;
        lag.max = Math.max(lag.max, l);
        lag.samples.push(l);
      }
      lag.delivered += batch.length;
    } catch {
      pendingStatuses.unshift(...batch);
      await sleep(250);
    }
  };
  const pump = (async () => {
    const active = new Set();
    while (!stopped || pendingStatuses.length || scheduled.length) {
      // Move what is due into the line (by due time).
      const t = now();
      scheduled.sort((a, b) => a.due - b.due);
      let k = 0;
      while (k < scheduled.length && scheduled[k].due <= t) k++;
      if (k) pendingStatuses.push(...scheduled.splice(0, k));
      if (!webhookUrl || held || pendingStatuses.length === 0 || active.size >= 4) {
        if (stopped && (held || !webhookUrl)) break;
        await (active.size >= 4 ? Promise.race(active) : sleep(50));
        continue;
      }
      const p = postOne().finally(() => active.delete(p));
      active.add(p);
      if (stopped && !webhookUrl) break;
    }
    await Promise.all(active);
  })();

  return {
    base: `http://127.0.0.1:${port}/v23.0`,
    requests,
    accepted,
    forms,
    setWebhook(url) {
      webhookUrl = url;
    },
    /** Delivers the held status webhooks now; resolves when all are through. */
    async releaseStatuses() {
      held = false;
      while (pendingStatuses.length || scheduled.some((x) => x.due <= now())) await sleep(100);
    },
    lag,
    async stop() {
      stopped = true;
      await Promise.race([pump, sleep(5_000)]);
      await new Promise((r) => server.close(r));
    },
  };
}

function seedSql(n) {
  const lines = [
    "INSERT INTO channels (id, name) VALUES ('bench', 'Bench');",
    `INSERT INTO templates (id, name, language, category, status, body, parameter_count, source) VALUES ('tbench', 'bench_teaser', 'de', 'MARKETING', 'APPROVED', 'Neu: {{1}}. Mehr im Newsletter.', 1, 'manual');`,
  ];
  const seededAt = Date.now();
  const lastInbound = (j) => (isOutside(j) ? seededAt - 3 * 24 * 3_600_000 : seededAt - 3_600_000);
  for (let i = 0; i < n; i += 500) {
    const ids = Array.from({ length: Math.min(500, n - i) }, (_, k) => i + k + 1);
    lines.push(`INSERT INTO citizens (id, wa_id, name, last_inbound_at) VALUES ${ids.map((j) => `('bench${String(j).padStart(6, "0")}', '4366${String(10_000_000 + j)}', 'Bench ${j}', ${lastInbound(j)})`).join(",")};`);
    lines.push(`INSERT INTO subscriptions (citizen_id, channel_id, active) VALUES ${ids.map((j) => `('bench${String(j).padStart(6, "0")}', 'bench', 1)`).join(",")};`);
  }
  return lines.join("\n");
}

function seed(persistTo, n) {
  const file = join(persistTo, "seed.sql");
  writeFileSync(file, seedSql(n));
  const res = spawnSync("npx", ["wrangler", "d1", "execute", "DB", "--local", "--persist-to", persistTo, "--file", file], {
    env: { ...process.env, CI: "true", WRANGLER_SEND_METRICS: "false" },
    encoding: "utf8",
  });
  if (res.status !== 0) throw new Error(`seeding failed:\n${res.stdout}\n${res.stderr}`);
}

/**
 * A copy of the Worker's source for the run: `wrangler dev` restarts the Worker whenever a source
 * file changes, which would kill the consumers mid-run on a machine where people keep editing.
 */
function snapshotSource() {
  const dir = mkdtempSync(join(tmpdir(), "townwire-bench-src-"));
  for (const part of ["worker", "migrations", "wrangler.toml", "package.json", "tsconfig.json"]) cpSync(part, join(dir, part), { recursive: true });
  mkdirSync(join(dir, "dist/public"), { recursive: true });
  symlinkSync(join(process.cwd(), "node_modules"), join(dir, "node_modules"), "dir");
  return dir;
}

/** Largest number of times in any half-open window [t, t + 1000 ms). */
function maxPerSecond(times) {
  const s = [...times].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < s.length; i++) {
    while (s[i] - s[j] >= 1000) j++;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

/** Shortest time in which `rate` + 1 requests arrived (under 1000 ms would be above the rate). */
function tightestSpan(sorted, rate) {
  let best = Infinity;
  for (let i = 0; i + rate < sorted.length; i++) best = Math.min(best, sorted[i + rate] - sorted[i]);
  return Number.isFinite(best) ? Math.round(best * 10) / 10 : null;
}

/** The longest pauses between two requests (where sending time was lost). */
function longestGaps(sorted, n) {
  const gaps = sorted.slice(1).map((t, i) => t - sorted[i]);
  return gaps.sort((a, b) => b - a).slice(0, n).map((g) => Math.round(g));
}

async function login(url) {
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

async function call(url, session, path, body) {
  const res = await fetch(`${url}${path}`, {
    method: body === undefined ? "GET" : "POST",
    headers: { cookie: session.cookie, origin: session.origin, ...(body === undefined ? {} : { "content-type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => null);
  if (!res.ok) throw new Error(`${path} ${res.status}: ${JSON.stringify(json)}`);
  return json;
}

async function scenario({ restart, statuses, source, drop = 0, latency = "none", rate = 100 }) {
  const RATE = rate;
  const persistTo = mkdtempSync(join(tmpdir(), "townwire-bench-broadcast-"));
  const graph = await startFakeGraph(restart ? 2 : drop ? 3 : 1, statuses === "held", drop, latency);
  let worker = null;
  try {
    applyMigrations(persistTo);
    seed(persistTo, N);
    const port = await freePort();
    const boot = () =>
      startWorker({
        port,
        persistTo,
        config: join(source, "wrangler.toml"),
        quiet: !VERBOSE,
        extraArgs: ["--test-scheduled"],
        vars: {
          WHATSAPP_VERIFY_TOKEN: "bench",
          WHATSAPP_APP_SECRET: APP_SECRET,
          WHATSAPP_ACCESS_TOKEN: "bench",
          WHATSAPP_PHONE_NUMBER_ID: PHONE_NUMBER_ID,
          WHATSAPP_API_BASE: graph.base,
          BROADCAST_RATE_PER_SECOND: String(RATE),
          // Stuck "sending" rows are re-sent after 30 s without a status (default 10 min).
          BROADCAST_STUCK_AFTER_SECONDS: "30",
          ADMIN_EMAIL: ADMIN.email,
          ADMIN_PASSWORD: ADMIN.password,
          DEV_SIMULATOR: "false",
        },
      });
    worker = await boot();
    graph.setWebhook(`${worker.url}/webhooks/whatsapp`);
    const session = await login(worker.url);
    const { broadcast } = await call(worker.url, session, "/api/broadcasts", {
      title: "Benchmark",
      kind: "newsletter",
      text: "Grüß Gott! Das ist der *Benchmark*.",
      channelIds: ["bench"],
      delivery: "auto",
      template: { name: "bench_teaser", language: "de", parameters: ["Benchmark"] },
    });
    const t0 = now();
    await call(worker.url, session, `/api/broadcasts/${broadcast.id}/send`, {});
    let restartedAt = null;
    let downMs = 0;
    let lastCron = now();
    let detail = null;
    while (now() - t0 < TIMEOUT_MS) {
      await sleep(1000);
      if (restart && restartedAt === null && now() - t0 > (N / RATE) * 500) {
        // Kill wrangler dev in the middle of the fan-out and start it again on the same state.
        const down = now();
        await worker.stop();
        worker = await boot();
        downMs = now() - down;
        restartedAt = now() - t0;
      }
      if (now() - lastCron >= CRON_EVERY_MS) {
        lastCron = now();
        await fetch(`${worker.url}/cdn-cgi/local/scheduled`).catch(() => undefined);
      }
      detail = (await call(worker.url, session, `/api/broadcasts/${broadcast.id}`).catch(() => null))?.broadcast ?? detail;
      if (VERBOSE && detail) console.log(`  ${((now() - t0) / 1000).toFixed(0)} s: ${detail.status} ${JSON.stringify(detail.counts)}; fake API saw ${graph.requests.length} requests`);
      if (detail?.status === "done") break;
    }
    if (detail?.status !== "done") console.log(`did not finish; last worker output:\n${worker.logs().split("\n").slice(-60).join("\n")}`);
    // Let the (held or last) status webhooks arrive, then read the final numbers.
    await graph.releaseStatuses();
    await sleep(1500);
    detail = (await call(worker.url, session, `/api/broadcasts/${broadcast.id}`).catch(() => null))?.broadcast ?? detail;
    const firstAccept = new Map();
    for (const r of graph.requests) if ((r.status === 200 || r.status === "lost") && !firstAccept.has(r.cb)) firstAccept.set(r.cb, r.t);
    const lastFirstAccept = Math.max(...firstAccept.values());
    const expected = Array.from({ length: N }, (_, i) => `b:${broadcast.id}:bench${String(i + 1).padStart(6, "0")}`);
    const duplicates = [...graph.accepted.values()].filter((n) => n > 1).length;
    const losses = expected.filter((cb) => !graph.accepted.has(cb)).length;
    const totalS = (lastFirstAccept - t0) / 1000;
    if (VERBOSE) console.log("last requests:", graph.requests.slice(-15).map((r) => `${((r.t - t0) / 1000).toFixed(2)}:${r.status}`).join(" "));
    const times = graph.requests.map((r) => r.t).sort((a, b) => a - b);
    const idealS = N / RATE;
    const sortedLag = [...graph.lag.samples].sort((a, b) => a - b);
    // Senders log now and then how many permits they gave up because a send could not start in time.
    const givenUp = [...worker.logs().matchAll(/sender: (\d+) permits given up/g)].map((m) => Number(m[1]));
    const accepted = graph.requests.filter((r) => r.status === 200 || r.status === "lost").length;
    const spanS = (times[times.length - 1] - times[0]) / 1000;
    const result = {
      latency,
      rate: RATE,
      requestsPerSecond: graph.requests.length / spanS,
      acceptedPerSecond: accepted / spanS,
      statusLagP99S: (sortedLag[Math.floor(sortedLag.length * 0.99)] ?? 0) / 1000,
      statusLagMaxS: graph.lag.max / 1000,
      statusesDelivered: graph.lag.delivered,
      permitsGivenUpAtLeast: givenUp.length ? Math.max(...givenUp) : 0,
      loadAverage: loadavg()[0],
      scenario: `${restart ? "restart in the middle" : drop ? `${drop * 100} % of answers lost` : "undisturbed"}, status webhooks ${statuses === "held" ? "held until the end" : "live"}`,
      recipients: N,
      totalS,
      idealS,
      overIdeal: totalS / idealS - 1,
      requests: graph.requests.length,
      refused: graph.requests.filter((r) => r.status !== 200 && r.status !== "lost").length,
      lost: graph.requests.filter((r) => r.status === "lost").length,
      maxPerSecondAll: maxPerSecond(graph.requests.map((r) => r.t)),
      firstRequestS: (times[0] - t0) / 1000,
      tightestSpanMs: tightestSpan(times, RATE),
      longestGapsMs: longestGaps(times, 3),
      maxPerSecondAccepted: maxPerSecond(graph.requests.filter((r) => r.status !== 429 && r.status !== 500).map((r) => r.t)),
      duplicates,
      losses,
      forms: graph.forms,
      finalStatus: detail?.status ?? "unknown",
      counts: detail?.counts ?? null,
      restartedAtS: restartedAt === null ? null : restartedAt / 1000,
      downS: downMs / 1000,
    };
    return result;
  } finally {
    if (worker) await worker.stop();
    await graph.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

export default async function broadcastBench() {
  // BENCH_ONLY=live|held|restart|lost runs just one of them (several: comma-separated).
  const only = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(",") : null;
  const want = (name) => !only || only.includes(name);
  const runs = [];
  const source = snapshotSource();
  try {
    for (const rate of RATES) {
      for (const latency of LATENCIES) {
        if (want("live")) runs.push(await scenario({ restart: false, statuses: "live", source, latency, rate }));
        if (want("held")) runs.push(await scenario({ restart: false, statuses: "held", source, latency, rate }));
        if (want("restart")) runs.push(await scenario({ restart: true, statuses: "live", source, latency, rate }));
        if (want("lost")) runs.push(await scenario({ restart: false, statuses: "live", source, drop: PDROP, latency, rate }));
      }
    }
  } finally {
    rmSync(source, { recursive: true, force: true });
  }
  console.log(`\nBroadcast fan-out: ${N} subscribers (${OUTSIDE * 100}% outside the 24-hour window), ${P429 * 100}% 429s and ${P500 * 100}% 500s injected, sent + delivered + read status webhooks for every accepted message (wrangler dev, fake Graph API on 127.0.0.1; latency "none" = answers at once, "realistic" = median 150 ms, p99 ≈ 700 ms, 0.2 % 2–5 s; 6 connections per invocation)`);
  console.log("| Run | latency | rate | total | ideal (N ÷ rate) | over ideal | requests/s | accepted/s | requests (refused) | max/1 s, all | max/1 s, accepted | duplicates | losses | status lag p99 / max | final | sent / failed |");
  console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const r of runs) {
    const restartNote =
      (r.restartedAtS === null ? "" : ` (killed at ${r.restartedAtS.toFixed(0)} s, down ${r.downS.toFixed(1)} s)`) + (r.lost ? ` (${r.lost} answers lost)` : "");
    console.log(
      `| ${r.scenario}${restartNote} | ${r.latency} | ${r.rate} | ${r.totalS.toFixed(1)} s | ${r.idealS.toFixed(0)} s | ${(r.overIdeal * 100).toFixed(1)}% | ${r.requestsPerSecond.toFixed(1)} | ${r.acceptedPerSecond.toFixed(1)} | ${r.requests} (${r.refused}) | ${r.maxPerSecondAll} | ${r.maxPerSecondAccepted} | ${r.duplicates} | ${r.losses} | ${r.statusLagP99S.toFixed(1)} s / ${r.statusLagMaxS.toFixed(1)} s (${r.statusesDelivered}) | ${r.finalStatus} | ${r.counts ? `${r.counts.sent} / ${r.counts.failed}` : "?"} |`,
    );
  }
  for (const r of runs) {
    console.log(`${r.scenario}, ${r.latency}, ${r.rate}/s: accepted ${r.forms.text} as text, ${r.forms.template} as template; text outside the window (131047): ${r.forms.windowViolations}; template inside it: ${r.forms.templateInside}`);
  }
  for (const r of runs) {
    console.log(`${r.scenario}, ${r.latency}, ${r.rate}/s: first request ${r.firstRequestS.toFixed(2)} s after "send"; fastest ${r.rate + 1} requests took ${r.tightestSpanMs} ms; longest pauses ${r.longestGapsMs.join(", ")} ms; permits given up (late start, one sender's count) ≥ ${r.permitsGivenUpAtLeast}; load average at the end ${r.loadAverage.toFixed(1)}`);
  }
  const verdict = (ok) => (ok ? "OK" : "MISSED");
  console.log("");
  for (const r of runs.filter((x) => x.restartedAtS === null)) {
    console.log(`requests/s ≥ 95 % of ${r.rate} (${r.scenario}, ${r.latency}): ${r.requestsPerSecond.toFixed(1)} ${verdict(r.requestsPerSecond >= 0.95 * r.rate)}`);
  }
  for (const r of runs) console.log(`never above ${r.rate} requests in any 1 s window (${r.scenario}, ${r.latency}): ${r.maxPerSecondAll} ${verdict(r.maxPerSecondAll <= r.rate)}`);
  console.log(`zero duplicates, zero losses (every run): ${verdict(runs.every((r) => r.duplicates === 0 && r.losses === 0))}`);
  console.log(`each recipient got the form WhatsApp delivers (no 131047, no template inside the window): ${verdict(runs.every((r) => r.forms.windowViolations === 0 && r.forms.templateInside === 0))}`);
  return runs;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await broadcastBench();
