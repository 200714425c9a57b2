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
// Runs (BENCH_ONLY=live,held,restart,lost,overtake): undisturbed with status webhooks live, and held until the
// end; `wrangler dev` killed in the middle and started again on the same local state; 20 % of the
// answers lost (the fake API takes the message, resets the connection, its statuses follow 0.3–5 s
// later: a lost answer must not lead to a second send). Prints one table: total time against the
// ideal (N ÷ rate), requests per second, the most requests in any one-second window, duplicates,
// losses, status lag.
//
// "overtake": a newsletter to everyone, and BENCH_OVERTAKE_AFTER_S (5) later an alert to the first
// BENCH_ALERT_N (300); prints when the alert's first and last message went out, then stops.
// BENCH_STOP_AFTER_S stops any run that long after "send" (start time and memory of a large audience,
// e.g. BENCH_N=100000 BENCH_STOP_AFTER_S=30 BENCH_ONLY=live). Every run prints the "send" call's time
// (materialise + enqueue), the first request, and the workerd processes' RSS (min / max).
//
//   node_modules/.bin/node test/bench/broadcast.bench.mjs          (or: npm run bench broadcast)
//   BENCH_N=1000 … for a quicker run
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { applyMigrations, freePort, startWorker } from "../../scripts/lib/dev-server.mjs";
import { now, P429, P500, sleep, startFakeGraph } from "./lib/fake-graph.mjs";
import { benchWorkerVars, call, login, sampleRss, seedD1, snapshotSource, stopOnSignal } from "./lib/worker-run.mjs";

const N = Number(process.env.BENCH_N ?? 5000);
/** Share of the audience outside the 24-hour window. */
const OUTSIDE = Number(process.env.BENCH_OUTSIDE ?? 0.7);
/** Citizen j (1…N) last wrote days ago when j falls in the first OUTSIDE share of every hundred. */
const isOutside = (j) => (j % 100) < OUTSIDE * 100;
/** Configured rates (BENCH_RATE=80,1000 runs each). */
const RATES = String(process.env.BENCH_RATE ?? "100").split(",").map(Number);
/** Share of accepted sends whose answer is lost in the "lost answers" run. */
const PDROP = Number(process.env.BENCH_DROP ?? 0.2);
/** How often the bench fires the cron (wrangler dev does not run crons by itself). */
const CRON_EVERY_MS = 5_000;
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 600) * 1000;
/** Stop a run this long after "send" even if it is not done (start time and memory of a large audience). */
const STOP_AFTER_MS = process.env.BENCH_STOP_AFTER_S ? Number(process.env.BENCH_STOP_AFTER_S) * 1000 : null;
/** The overtake run: an alert to the first BENCH_ALERT_N citizens, BENCH_OVERTAKE_AFTER_S after the newsletter started. */
const ALERT_N = Number(process.env.BENCH_ALERT_N ?? 300);
const OVERTAKE_AFTER_MS = Number(process.env.BENCH_OVERTAKE_AFTER_S ?? 5) * 1000;
const VERBOSE = process.env.BENCH_VERBOSE === "1";
/** Which fake Graph API answer times to run: "none" (at once), "realistic" (see latencyOf), or both side by side (default). */
const LATENCIES = process.env.BENCH_LATENCY === "realistic" ? ["realistic"] : process.env.BENCH_LATENCY === "none" ? ["none"] : ["none", "realistic"];

