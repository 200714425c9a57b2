// The staff app and the live inbox:
// (1) gzipped size of the inbox's initial JavaScript (entry script + modulepreloads of the built
//     dist/public/index.html; lazily loaded pages are not counted), target < 60 KB;
// (2) latency from a signed webhook POST to the `message.created` event arriving at 25 connected
//     staff websockets (/parties/inbox/main) under `wrangler dev` on this machine, target p95 < 100 ms.
// Run with the others (`npm run bench`) or alone: node_modules/.bin/node test/bench/inbox.bench.mjs
import { createHmac } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { gzipSync } from "node:zlib";
import { build } from "vite";
import { applyMigrations, freePort, startWorker } from "../../scripts/lib/dev-server.mjs";

const ROOT = resolve(fileURLToPath(new URL("../..", import.meta.url)));
const STAFF = Number(process.env.BENCH_INBOX_STAFF ?? 25);
const WEBHOOKS = Number(process.env.BENCH_INBOX_WEBHOOKS ?? 200);
const RATE = Number(process.env.BENCH_INBOX_RPS ?? 10);
const SIZE_TARGET_KB = 60;
const P95_TARGET_MS = 100;

const VARS = {
  WHATSAPP_VERIFY_TOKEN: "bench-verify",
  WHATSAPP_APP_SECRET: "bench-inbox-secret",
  WHATSAPP_ACCESS_TOKEN: "bench-token",
  WHATSAPP_PHONE_NUMBER_ID: "106540352242922",
  ADMIN_EMAIL: "admin@bench.test",
  ADMIN_PASSWORD: "bench-admin-password",
};

const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

/** (1) Builds the staff app and sums the gzipped bytes of what index.html loads before any interaction. */
export async function measureInitialJs() {
  await build({ configFile: join(ROOT, "inbox-ui/vite.config.ts"), logLevel: "warn" });
  const htmlPath = join(ROOT, "dist/public/index.html");
  if (!existsSync(htmlPath)) throw new Error("dist/public/index.html missing after the build");
  const html = readFileSync(htmlPath, "utf8");
  const files = new Set();
  for (const m of html.matchAll(/<script\b[^>]*\btype="module"[^>]*\bsrc="([^"]+)"/g)) files.add(m[1]);
  for (const m of html.matchAll(/<link\b[^>]*\brel="modulepreload"[^>]*\bhref="([^"]+)"/g)) files.add(m[1]);
  const css = [...html.matchAll(/<link\b[^>]*\brel="stylesheet"[^>]*\bhref="([^"]+)"/g)].map((m) => m[1]);
  const size = (url) => {
    const buf = readFileSync(join(ROOT, "dist/public", url.replace(/^\//, "")));
    return { raw: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
  };
  const js = [...files].map((f) => ({ file: f, ...size(f) }));
  const total = js.reduce((a, f) => ({ raw: a.raw + f.raw, gzip: a.gzip + f.gzip }), { raw: 0, gzip: 0 });
  const cssTotal = css.map(size).reduce((a, f) => a + f.gzip, 0);
  return { files: js, raw: total.raw, gzip: total.gzip, cssGzip: cssTotal };
}

function signedText(i, waId) {
  const payload = {
    object: "whatsapp_business_account",
    entry: [{ id: "102290129340398", changes: [{ field: "messages", value: {
      messaging_product: "whatsapp",
      metadata: { display_phone_number: "436641234567", phone_number_id: VARS.WHATSAPP_PHONE_NUMBER_ID },
      contacts: [{ profile: { name: `Bürgerin ${waId.slice(-2)}` }, wa_id: waId }],
      messages: [{ from: waId, id: `wamid.inboxbench.${Date.now()}.${i}`, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body: `bench#${i} Wann hat das Freibad offen?` } }],
    } }] }],
  };
  const raw = JSON.stringify(payload).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return { raw, sig: `sha256=${createHmac("sha256", VARS.WHATSAPP_APP_SECRET).update(raw).digest("hex")}` };
}

async function login(base, email, password) {
  const res = await fetch(`${base}/api/auth/login`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: base },
    body: JSON.stringify({ email, password }),
  });
  if (res.status !== 200) throw new Error(`login ${email}: ${res.status} ${await res.text()}`);
  return res.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
}

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

/** (2) Webhook → message.created at every connected staff websocket. */
export async function measureFanout({ staff = STAFF, webhooks = WEBHOOKS, rate = RATE } = {}) {
  const persistTo = mkdtempSync(join(tmpdir(), "townwire-inbox-bench-"));
  const sockets = [];
  let server;
  try {
    applyMigrations(persistTo);
    const port = await freePort();
    // The product alone (no simulator in front): what is measured is the product.
    server = await startWorker({ port, persistTo, vars: VARS, simulator: false });
    const base = server.url;

    // Staff accounts and sessions through the API, as the app does it.
    const adminCookie = await login(base, VARS.ADMIN_EMAIL, VARS.ADMIN_PASSWORD);
    const cookies = [];
    for (let i = 0; i < staff; i++) {
      const email = `agent${i}@bench.test`;
      const password = `bench-password-${i}`;
      const res = await fetch(`${base}/api/staff`, {
        method: "POST",
        headers: { "content-type": "application/json", cookie: adminCookie, origin: base },
        body: JSON.stringify({ email, name: `Agent ${i}`, role: "agent", password }),
      });
      if (res.status !== 201) throw new Error(`create staff ${i}: ${res.status} ${await res.text()}`);
      cookies.push(await login(base, email, password));
    }

    // received[i] = arrival times (performance.now()) of webhook i's event over all sockets.
    const sentAt = new Array(webhooks).fill(0);
    const latencies = [];
    let warmupSeen = 0;
    const wsUrl = `${base.replace(/^http/, "ws")}/parties/inbox/main`;
    await Promise.all(
      cookies.map(
        (cookie) =>
          new Promise((ok, fail) => {
            const ws = new WebSocket(wsUrl, { headers: { cookie } });
            sockets.push(ws);
            ws.onopen = () => ok();
            ws.onerror = () => fail(new Error("websocket did not open"));
            ws.onmessage = (ev) => {
              const now = performance.now();
              const data = JSON.parse(String(ev.data));
              if (data.type !== "message.created") return;
              const m = /^bench#(-?\d+) /.exec(data.message?.text ?? "");
              if (!m) return;
              const i = Number(m[1]);
              if (i < 0) warmupSeen++;
              else if (sentAt[i]) latencies.push(now - sentAt[i]);
            };
          }),
      ),
    );

    const post = async (i) => {
      const waId = `4367${String(10_000_000 + (Math.abs(i) % 40))}`;
      const { raw, sig } = signedText(i, waId);
      const t0 = performance.now();
      if (i >= 0) sentAt[i] = t0;
      const res = await fetch(`${base}/webhooks/whatsapp`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sig }, body: raw });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(`webhook ${i}: ${res.status}`);
      return performance.now() - t0;
    };

    // Warm-up (not measured): first requests compile code paths and open the room.
    for (let i = 1; i <= 10; i++) await post(-i);
    const warmEnd = Date.now() + 5000;
    while (warmupSeen < 10 * staff && Date.now() < warmEnd) await new Promise((r) => setTimeout(r, 20));

    const httpTimes = [];
    const gap = 1000 / rate;
    const start = performance.now();
    const inflight = [];
    for (let i = 0; i < webhooks; i++) {
      const due = start + i * gap;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      inflight.push(post(i).then((ms) => httpTimes.push(ms)));
    }
    await Promise.all(inflight);
    const expected = webhooks * staff;
    const end = Date.now() + 10_000;
    while (latencies.length < expected && Date.now() < end) await new Promise((r) => setTimeout(r, 20));

    const sorted = [...latencies].sort((a, b) => a - b);
    const http = [...httpTimes].sort((a, b) => a - b);
    return {
      staff,
      webhooks,
      rate,
      receipts: latencies.length,
      expected,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      p99: percentile(sorted, 99),
      max: sorted[sorted.length - 1],
      httpP50: percentile(http, 50),
      httpP95: percentile(http, 95),
    };
  } finally {
    for (const ws of sockets) ws.close();
    await server?.stop();
    rmSync(persistTo, { recursive: true, force: true });
  }
}

