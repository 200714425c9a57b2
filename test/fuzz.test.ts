// Malformed input to every documented route, as a signed-in admin and anonymously: wrong types,
// missing fields, huge strings, invalid JSON, wrong content types, unicode, extreme numbers, bogus
// ids in paths and query strings. No answer may be a 5xx, and every 4xx is {error:{code,message}}.
// Deterministic (seeded PRNG); on failure the offending requests are listed.
import { env, exports } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { signBody } from "../worker/whatsapp/signature";
import { api, BASE_URL, createStaff, loginAs, ORIGIN, type Session } from "./helpers/auth";
import { seedChannels } from "./helpers/citizens";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { badQuery, badRawBody, badValue, BOGUS_IDS, breakOneField, CONTENT_TYPES, mutate, mutateDeep, prng, type Rng } from "./helpers/fuzz";
import { citizenWrites } from "./helpers/inbox";
import { APP_SECRET, textMessage } from "./helpers/meta";

const SEED = 0x7a12;
/** Cases per route as admin: more where a body or query carries input. */
const ADMIN_CASES_WITH_INPUT = 20;
const ADMIN_CASES_WITHOUT_INPUT = 8;
const ANON_CASES = 3;

interface Fixture {
  conversation: string;
  citizen: string;
  broadcast: string;
  channel: string;
  staff: string;
  alert: string;
  code: string;
}

type Body = () => Record<string, unknown>;
interface Route {
  method: "GET" | "POST" | "PUT" | "PATCH";
  /** `:id` (or `:code`) is filled with a real id or a bogus one. */
  path: string;
  id?: keyof Fixture;
  /** A valid query; the fuzz breaks some of its values. */
  query?: Record<string, string>;
  body?: Body;
  multipart?: boolean;
}

const conversationActions = ["claim", "release", "resolve", "reopen", "read"];
const broadcastActions = ["send", "cancel", "pause", "resume", "test", "duplicate"];