function seedSql(n) {
  const lines = [
    "INSERT INTO channels (id, name) VALUES ('bench', 'Bench'), ('bench_alerts', 'Bench alerts');",
    `INSERT INTO templates (id, name, language, category, status, body, parameter_count, source) VALUES ('tbench', 'bench_teaser', 'de', 'MARKETING', 'APPROVED', 'Neu: {{1}}. Mehr im Newsletter.', 1, 'manual');`,
  ];
  const seededAt = Date.now();
  const lastInbound = (j) => (isOutside(j) ? seededAt - 3 * 24 * 3_600_000 : seededAt - 3_600_000);
  for (let i = 0; i < n; i += 500) {
    const ids = Array.from({ length: Math.min(500, n - i) }, (_, k) => i + k + 1);
    lines.push(`INSERT INTO citizens (id, wa_id, name, last_inbound_at) VALUES ${ids.map((j) => `('bench${String(j).padStart(6, "0")}', '4366${String(10_000_000 + j)}', 'Bench ${j}', ${lastInbound(j)})`).join(",")};`);
    lines.push(`INSERT INTO subscriptions (citizen_id, channel_id, active) VALUES ${ids.map((j) => `('bench${String(j).padStart(6, "0")}', 'bench', 1)`).join(",")};`);
    // The first ALERT_N citizens also get alerts (the overtake run).
    const alerted = ids.filter((j) => j <= ALERT_N);
    if (alerted.length) lines.push(`INSERT INTO subscriptions (citizen_id, channel_id, active) VALUES ${alerted.map((j) => `('bench${String(j).padStart(6, "0")}', 'bench_alerts', 1)`).join(",")};`);
  }
  return lines.join("\n");
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

/** When (s after t0) the shortest span of `rate` + 1 requests began. */
function tightestAt(sorted, rate, t0) {
  let best = Infinity;
  let at = null;
  for (let i = 0; i + rate < sorted.length; i++) {
    if (sorted[i + rate] - sorted[i] < best) {
      best = sorted[i + rate] - sorted[i];
      at = (sorted[i] - t0) / 1000;
    }
  }
  return at === null ? null : Math.round(at * 100) / 100;
}

/** The longest pauses between two requests (where sending time was lost). */
function longestGaps(sorted, n) {
  const gaps = sorted.slice(1).map((t, i) => t - sorted[i]);
  return gaps.sort((a, b) => b - a).slice(0, n).map((g) => Math.round(g));
}

async function scenario({ restart, statuses, source, drop = 0, latency = "none", rate = 100, overtake = false }) {
  const RATE = rate;
  const persistTo = mkdtempSync(join(tmpdir(), "townwire-bench-broadcast-"));
  const graph = await startFakeGraph({ seed: restart ? 2 : drop ? 3 : 1, holdStatuses: statuses === "held", dropShare: drop, latency, isOutside });
  let worker = null;
  const unregister = stopOnSignal(() => worker);
  try {
    applyMigrations(persistTo);
    const seedStart = now();
    seedD1(persistTo, seedSql(N));
    if (VERBOSE) console.log(`  seeded ${N} citizens in ${((now() - seedStart) / 1000).toFixed(1)} s`);
    const port = await freePort();
    const boot = () =>
      startWorker({
        port,
        persistTo,
        config: join(source, "wrangler.toml"),
        quiet: !VERBOSE,
        extraArgs: ["--test-scheduled"],
        vars: benchWorkerVars({ graphBase: graph.base, rate: RATE }),
      });
    worker = await boot();
    // The workerd processes' memory, every second (across a restart too).
    const rss = sampleRss(() => worker.child);
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
    // Materialising the recipients and enqueueing their chunks happen in this call.
    const sendCallS = (now() - t0) / 1000;
    let stoppedEarly = false;
    let alert = null;
    let restartedAt = null;
    let downMs = 0;
    let lastCron = now();
    let detail = null;
    while (now() - t0 < TIMEOUT_MS) {
      await sleep(overtake ? 250 : 1000);
      if (STOP_AFTER_MS !== null && now() - t0 >= STOP_AFTER_MS) {
        stoppedEarly = true;
        break;
      }
      if (overtake && alert === null && now() - t0 >= OVERTAKE_AFTER_MS) {
        // The newsletter is running: an alert to the first ALERT_N citizens starts now.
        const { broadcast: b } = await call(worker.url, session, "/api/broadcasts", {
          title: "Bench alert",
          kind: "alert",
          text: "Achtung: Hochwasser (Benchmark).",
          channelIds: ["bench_alerts"],
          delivery: "auto",
          template: { name: "bench_teaser", language: "de", parameters: ["Warnung"] },
        });
        alert = { id: b.id, t0: now() };
        await call(worker.url, session, `/api/broadcasts/${b.id}/send`, {});
        alert.sendCallS = (now() - alert.t0) / 1000;
      }
      if (alert !== null) {
        const mine = graph.requests.filter((r) => r.cb.startsWith(`b:${alert.id}:`) && (r.status === 200 || r.status === "lost"));
        if (new Set(mine.map((r) => r.cb)).size >= Math.min(ALERT_N, N)) {
          stoppedEarly = true;
          break;
        }
        continue;
      }
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
    if (detail?.status !== "done" && !stoppedEarly) console.log(`did not finish; last worker output:\n${worker.logs().split("\n").slice(-60).join("\n")}`);
    // Let the (held or last) status webhooks arrive, then read the final numbers.
    if (!stoppedEarly) {
      await graph.releaseStatuses();
      await sleep(1500);
    }
    const memory = rss.stop();
    detail = (await call(worker.url, session, `/api/broadcasts/${broadcast.id}`).catch(() => null))?.broadcast ?? detail;
    const firstAccept = new Map();
    for (const r of graph.requests) if ((r.status === 200 || r.status === "lost") && !firstAccept.has(r.cb)) firstAccept.set(r.cb, r.t);
    const lastFirstAccept = Math.max(...[...firstAccept].filter(([cb]) => cb.startsWith(`b:${broadcast.id}:`)).map(([, t]) => t));
    const expected = Array.from({ length: N }, (_, i) => `b:${broadcast.id}:bench${String(i + 1).padStart(6, "0")}`);
    const duplicates = [...graph.accepted.values()].filter((n) => n > 1).length;
    // A run stopped early has not sent to everyone yet: no losses to count.
    const losses = stoppedEarly ? null : expected.filter((cb) => !graph.accepted.has(cb)).length;
    const alertTimes = alert ? graph.requests.filter((r) => r.cb.startsWith(`b:${alert.id}:`)).map((r) => r.t).sort((a, b) => a - b) : [];
    const overtook = alert
      ? {
          recipients: Math.min(ALERT_N, N),
          sendCallS: alert.sendCallS,
          firstS: alertTimes.length ? (alertTimes[0] - alert.t0) / 1000 : null,
          lastS: alertTimes.length ? (alertTimes[alertTimes.length - 1] - alert.t0) / 1000 : null,
          startedAtS: (alert.t0 - t0) / 1000,
          newsletterBetween: alertTimes.length ? graph.requests.filter((r) => r.cb.startsWith(`b:${broadcast.id}:`) && r.t >= alertTimes[0] && r.t <= alertTimes[alertTimes.length - 1]).length : null,
        }
      : null;
    const totalS = (lastFirstAccept - t0) / 1000;
    if (VERBOSE) console.log("last requests:", graph.requests.slice(-15).map((r) => `${((r.t - t0) / 1000).toFixed(2)}:${r.status}`).join(" "));
    const times = graph.requests.map((r) => r.t).sort((a, b) => a - b);
    // BENCH_DUMP=file writes every request (ms after "send", status, callback data) for a closer look.
    if (process.env.BENCH_DUMP) writeFileSync(process.env.BENCH_DUMP, JSON.stringify({ restartedAtMs: restartedAt, downMs, requests: graph.requests.map((r) => ({ ...r, t: r.t - t0 })) }));
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
      scenario: `${overtake ? "alert overtakes" : restart ? "restart in the middle" : drop ? `${drop * 100} % of answers lost` : "undisturbed"}, status webhooks ${statuses === "held" ? "held until the end" : "live"}${stoppedEarly && !overtake ? `, stopped after ${(STOP_AFTER_MS / 1000).toFixed(0)} s` : ""}`,
      stoppedEarly,
      sendCallS,
      memory,
      overtook,
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
      // Where the fastest rate + 1 requests were (s after "send"): tells a restart's overshoot from a steady one.
      tightestAtS: tightestAt(times, RATE, t0),
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
    unregister();
    if (worker) await worker.stop();
    await graph.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

export default async function broadcastBench() {
  // BENCH_ONLY=live|held|restart|lost|overtake runs just one of them (several: comma-separated).
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
        if (want("overtake")) runs.push(await scenario({ restart: false, statuses: "live", source, latency, rate, overtake: true }));
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
      `| ${r.scenario}${restartNote} | ${r.latency} | ${r.rate} | ${r.stoppedEarly ? "–" : `${r.totalS.toFixed(1)} s`} | ${r.idealS.toFixed(0)} s | ${r.stoppedEarly ? "–" : `${(r.overIdeal * 100).toFixed(1)}%`} | ${r.requestsPerSecond.toFixed(1)} | ${r.acceptedPerSecond.toFixed(1)} | ${r.requests} (${r.refused}) | ${r.maxPerSecondAll} | ${r.maxPerSecondAccepted} | ${r.duplicates} | ${r.losses ?? "–"} | ${r.statusLagP99S.toFixed(1)} s / ${r.statusLagMaxS.toFixed(1)} s (${r.statusesDelivered}) | ${r.finalStatus} | ${r.counts ? `${r.counts.sent} / ${r.counts.failed}` : "?"} |`,
    );
  }
  for (const r of runs) {
    console.log(`${r.scenario}, ${r.latency}, ${r.rate}/s: accepted ${r.forms.text} as text, ${r.forms.template} as template; text outside the window (131047): ${r.forms.windowViolations}; template inside it: ${r.forms.templateInside}`);
  }
  for (const r of runs) {
    console.log(`${r.scenario}, ${r.latency}, ${r.rate}/s: first request ${r.firstRequestS.toFixed(2)} s after "send"; fastest ${r.rate + 1} requests took ${r.tightestSpanMs} ms (from ${r.tightestAtS} s); longest pauses ${r.longestGapsMs.join(", ")} ms; permits given up (late start, one sender's count) ≥ ${r.permitsGivenUpAtLeast}; load average at the end ${r.loadAverage.toFixed(1)}; CPU cores used on average: ${r.memory.cpu}`);
  }
  console.log("\nStart and memory (start = the \"send\" call, which materialises the recipients and enqueues their chunks, until the first request at the fake API; memory = RSS of the workerd processes, sampled every second)");
  console.log("| Run | latency | rate | recipients | send call | first request | workerd RSS min / max | status lag p99 / max | load at end |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of runs) {
    console.log(`| ${r.scenario} | ${r.latency} | ${r.rate} | ${r.recipients} | ${r.sendCallS.toFixed(2)} s | ${r.firstRequestS.toFixed(2)} s | ${r.memory.minMb.toFixed(0)} / ${r.memory.maxMb.toFixed(0)} MB (${r.memory.n} samples) | ${r.statusLagP99S.toFixed(1)} s / ${r.statusLagMaxS.toFixed(1)} s | ${r.loadAverage.toFixed(1)} |`);
  }
  for (const r of runs) console.log(`workerd RSS every ~10 s (MB), ${r.scenario}, ${r.rate}/s: ${r.memory.curve}`);
  for (const r of runs.filter((x) => x.overtook)) {
    const o = r.overtook;
    console.log(`alert overtakes (${r.latency}, ${r.rate}/s): alert to ${o.recipients} started ${o.startedAtS.toFixed(1)} s into a ${r.recipients}-recipient newsletter; its "send" call ${o.sendCallS.toFixed(2)} s; first alert request ${o.firstS?.toFixed(2)} s, last ${o.lastS?.toFixed(2)} s after its start; newsletter requests in between: ${o.newsletterBetween}`);
  }
  const verdict = (ok) => (ok ? "OK" : "MISSED");
  console.log("");
  for (const r of runs.filter((x) => x.restartedAtS === null && !x.stoppedEarly)) {
    console.log(`requests/s ≥ 95 % of ${r.rate} (${r.scenario}, ${r.latency}): ${r.requestsPerSecond.toFixed(1)} ${verdict(r.requestsPerSecond >= 0.95 * r.rate)}`);
  }
  for (const r of runs) console.log(`never above ${r.rate} requests in any 1 s window (${r.scenario}, ${r.latency}): ${r.maxPerSecondAll} ${verdict(r.maxPerSecondAll <= r.rate)}`);
  console.log(`zero duplicates, zero losses (every run; losses only in runs that finished): ${verdict(runs.every((r) => r.duplicates === 0 && (r.losses ?? 0) === 0))}`);
  for (const r of runs) console.log(`start (send call + first request) under 10 s (${r.recipients} recipients, ${r.scenario}, ${r.latency}): ${r.firstRequestS.toFixed(2)} s ${verdict(r.firstRequestS < 10)}`);
  for (const r of runs.filter((x) => x.overtook)) console.log(`alert's first message within 2 s of its start (${r.latency}, ${r.rate}/s): ${r.overtook.firstS?.toFixed(2)} s ${verdict(r.overtook.firstS !== null && r.overtook.firstS < 2)}`);
  console.log(`each recipient got the form WhatsApp delivers (no 131047, no template inside the window): ${verdict(runs.every((r) => r.forms.windowViolations === 0 && r.forms.templateInside === 0))}`);
  return runs;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await broadcastBench();
