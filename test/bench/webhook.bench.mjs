// Webhook ingestion: townwire's POST /webhooks/whatsapp against a bare Worker that only does one
// D1 insert (the floor), both under `wrangler dev` on this machine. Signed text messages from
// distinct citizens. Prints max throughput (closed loop) and latency at a paced 100 requests/s.
import { createHmac } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { applyMigrations, freePort, startWorker } from "../../scripts/lib/dev-server.mjs";

const SECRET = "bench-app-secret";
const THROUGHPUT_SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const PACED_RPS = 100;
const PACED_SECONDS = 10;

let citizenSeq = 0;
function signedTextWebhook() {
  const n = ++citizenSeq;
  const from = `4366${String(10_000_000 + n)}`;
  const payload = {
    object: "whatsapp_business_account",
    entry: [{ id: "102290129340398", changes: [{ field: "messages", value: {
      messaging_product: "whatsapp",
      metadata: { display_phone_number: "436641234567", phone_number_id: "106540352242922" },
      contacts: [{ profile: { name: `Bürger ${n}` }, wa_id: from }],
      messages: [{ from, id: `wamid.bench${Date.now()}${n}`, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: "Grüß Gott, wann ist die Bücherei offen?" } }],
    } }] }],
  };
  const raw = JSON.stringify(payload).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return { raw, sig: `sha256=${createHmac("sha256", SECRET).update(raw).digest("hex")}` };
}

async function post(url) {
  const { raw, sig } = signedTextWebhook();
  const t0 = performance.now();
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sig }, body: raw });
  await res.arrayBuffer();
  if (res.status !== 200) throw new Error(`status ${res.status}`);
  return performance.now() - t0;
}

async function closedLoop(url, seconds, concurrency) {
  const end = performance.now() + seconds * 1000;
  let done = 0;
  let errors = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        try {
          await post(url);
          done++;
        } catch {
          errors++;
        }
      }
    }),
  );
  return { rps: done / seconds, errors };
}

async function paced(url, rps, seconds) {
  const latencies = [];
  let errors = 0;
  const start = performance.now();
  const total = rps * seconds;
  const inflight = [];
  for (let i = 0; i < total; i++) {
    const due = start + (i * 1000) / rps;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    inflight.push(post(url).then((ms) => latencies.push(ms), () => errors++));
  }
  await Promise.all(inflight);
  latencies.sort((a, b) => a - b);
  const pct = (p) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? NaN;
  return { p50: pct(50), p99: pct(99), errors, n: latencies.length };
}

async function measure(name, url) {
  // Warm up: the first requests compile code and create tables.
  for (let i = 0; i < 50; i++) await post(url);
  const tp = await closedLoop(url, THROUGHPUT_SECONDS, CONCURRENCY);
  // Let background work from the saturation phase (room pushes) drain before measuring latency.
  await new Promise((r) => setTimeout(r, 3000));
  const lat = await paced(url, PACED_RPS, PACED_SECONDS);
  return { name, ...tp, ...lat };
}

export default async function webhookBench() {
  const persistApp = mkdtempSync(join(tmpdir(), "townwire-bench-app-"));
  const persistFloor = mkdtempSync(join(tmpdir(), "townwire-bench-floor-"));
  applyMigrations(persistApp);
  const [appPort, floorPort, deadPort] = [await freePort(), await freePort(), await freePort()];
  // The product alone (no simulator in front), so the webhook's numbers are the product's.
  const app = await startWorker({
    port: appPort,
    persistTo: persistApp,
    simulator: false,
    vars: {
      WHATSAPP_VERIFY_TOKEN: "bench",
      WHATSAPP_APP_SECRET: SECRET,
      WHATSAPP_ACCESS_TOKEN: "bench",
      WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
      // Background jobs (keyword replies) must not leave the machine.
      WHATSAPP_API_BASE: `http://127.0.0.1:${deadPort}/v23.0`,
    },
  });
  const floor = await startWorker({ port: floorPort, persistTo: persistFloor, config: "test/bench/floor-worker/wrangler.toml" });
  try {
    const floorResult = await measure("floor (1 D1 insert)", `${floor.url}/`);
    const appResult = await measure("townwire webhook", `${app.url}/webhooks/whatsapp`);
    const rows = [floorResult, appResult];
    console.log(`\nWebhook ingestion (wrangler dev, ${CONCURRENCY} concurrent for ${THROUGHPUT_SECONDS} s; latency at ${PACED_RPS} req/s for ${PACED_SECONDS} s)`);
    console.log("| Worker | requests/s | p50 @100/s | p99 @100/s | errors |");
    console.log("|---|---|---|---|---|");
    for (const r of rows) {
      console.log(`| ${r.name} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} ms | ${r.p99.toFixed(1)} ms | ${r.errors} |`);
    }
    const ratio = appResult.rps / floorResult.rps;
    console.log(`\nthroughput vs floor: ${(ratio * 100).toFixed(0)}% (target ≥ 60%) ${ratio >= 0.6 ? "OK" : "MISSED"}`);
    console.log(`p99 at 100 req/s: ${appResult.p99.toFixed(1)} ms (target < 50 ms) ${appResult.p99 < 50 ? "OK" : "MISSED"}`);
    return { floor: floorResult, app: appResult, ratio };
  } finally {
    await app.stop();
    await floor.stop();
    rmSync(persistApp, { recursive: true, force: true });
    rmSync(persistFloor, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) await webhookBench();