const ROUTES: Route[] = [
  { method: "GET", path: "/api/health" },
  { method: "POST", path: "/api/auth/login", body: () => ({ email: "admin@gemeinde.test", password: "falsch-falsch-falsch" }) },
  { method: "POST", path: "/api/auth/logout" },
  { method: "GET", path: "/api/me" },
  { method: "POST", path: "/api/auth/password", body: () => ({ currentPassword: "falsch-falsch-falsch", newPassword: "ein-sehr-langes-passwort" }) },
  { method: "GET", path: "/api/ui-config" },
  { method: "GET", path: "/api/staff" },
  { method: "POST", path: "/api/staff", body: () => ({ email: "neu@gemeinde.test", name: "Neu", role: "agent", password: "ein-sehr-langes-passwort", phone: "+436641112233" }) },
  { method: "PATCH", path: "/api/staff/:id", id: "staff", body: () => ({ name: "Umbenannt", role: "editor", disabled: false, phone: null }) },
  { method: "GET", path: "/api/conversations", query: { status: "open", q: "laterne", limit: "10" } },
  { method: "GET", path: "/api/conversations/:id", id: "conversation", query: { before: "1700000000000:abc" } },
  { method: "POST", path: "/api/conversations/:id/messages", id: "conversation", body: () => ({ text: "Danke!", mediaId: null, takeover: true }) },
  { method: "POST", path: "/api/conversations/:id/template", id: "conversation", body: () => ({ name: "rueckfrage", language: "de", parameters: ["x"], takeover: false }) },
  { method: "POST", path: "/api/conversations/:id/notes", id: "conversation", body: () => ({ text: "Notiz" }) },
  ...conversationActions.map((a): Route => ({ method: "POST", path: `/api/conversations/:id/${a}`, id: "conversation" })),
  {
    method: "PATCH",
    path: "/api/conversations/:id/report",
    id: "conversation",
    body: () => ({ category: "Vandalismus", status: "open", latitude: 48.2, longitude: 16.3, address: "Hauptplatz 1" }),
  },
  { method: "GET", path: "/api/media/:id", id: "conversation" },
  { method: "POST", path: "/api/media", multipart: true },
  { method: "GET", path: "/api/templates", query: { status: "APPROVED" } },
  { method: "POST", path: "/api/templates", body: () => ({ name: "neu_vorlage", language: "de_AT", body: "Hallo {{1}}", category: "UTILITY" }) },
  { method: "POST", path: "/api/templates/sync" },
  { method: "GET", path: "/api/report-categories" },
  { method: "PUT", path: "/api/report-categories", body: () => ({ categories: ["Vandalismus", "Straßenschaden"] }) },
  { method: "GET", path: "/api/channels" },
  { method: "POST", path: "/api/channels", body: () => ({ name: "Markt", description: "Bauernmarkt", keyword: "MARKT", defaultOn: false, position: 5 }) },
  { method: "PATCH", path: "/api/channels/:id", id: "channel", body: () => ({ name: "Newsletter", archived: false, position: 1 }) },
  { method: "GET", path: "/api/keywords" },
  {
    method: "PUT",
    path: "/api/keywords",
    body: () => ({ subscribe: { de: ["ANMELDEN"], en: ["SUBSCRIBE"] }, unsubscribe: { de: ["STOPP"], en: ["STOP"] }, menu: { de: ["MENÜ"], en: ["MENU"] }, help: { de: ["HILFE"], en: ["HELP"] } }),
  },
  { method: "GET", path: "/api/subscribers", query: { channel: "ch_newsletter", q: "berger", status: "all", limit: "10" } },
  { method: "GET", path: "/api/subscribers/:id", id: "citizen" },
  { method: "POST", path: "/api/subscribers/:id/subscriptions", id: "citizen", body: () => ({ subscribe: ["ch_events"], unsubscribe: ["ch_adhoc"] }) },
  { method: "GET", path: "/api/subscribers/:id/export", id: "citizen" },
  { method: "POST", path: "/api/subscribers/:id/erase", id: "citizen", body: () => ({ confirm: true }) },
  { method: "GET", path: "/api/stats/subscriber-growth", query: { days: "30" } },
  { method: "GET", path: "/api/public/widget-config" },
  { method: "POST", path: "/api/public/signup-codes", body: () => ({ channels: ["ch_newsletter", "ch_events"] }) },
  { method: "GET", path: "/api/public/signup-codes/:id/qr.svg", id: "code" },
  { method: "GET", path: "/api/broadcasts", query: { status: "draft", limit: "10" } },
  {
    method: "POST",
    path: "/api/broadcasts",
    body: () => ({ title: "Info", kind: "newsletter", text: "Hallo", channelIds: ["ch_newsletter"], sendAt: "2099-03-28T09:00", mediaId: null, template: null }),
  },
  { method: "GET", path: "/api/broadcasts/estimate", query: { channelIds: "ch_newsletter,ch_events" } },
  { method: "GET", path: "/api/broadcasts/settings" },
  { method: "PUT", path: "/api/broadcasts/settings", body: () => ({ tier: 1000 }) },
  { method: "GET", path: "/api/broadcasts/:id", id: "broadcast" },
  { method: "PATCH", path: "/api/broadcasts/:id", id: "broadcast", body: () => ({ title: "Neu", text: "Text", sendAt: 4_102_444_800_000, template: { name: "rueckfrage", language: "de", parameters: [] } }) },
  { method: "GET", path: "/api/broadcasts/:id/timeline", id: "broadcast", query: { bucket: "60000" } },
  ...broadcastActions.map((a): Route => ({ method: "POST", path: `/api/broadcasts/:id/${a}`, id: "broadcast" })),
  { method: "GET", path: "/api/dead-letters", query: { before: "1700000000000", limit: "10" } },
  { method: "GET", path: "/api/alerts" },
  { method: "POST", path: "/api/alerts/:id/ack", id: "alert" },
  { method: "GET", path: "/api/reports", query: { status: "open", category: "Vandalismus" } },
  { method: "POST", path: "/api/outreach/conversations", body: () => ({ phone: "+43 664 1234567", template: { name: "rueckfrage", language: "de", parameters: ["x"] }, takeover: false }) },
  { method: "GET", path: "/api/conversations/:id/citizen", id: "conversation" },
  { method: "GET", path: "/api/snippets" },
  { method: "POST", path: "/api/snippets", body: () => ({ title: "Öffnungszeiten", body: "Grüß Gott {{name}}!" }) },
  { method: "PUT", path: "/api/snippets/:id", id: "conversation", body: () => ({ title: "Link", body: "https://www.gemeinde.example" }) },
  { method: "GET", path: "/webhooks/whatsapp", query: { "hub.mode": "subscribe", "hub.verify_token": "test-verify-token", "hub.challenge": "123" } },
];

