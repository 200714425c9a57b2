// A burst of sign-ups (a QR code in the Gemeindezeitung): BENCH_SIGNUPS (1,000) citizens within
// BENCH_BURST_S (1) second each ask the widget's API for a sign-up code (POST /api/public/signup-codes,
// each from its own client IP, so the per-IP limit is not what is measured) and send the code's text
// from WhatsApp (a signed webhook, as Meta delivers it). The worker subscribes them and confirms each
// with a WhatsApp message. Measured: when the last citizen had a confirmation accepted by the fake
// Graph API (answers with realistic latency by default, 5 % 429s and 2 % 500s, signed status
// webhooks back), sign-ups per second, duplicates, and the workerd processes' memory.
//
//   node_modules/.bin/node test/bench/signup.bench.mjs        (or: npm run bench signup)
//   BENCH_SIGNUPS=200 … for a quicker run; BENCH_LATENCY=none for answers at once;
//   BENCH_RATE (200) is BROADCAST_RATE_PER_SECOND: confirmations count against the number's rate.
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { applyMigrations, freePort, startWorker } from "../../scripts/lib/dev-server.mjs";
import { APP_SECRET, now, PHONE_NUMBER_ID, sleep, startFakeGraph } from "./lib/fake-graph.mjs";
import { benchWorkerVars, sampleRss, seedD1, snapshotSource, stopOnSignal } from "./lib/worker-run.mjs";

const N = Number(process.env.BENCH_SIGNUPS ?? 1000);
const BURST_MS = Number(process.env.BENCH_BURST_S ?? 1) * 1000;
const RATE = Number(process.env.BENCH_RATE ?? 200);
const LATENCY = process.env.BENCH_LATENCY === "none" ? "none" : "realistic";
const TIMEOUT_MS = Number(process.env.BENCH_TIMEOUT_S ?? 300) * 1000;
const VERBOSE = process.env.BENCH_VERBOSE === "1";
/** Target: every citizen confirmed at this many sign-ups per second or more. */
const TARGET_PER_SECOND = 100;

const waIdOf = (j) => `4367${String(10_000_000 + j)}`;
/** A distinct client address per citizen (10.x.y.z). */
const ipOf = (j) => `10.${(j >> 16) & 255}.${(j >> 8) & 255}.${j & 255}`;

function signedInbound(j, text) {
  const from = waIdOf(j);
  const payload = {
    object: "whatsapp_business_account",
    entry: [{ id: "102290129340398", changes: [{ field: "messages", value: {
      messaging_product: "whatsapp",
      metadata: { display_phone_number: "436641234567", phone_number_id: PHONE_NUMBER_ID },
      contacts: [{ profile: { name: `Buerger ${j}` }, wa_id: from }],
      messages: [{ from, id: `wamid.signup${j}x${Date.now()}`, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: text } }],
    } }] }],
  };
  const raw = JSON.stringify(payload);
  return { raw, sig: `sha256=${createHmac("sha256", APP_SECRET).update(raw).digest("hex")}` };
}

const percentile = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

/** One citizen: code from the widget's API, then the WhatsApp message with its text. */
async function signUp(url, j, timings) {
  const t = now();
  const res = await fetch(`${url}/api/public/signup-codes`, {
    method: "POST",
    headers: { "content-type": "application/json", "cf-connecting-ip": ipOf(j) },
    body: JSON.stringify({ channels: ["news"] }),
  });
  const body = await res.json().catch(() => null);
  timings.widget.push(now() - t);
  if (res.status !== 201 || !body?.text) {
    timings.widgetErrors.push(`${res.status} ${JSON.stringify(body).slice(0, 120)}`);
    return;
  }
  const { raw, sig } = signedInbound(j, body.text);
  const t2 = now();
  const hook = await fetch(`${url}/webhooks/whatsapp`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sig }, body: raw });
  await hook.arrayBuffer();
  timings.webhook.push(now() - t2);
  timings.lastWebhookAt = Math.max(timings.lastWebhookAt, now());
  if (!hook.ok) timings.webhookErrors.push(String(hook.status));
}

