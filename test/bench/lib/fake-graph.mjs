// The fake Graph API of the benchmarks (Node http on 127.0.0.1): answers like Meta, at once or with
// Graph-like latency (latencyOf), injects 429s and 500s, can lose answers, and reports every accepted
// message with signed status webhooks ("sent", then "delivered" and "read"), measuring how late the
// worker takes them. Shared by broadcast.bench.mjs and signup.bench.mjs.
import { createHmac } from "node:crypto";
import { createServer } from "node:http";
import { freePort } from "../../../scripts/lib/dev-server.mjs";

export const APP_SECRET = "bench-app-secret";
export const PHONE_NUMBER_ID = "106540352242922";
/** Default share of sends refused with 429 (130429) and 500. */
export const P429 = 0.05;
export const P500 = 0.02;
/** Delivered and read statuses follow "sent" after these delays (ms), as on a phone that is online. */
const DELIVERED_AFTER_MS = 800;
const READ_AFTER_MS = 3_000;
/** The recipient number's citizen index (bench numbers are 4366 + 10,000,000 + j). */
export const citizenOf = (to) => Number(String(to).slice(4)) - 10_000_000;

export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Small seeded PRNG so the injected failures are the same on every run. */
export function mulberry32(seed) {
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
export async function startFakeGraph({ seed, holdStatuses = false, dropShare = 0, latency = "none", p429 = P429, p500 = P500, isOutside = () => false } = {}) {
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
      if (r < p429) {
        requests.push({ t, status: 429, cb });
        return reply(429, { error: { message: "(#130429) Rate limit hit", type: "OAuthException", code: 130429, fbtrace_id: "bench" } });
      }
      if (r < p429 + p500) {
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
      requests.push({ t, status: 200, cb, to: body.to });
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