interface Sent {
  method: string;
  url: string;
  contentType: string | null;
  body: string;
}
interface Failure extends Sent {
  status: number;
  answer: string;
}

const describeBody = (b: BodyInit | undefined) =>
  b === undefined ? "" : typeof b === "string" ? b.slice(0, 160) : b instanceof Uint8Array ? `<${b.byteLength} bytes>` : "<form>";

function fillPath(r: Rng, route: Route, fx: Fixture): string {
  if (!route.id) return route.path;
  const real = r.chance(0.5);
  return route.path.replace(":id", real ? encodeURIComponent(fx[route.id]) : r.pick(BOGUS_IDS));
}

function buildBody(r: Rng, route: Route): { body?: BodyInit; contentType?: string } {
  if (route.method === "GET") return {};
  if (route.multipart) {
    const form = new FormData();
    if (r.chance(0.6)) form.set("file", new File([badRawBody(r)], r.pick(["a.png", "ä.jpg", "x".repeat(300), ""]), { type: r.pick(["image/png", "text/html", "", "image/svg+xml"]) }));
    if (r.chance(0.4)) form.set("file", String(badValue(r)));
    return r.chance(0.8) ? { body: form } : { body: badRawBody(r), contentType: r.pick(CONTENT_TYPES) };
  }
  const valid = route.body?.() ?? {};
  const roll = r.next();
  const json = (v: unknown) => ({ body: JSON.stringify(v) ?? "null", contentType: r.chance(0.85) ? "application/json" : r.pick(CONTENT_TYPES) });
  if (roll < 0.1) return json(valid);
  if (roll < 0.45) return json(breakOneField(r, valid));
  if (roll < 0.6) return json(mutate(r, valid));
  if (roll < 0.7) return json(mutateDeep(r, valid));
  if (roll < 0.8) return json(badValue(r));
  if (roll < 0.83) return {};
  return { body: badRawBody(r), contentType: r.pick(CONTENT_TYPES) };
}

async function send(sent: Sent, init: RequestInit): Promise<Response> {
  return exports.default.fetch(new Request(sent.url, init));
}