export default async function signupBench() {
  const source = snapshotSource();
  const persistTo = mkdtempSync(join(tmpdir(), "townwire-bench-signup-"));
  const graph = await startFakeGraph({ seed: 7, latency: LATENCY });
  let worker = null;
  let rss = null;
  const unregister = stopOnSignal(() => worker);
  try {
    applyMigrations(persistTo);
    seedD1(persistTo, "INSERT INTO channels (id, name, default_on) VALUES ('news', 'Gemeinde-News', 1);");
    worker = await startWorker({
      port: await freePort(),
      persistTo,
      config: join(source, "wrangler.toml"),
      quiet: !VERBOSE,
      // The cron is fired by the bench (wrangler dev does not), as production runs it every minute.
      extraArgs: ["--test-scheduled"],
      vars: benchWorkerVars({ graphBase: graph.base, rate: RATE }),
    });
    graph.setWebhook(`${worker.url}/webhooks/whatsapp`);
    rss = sampleRss(() => worker.child);
    // Warm up (first request compiles the worker), not measured.
    await fetch(`${worker.url}/api/public/widget-config`).then((r) => r.arrayBuffer());

    const timings = { widget: [], webhook: [], widgetErrors: [], webhookErrors: [], lastWebhookAt: 0 };
    const t0 = now();
    const all = [];
    for (let j = 1; j <= N; j++) {
      const due = t0 + ((j - 1) * BURST_MS) / N;
      if (due > now()) await sleep(due - now());
      all.push(signUp(worker.url, j, timings).catch((err) => timings.widgetErrors.push(String(err))));
    }
    const sentAllBy = now() - t0;
    await Promise.all(all);
    const requestsDoneBy = now() - t0;

    const confirmedAt = new Map(); // wa_id → first accepted confirmation
    const confirmations = () => graph.requests.filter((r) => r.status === 200 && String(r.cb).startsWith("m:re_"));
    let lastCron = now();
    while (now() - t0 < TIMEOUT_MS) {
      if (now() - lastCron >= 5_000) {
        lastCron = now();
        await fetch(`${worker.url}/cdn-cgi/local/scheduled`).then((r) => r.arrayBuffer()).catch(() => undefined);
      }
      for (const r of confirmations()) if (!confirmedAt.has(r.to)) confirmedAt.set(r.to, r.t);
      if (confirmedAt.size >= N - timings.widgetErrors.length - timings.webhookErrors.length) break;
      if (VERBOSE) console.log(`  ${((now() - t0) / 1000).toFixed(1)} s: ${confirmedAt.size} confirmed; fake API saw ${graph.requests.length} requests`);
      await sleep(250);
    }
    if (confirmedAt.size < N) {
      const why = worker.logs().split("\n").filter((l) => /error|unreachable|failed|exception/i.test(l));
      console.log(`not all confirmed; worker errors (${why.length}, last 15):\n${why.slice(-15).join("\n")}`);
    }
    const lastS = confirmedAt.size ? (Math.max(...confirmedAt.values()) - t0) / 1000 : Infinity;
    const perCb = new Map();
    for (const r of confirmations()) perCb.set(r.cb, (perCb.get(r.cb) ?? 0) + 1);
    const duplicates = [...perCb.values()].filter((n) => n > 1).length;
    const memory = rss.stop();
    rss = null;
    const w = [...timings.widget].sort((a, b) => a - b);
    const h = [...timings.webhook].sort((a, b) => a - b);
    const result = {
      n: N,
      confirmed: confirmedAt.size,
      lastS,
      perSecond: confirmedAt.size / lastS,
      /** The last confirmation after the last webhook was answered: the background part alone. */
      afterLastWebhookS: confirmedAt.size ? (Math.max(...confirmedAt.values()) - timings.lastWebhookAt) / 1000 : Infinity,
      duplicates,
      widgetErrors: timings.widgetErrors.length,
      webhookErrors: timings.webhookErrors.length,
      requests: graph.requests.length,
      refused: graph.requests.filter((r) => r.status !== 200).length,
      maxPerSecond: maxPerSecond(graph.requests.map((r) => r.t)),
      memory,
      load: loadavg()[0],
    };
    console.log(`\nSign-up burst: ${N} citizens within ${(sentAllBy / 1000).toFixed(2)} s (all requests answered after ${(requestsDoneBy / 1000).toFixed(2)} s), each: widget POST (own client IP) → WhatsApp message with the code (signed webhook) → confirmation. Fake Graph API: latency "${LATENCY}", 5 % 429s, 2 % 500s, status webhooks; BROADCAST_RATE_PER_SECOND=${RATE}`);
    console.log("| sign-ups | confirmed | last confirmed after | … after the last webhook was answered | sign-ups/s | duplicates | widget POST p50 / p99 | webhook p50 / p99 | errors (widget / webhook) | Graph requests (refused) | max requests in 1 s | workerd RSS min / max | load |");
    console.log("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
    console.log(
      `| ${N} | ${result.confirmed} | ${lastS.toFixed(1)} s | ${result.afterLastWebhookS.toFixed(1)} s | ${result.perSecond.toFixed(1)} | ${duplicates} | ${percentile(w, 0.5).toFixed(0)} / ${percentile(w, 0.99).toFixed(0)} ms | ${percentile(h, 0.5).toFixed(0)} / ${percentile(h, 0.99).toFixed(0)} ms | ${result.widgetErrors} / ${result.webhookErrors} | ${result.requests} (${result.refused}) | ${result.maxPerSecond} | ${memory.minMb.toFixed(0)} / ${memory.maxMb.toFixed(0)} MB | ${result.load.toFixed(1)} |`,
    );
    console.log(`CPU cores used on average (which process limits the run): ${memory.cpu}`);
    if (timings.widgetErrors.length) console.log(`first widget errors: ${timings.widgetErrors.slice(0, 3).join("; ")}`);
    const verdict = (ok) => (ok ? "OK" : "MISSED");
    console.log(`all ${N} confirmed: ${verdict(result.confirmed === N)}`);
    console.log(`≥ ${TARGET_PER_SECOND} sign-ups per second: ${result.perSecond.toFixed(1)} ${verdict(result.perSecond >= TARGET_PER_SECOND)}`);
    console.log(`never above ${RATE} Graph requests in any 1 s window: ${result.maxPerSecond} ${verdict(result.maxPerSecond <= RATE)}`);
    console.log(`no confirmation twice: ${verdict(duplicates === 0)}`);
    return result;
  } finally {
    unregister();
    rss?.stop();
    if (worker) await worker.stop();
    await graph.stop();
    rmSync(persistTo, { recursive: true, force: true });
    rmSync(source, { recursive: true, force: true });
  }
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

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await signupBench();