export default async function benchInbox() {
  // A failed build must not hide the latency numbers: report it, measure on, fail at the end.
  let size = null;
  let sizeError = null;
  try {
    size = await measureInitialJs();
    console.log(`inbox initial JS: ${kb(size.gzip)} gzipped (${kb(size.raw)} raw) in ${size.files.length} file(s); CSS ${kb(size.cssGzip)} gzipped; target < ${SIZE_TARGET_KB} KB → ${size.gzip < SIZE_TARGET_KB * 1024 ? "OK" : "OVER"}`);
    for (const f of size.files) console.log(`  ${f.file}: ${kb(f.gzip)} gzipped`);
  } catch (err) {
    sizeError = err;
    console.log(`inbox initial JS: build failed (${String(err.message ?? err).split("\n")[0]})`);
  }

  const r = await measureFanout();
  const f = (n) => `${n.toFixed(1)} ms`;
  console.log(`webhook → message.created at ${r.staff} staff websockets, ${r.webhooks} webhooks at ${r.rate}/s:`);
  console.log(`  receipts ${r.receipts}/${r.expected}  p50 ${f(r.p50)}  p95 ${f(r.p95)}  p99 ${f(r.p99)}  max ${f(r.max)}  (target p95 < ${P95_TARGET_MS} ms → ${r.p95 < P95_TARGET_MS ? "OK" : "MISSED"})`);
  console.log(`  webhook HTTP answer: p50 ${f(r.httpP50)}  p95 ${f(r.httpP95)}`);
  if (r.receipts < r.expected) console.log(`  WARNING: ${r.expected - r.receipts} receipts missing`);
  if (sizeError) throw sizeError;
  return { size, fanout: r };
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  await benchInbox();
}