describe("fuzz: malformed input to every documented route", () => {
  let graph: FakeGraph;
  let fx: Fixture;
  let admin: Session;

  // After the setup file's database reset.
  beforeEach(async () => {
    graph = installFakeGraph();
    // Queues answer like production (≤ 100 messages per batch) without running consumers here.
    for (const q of [env.JOBS_QUEUE, env.BROADCAST_QUEUE]) {
      vi.spyOn(q, "sendBatch").mockImplementation(async (batch) => {
        if ([...batch].length > 100) throw new Error("batch message count exceeds limit of 100");
        return undefined as never;
      });
    }
    await seedChannels();
    admin = await loginAs({ role: "admin", phone: "+436641234500" });
    const other = await createStaff({ role: "agent" });
    const chat = await citizenWrites("Die Laterne am Hauptplatz ist kaputt", { from: "436641234567", name: "Anna Berger" });
    // More people and conversations, so search compares rows even after the fuzz resolved or erased one.
    for (let i = 0; i < 4; i++) await citizenWrites(`Frage Nummer ${i} zur Müllabfuhr`, { from: `43664123450${i}`, name: `Person ${i} Öller` });
    const created = await api("/api/broadcasts", { as: admin, body: { title: "Info", kind: "newsletter", text: "Hallo", channelIds: ["ch_newsletter"] } });
    const broadcast = (await created.json<{ broadcast: { id: string } }>()).broadcast.id;
    const alert = await env.DB.prepare("INSERT INTO admin_alerts (kind, message) VALUES ('token', 'x') RETURNING id").first<{ id: number }>();
    // Its own address: the fuzz's other sign-up requests may have used up the shared one's limit.
    const code = await api("/api/public/signup-codes", { body: { channels: ["ch_newsletter"] }, origin: null, headers: { "cf-connecting-ip": "2001:db8:f0:22::1" } });
    fx = {
      conversation: chat.conversationId,
      citizen: chat.citizenId,
      broadcast,
      channel: "ch_newsletter",
      staff: other.id,
      alert: String(alert?.id ?? 1),
      code: (await code.json<{ code: string }>()).code,
    };
  });
  afterEach(() => {
    graph.restore();
    vi.restoreAllMocks();
  });

  it("no 5xx, and every 4xx is {error:{code,message}}", { timeout: 240_000 }, async () => {
    const r = prng(SEED);
    const failures: Failure[] = [];
    const statuses = new Map<number, number>();
    let requests = 0;

    const check = async (sent: Sent, res: Response, o: { envelope: boolean }) => {
      requests++;
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const answer = await res.text();
      const fail = () => failures.push({ ...sent, status: res.status, answer: answer.slice(0, 200) });
      if (res.status >= 500) return fail();
      if (!o.envelope || res.status < 400) return;
      if (!(res.headers.get("content-type") ?? "").includes("application/json")) return fail();
      try {
        const body = JSON.parse(answer) as { error?: { code?: unknown; message?: unknown } };
        if (typeof body.error?.code !== "string" || typeof body.error.message !== "string" || !body.error.message) fail();
      } catch {
        fail();
      }
    };

    for (const route of ROUTES) {
      const adminCases = route.query || route.body || route.multipart ? ADMIN_CASES_WITH_INPUT : ADMIN_CASES_WITHOUT_INPUT;
      for (let i = 0; i < adminCases + ANON_CASES; i++) {
        const asAdmin = i < adminCases;
        const path = fillPath(r, route, fx);
        const query = route.query && r.chance(0.8) ? `?${badQuery(r, route.query)}` : r.chance(0.05) ? "?%ZZ=%E0%A4%A" : "";
        const { body, contentType } = buildBody(r, route);
        const headers: Record<string, string> = {};
        if (contentType) headers["content-type"] = contentType;
        if (asAdmin) headers.cookie = route.path === "/api/auth/logout" ? `tw_session=${r.int(1e9)}` : admin.cookie;
        else if (r.chance(0.3)) headers.cookie = r.pick(["tw_session=", "tw_session=%ZZ", `tw_session=${"x".repeat(5000)}`, "tw_session=abc; tw_session=def"]);
        const origin = r.chance(0.9) ? ORIGIN : r.pick([null, "https://evil.test", "null"]);
        if (origin) headers.origin = origin;
        const sent: Sent = { method: route.method, url: `${BASE_URL}${path}${query}`, contentType: contentType ?? null, body: describeBody(body) };
        await check(sent, await send(sent, { method: route.method, headers, body }), { envelope: true });
      }
    }

    // The webhook: signed and unsigned, broken JSON and broken Meta shapes. Only: never a 5xx.
    for (let i = 0; i < 80; i++) {
      const valid = textMessage("Hallo", { from: "436641234567" });
      const raw = r.chance(0.2) ? badRawBody(r) : JSON.stringify(r.chance(0.8) ? mutateDeep(r, mutateDeep(r, valid)) : badValue(r));
      const text = typeof raw === "string" ? raw : new TextDecoder().decode(raw);
      const headers: Record<string, string> = { "content-type": r.chance(0.9) ? "application/json" : r.pick(CONTENT_TYPES) };
      if (r.chance(0.85)) headers["x-hub-signature-256"] = typeof raw === "string" ? await signBody(raw, APP_SECRET) : "sha256=00";
      else if (r.chance(0.5)) headers["x-hub-signature-256"] = r.pick(["", "sha256=", "sha256=zz", `sha256=${"0".repeat(64)}`, "md5=1"]);
      const sent: Sent = { method: "POST", url: `${BASE_URL}/webhooks/whatsapp`, contentType: headers["content-type"] ?? null, body: text.slice(0, 160) };
      await check(sent, await send(sent, { method: "POST", headers, body: raw }), { envelope: false });
    }

    // Still signed in: the admin requests above were not silently anonymous.
    expect((await api("/api/me", { as: admin })).status).toBe(200);
    const authed = [...statuses].filter(([s]) => s !== 401 && s !== 403).reduce((n, [, c]) => n + c, 0);
    console.log(`fuzz: ${requests} requests, statuses ${JSON.stringify(Object.fromEntries(statuses))}`);
    expect(requests).toBeGreaterThan(900);
    expect(requests).toBeLessThan(1_600);
    expect(authed).toBeGreaterThan(requests / 2);
    expect(failures).toEqual([]);
  });
});
