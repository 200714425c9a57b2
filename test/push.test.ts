// Web Push for staff: subscribe/unsubscribe, who is told about what, and how push service answers are
// handled. The fake push service checks VAPID and decrypts every body (test/helpers/fake-push.ts).
import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { vapidConfig } from "../worker/push/config";
import type { PushMessage } from "../worker/push/deliver";
import { pushJobDeps } from "../worker/push/deps";
import { MAX_PUSH_ATTEMPTS, runPushSend } from "../worker/push/jobs";
import { api, loginAs, type Session } from "./helpers/auth";
import { count } from "./helpers/db";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";
import { installFakePush, vapidKeyPair, vapidProblem, type BrowserSubscription, type FakePush } from "./helpers/fake-push";
import { citizenWrites } from "./helpers/inbox";
import { pushWorld, type PushWorld } from "./helpers/push-env";

type ErrorBody = { error: { code: string; message: string } };
const ANDROID_CHROME = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";

let world: PushWorld;
let push: FakePush;
let graph: FakeGraph;
beforeEach(async () => {
  world = await pushWorld();
  push = installFakePush(world.keys.publicKey);
  graph = installFakeGraph();
});
afterEach(() => {
  graph.restore();
  push.restore();
  // Every request the Worker made would have been accepted by a real push service and decrypted by the browser.
  expect(push.problems).toEqual([]);
});

/** A browser of `who` subscribes through the API. */
async function subscribe(who: Session, host?: string): Promise<BrowserSubscription & { id: string }> {
  const sub = await push.subscribe(host);
  const res = await world.call("/api/push/subscriptions", { as: who, body: { endpoint: sub.endpoint, keys: sub.keys }, headers: { "user-agent": ANDROID_CHROME } });
  expect(res.status).toBe(201);
  const { subscription } = await res.json<{ subscription: { id: string } }>();
  return { ...sub, id: subscription.id };
}

const titlesTo = (sub: BrowserSubscription) => push.received.filter((r) => r.endpoint === sub.endpoint).map((r) => r.data.title);

describe("turning notifications on", () => {
  it("without VAPID keys push is off: the app learns it, and subscribing is refused in German", async () => {
    const agent = await loginAs("agent");
    const res = await api("/api/push", { as: agent });
    expect(await res.json()).toMatchObject({ configured: false, publicKey: null, settings: { assigned: true, newReports: false }, subscriptions: [] });
    const sub = await push.subscribe();
    const refused = await api("/api/push/subscriptions", { as: agent, body: { endpoint: sub.endpoint, keys: sub.keys } });
    expect(refused.status).toBe(409);
    expect((await refused.json<ErrorBody>()).error).toMatchObject({ code: "push_not_configured", message: expect.stringMatching(/nicht eingerichtet/) });
    expect(vapidConfig(env)).toBeNull();
  });

  it("half-set or malformed keys leave push off rather than failing later", async () => {
    const keys = await vapidKeyPair();
    expect(vapidConfig({ ...env, VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey })).toBeNull();
    expect(vapidConfig({ ...env, VAPID_PUBLIC_KEY: keys.publicKey.slice(2), VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: "mailto:a@b.at" })).toBeNull();
    expect(vapidConfig({ ...env, VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: "it@gemeinde" })).toBeNull();
    expect(vapidConfig({ ...env, VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: "mailto:it@gemeinde.at" })).toMatchObject({ publicKey: keys.publicKey });
  });

  it("subscribes a browser (public key, device label) and lists it for its owner only", async () => {
    const agent = await loginAs("agent");
    const other = await loginAs("agent");
    const state = await (await world.call("/api/push", { as: agent })).json<{ configured: boolean; publicKey: string }>();
    expect(state).toMatchObject({ configured: true, publicKey: world.keys.publicKey });
    const sub = await subscribe(agent);
    const mine = await (await world.call("/api/push", { as: agent })).json<{ subscriptions: { id: string; endpoint: string; label: string }[] }>();
    expect(mine.subscriptions).toEqual([expect.objectContaining({ id: sub.id, endpoint: sub.endpoint, label: "Chrome auf Android" })]);
    expect((await (await world.call("/api/push", { as: other })).json<{ subscriptions: unknown[] }>()).subscriptions).toEqual([]);
  });

  it("the same browser subscribing again updates its row; used by a colleague, it moves to them", async () => {
    const a = await loginAs("agent");
    const b = await loginAs("agent");
    const sub = await subscribe(a);
    const again = await world.call("/api/push/subscriptions", { as: a, body: { endpoint: sub.endpoint, keys: sub.keys } });
    expect((await again.json<{ subscription: { id: string } }>()).subscription.id).toBe(sub.id);
    await world.call("/api/push/subscriptions", { as: b, body: { endpoint: sub.endpoint, keys: sub.keys } });
    expect(await count("push_subscriptions")).toBe(1);
    expect(await count("push_subscriptions", `staff_id = '${b.staff.id}'`)).toBe(1);
  });

  it.each([
    ["plain http", "http://fcm.googleapis.com/fcm/send/abc"],
    ["not a URL", "fcm.googleapis.com/fcm/send/abc"],
    ["not a push service", "https://example.org/collect"],
    ["a look-alike host", "https://fcm.googleapis.com.evil.test/fcm/send/abc"],
    ["a port", "https://fcm.googleapis.com:8443/fcm/send/abc"],
    ["credentials in the URL", "https://user:pw@fcm.googleapis.com/fcm/send/abc"],
    ["too long", `https://fcm.googleapis.com/fcm/send/${"a".repeat(1000)}`],
  ])("refuses an endpoint that is %s, in German, without field names", async (_why, endpoint) => {
    const agent = await loginAs("agent");
    const { keys } = await push.subscribe();
    const res = await world.call("/api/push/subscriptions", { as: agent, body: { endpoint, keys } });
    expect(res.status).toBe(400);
    const { error } = await res.json<ErrorBody>();
    expect(error.message).toMatch(/^Dieser Browser hat keine gültige Adresse für Benachrichtigungen geliefert\./);
    expect(error.message).not.toMatch(/endpoint|https/i);
    expect(await count("push_subscriptions")).toBe(0);
  });

  it("refuses missing or wrong-sized browser keys, and a body without keys", async () => {
    const agent = await loginAs("agent");
    const sub = await push.subscribe();
    for (const keys of [{ p256dh: sub.keys.p256dh }, { p256dh: sub.keys.p256dh.slice(4), auth: sub.keys.auth }, { p256dh: sub.keys.p256dh, auth: "a+b/c" }, null]) {
      const res = await world.call("/api/push/subscriptions", { as: agent, body: { endpoint: sub.endpoint, keys } });
      expect(res.status).toBe(400);
      expect((await res.json<ErrorBody>()).error.message).toMatch(/Schlüssel des Browsers/);
    }
  });

  it("unsubscribes the own device only; someone else's or an unknown one is a 404", async () => {
    const a = await loginAs("agent");
    const b = await loginAs("agent");
    const sub = await subscribe(a);
    const foreign = await world.call(`/api/push/subscriptions/${sub.id}`, { as: b, method: "DELETE" });
    expect(foreign.status).toBe(404);
    expect((await foreign.json<ErrorBody>()).error.message).toMatch(/nicht \(mehr\) für Benachrichtigungen angemeldet/);
    expect((await world.call(`/api/push/subscriptions/${sub.id}`, { as: a, method: "DELETE" })).status).toBe(200);
    expect((await world.call(`/api/push/subscriptions/${sub.id}`, { as: a, method: "DELETE" })).status).toBe(404);
    expect(await count("push_subscriptions")).toBe(0);
  });

  it("settings are per person and validated", async () => {
    const a = await loginAs("agent");
    const res = await world.call("/api/push/settings", { as: a, method: "PUT", body: { assigned: false, newReports: true } });
    expect(await res.json()).toEqual({ settings: { assigned: false, newReports: true } });
    const bad = await world.call("/api/push/settings", { as: a, method: "PUT", body: { assigned: "ja", newReports: true } });
    expect(bad.status).toBe(400);
    expect((await bad.json<ErrorBody>()).error.message).toMatch(/Mir zugewiesen/);
    expect((await (await world.call("/api/push", { as: await loginAs("agent") })).json<{ settings: unknown }>()).settings).toEqual({ assigned: true, newReports: false });
  });

  it("'Test senden' goes through the queue to every own device", async () => {
    const a = await loginAs("agent");
    const none = await world.call("/api/push/test", { as: a, body: {} });
    expect(none.status).toBe(409);
    expect((await none.json<ErrorBody>()).error.message).toMatch(/Auf keinem Gerät/);
    const phone = await subscribe(a);
    const desk = await subscribe(a, "updates.push.services.mozilla.com");
    expect((await world.call("/api/push/test", { as: a, body: {} })).status).toBe(202);
    expect(push.received).toEqual([]); // never in the request path
    await world.runPushJobs();
    expect(titlesTo(phone)).toEqual(["Test: Benachrichtigungen sind an"]);
    expect(titlesTo(desk)).toEqual(["Test: Benachrichtigungen sind an"]);
  });
});

describe("who is told", () => {
  it("an assignment by someone else reaches the assignee only, with the citizen's name and a link", async () => {
    const lead = await loginAs("editor");
    const field = await loginAs("agent");
    const bystander = await loginAs("agent");
    const leadPhone = await subscribe(lead);
    const fieldPhone = await subscribe(field);
    const otherPhone = await subscribe(bystander);
    const c = await citizenWrites("Die Parkbank ist beschmiert", { name: "Maria Huber" });

    const res = await world.call(`/api/conversations/${c.conversationId}/assign`, { as: lead, body: { staffId: field.staff.id } });
    expect(res.status).toBe(200);
    expect((await res.json<{ conversation: { assignee: { id: string } | null } }>()).conversation.assignee).toMatchObject({ id: field.staff.id });
    expect(push.received).toEqual([]);
    await world.runPushJobs();

    expect(push.received).toEqual([
      {
        endpoint: fieldPhone.endpoint,
        data: { title: "Ihnen zugewiesen: Maria Huber", body: `Unterhaltung, von ${lead.staff.name}`, url: `/gespraeche/${c.conversationId}`, tag: `conversation-${c.conversationId}` },
        ttl: 86400,
        urgency: "normal",
      },
    ]);
    expect(titlesTo(leadPhone)).toEqual([]);
    expect(titlesTo(otherPhone)).toEqual([]);
  });

  it("assigning oneself, claiming, or assigning to whom already holds it tells nobody", async () => {
    const a = await loginAs("agent");
    const b = await loginAs("agent");
    await subscribe(a);
    await subscribe(b);
    const c = await citizenWrites("Hallo");
    expect((await world.call(`/api/conversations/${c.conversationId}/assign`, { as: a, body: { staffId: a.staff.id } })).status).toBe(200);
    const d = await citizenWrites("Noch eine Frage", { from: "436649999999", name: "Karl Gruber" });
    expect((await world.call(`/api/conversations/${d.conversationId}/claim`, { as: b, method: "POST" })).status).toBe(200);
    await world.runPushJobs();
    expect(push.received).toEqual([]);
    // Assigned to b by a: one notice; the same again changes nothing and tells nobody twice.
    await world.call(`/api/conversations/${c.conversationId}/assign`, { as: a, body: { staffId: b.staff.id } });
    await world.call(`/api/conversations/${c.conversationId}/assign`, { as: a, body: { staffId: b.staff.id } });
    expect(world.pushJobs()).toHaveLength(1);
  });

  it("a stale notice is dropped: reassigned before the job ran, or the assignee turned it off", async () => {
    // An admin may hand on what someone else holds (an editor only what is free or their own).
    const lead = await loginAs("admin");
    const a = await loginAs("agent");
    const b = await loginAs("agent");
    await subscribe(a);
    const bPhone = await subscribe(b);
    const c = await citizenWrites("Hallo");
    await world.call(`/api/conversations/${c.conversationId}/assign`, { as: lead, body: { staffId: a.staff.id } });
    await world.call(`/api/conversations/${c.conversationId}/assign`, { as: lead, body: { staffId: b.staff.id } });
    await world.call("/api/push/settings", { as: b, method: "PUT", body: { assigned: false, newReports: false } });
    await world.runPushJobs();
    expect(push.received).toEqual([]);
    expect(titlesTo(bPhone)).toEqual([]);
  });

  it("assigning to an unknown or disabled colleague, or a resolved conversation, is refused in German", async () => {
    const lead = await loginAs("editor");
    const gone = await loginAs("agent");
    await env.DB.prepare("UPDATE staff SET disabled = 1 WHERE id = ?").bind(gone.staff.id).run();
    const c = await citizenWrites("Hallo");
    for (const staffId of ["nobody", gone.staff.id]) {
      const res = await world.call(`/api/conversations/${c.conversationId}/assign`, { as: lead, body: { staffId } });
      expect(res.status).toBe(404);
      expect((await res.json<ErrorBody>()).error.message).toMatch(/keinen aktiven Zugang/);
    }
    const missing = await world.call(`/api/conversations/${c.conversationId}/assign`, { as: lead, body: {} });
    expect((await missing.json<ErrorBody>()).error.message).toMatch(/^Bitte eine Person aus dem Team wählen/);
    await world.call(`/api/conversations/${c.conversationId}/resolve`, { as: lead, method: "POST" });
    const resolved = await world.call(`/api/conversations/${c.conversationId}/assign`, { as: lead, body: { staffId: lead.staff.id } });
    expect(resolved.status).toBe(409);
  });

  it("a new report reaches those who want 'Neue Meldung' (high urgency), not the one who marked it", async () => {
    const marker = await loginAs("agent");
    const wants = await loginAs("agent");
    const doesNot = await loginAs("agent");
    await world.call("/api/push/settings", { as: marker, method: "PUT", body: { assigned: true, newReports: true } });
    await world.call("/api/push/settings", { as: wants, method: "PUT", body: { assigned: true, newReports: true } });
    const markerPhone = await subscribe(marker);
    const wantsPhone = await subscribe(wants);
    const wantsDesk = await subscribe(wants, "web.push.apple.com");
    const noPhone = await subscribe(doesNot);
    const c = await citizenWrites("Die Parkbank im Stadtpark ist beschmiert");

    const res = await world.call(`/api/conversations/${c.conversationId}/report`, { as: marker, method: "PATCH", body: { category: "Vandalismus", publicSummary: "Parkbank" } });
    expect(res.status).toBe(200);
    // Changing the report afterwards is not a new report.
    await world.call(`/api/conversations/${c.conversationId}/report`, { as: marker, method: "PATCH", body: { status: "in_bearbeitung" } });
    expect(world.pushJobs()).toHaveLength(1);
    await world.runPushJobs();

    expect(titlesTo(wantsPhone)).toEqual(["Neue Meldung: Vandalismus – Parkbank"]);
    expect(titlesTo(wantsDesk)).toEqual(["Neue Meldung: Vandalismus – Parkbank"]);
    expect(titlesTo(markerPhone)).toEqual([]);
    expect(titlesTo(noPhone)).toEqual([]);
    expect(push.received.every((r) => r.urgency === "high" && r.ttl === 21600 && r.data.url === `/gespraeche/${c.conversationId}`)).toBe(true);
    // Nothing of what the citizen wrote is in the payload.
    expect(JSON.stringify(push.received)).not.toMatch(/Stadtpark|beschmiert|4366/);
  });
});

describe("push service answers", () => {
  it("410 or 404 deletes that subscription; the others still get theirs", async () => {
    const lead = await loginAs("editor");
    const a = await loginAs("agent");
    const old = await subscribe(a);
    const lost = await subscribe(a);
    const current = await subscribe(a);
    push.unsubscribe(old.endpoint); // the browser dropped it: 410
    push.answerWith(lost.endpoint, { status: 404 });
    const c = await citizenWrites("Hallo");
    await world.call(`/api/conversations/${c.conversationId}/assign`, { as: lead, body: { staffId: a.staff.id } });
    const result = await world.runPushJobs();
    expect(result.explicitAcks).toHaveLength(1);
    expect(titlesTo(current)).toEqual(["Ihnen zugewiesen: Maria Huber"]);
    const left = await env.DB.prepare("SELECT id FROM push_subscriptions").all<{ id: string }>();
    expect(left.results.map((r) => r.id)).toEqual([current.id]);
    expect(world.pushJobs()).toEqual([]);
  });

  it("429 and 5xx are retried through the queue with backoff (Retry-After first), then given up", async () => {
    const lead = await loginAs("editor");
    const a = await loginAs("agent");
    const busy = await subscribe(a);
    const broken = await subscribe(a);
    push.answerWith(busy.endpoint, { status: 429, retryAfter: "120" });
    push.answerWith(broken.endpoint, { status: 503 }, { status: 500 }, { status: 502 }, { status: 500 }, { status: 500 });
    const c = await citizenWrites("Hallo");
    await world.call(`/api/conversations/${c.conversationId}/assign`, { as: lead, body: { staffId: a.staff.id } });
    await world.runPushJobs();
    expect(push.received).toEqual([]);
    const retries = world.pushJobs();
    expect(retries.map((j) => [j.body.type, j.body.subscriptionId, j.delaySeconds]).sort()).toEqual(
      [
        ["push.send", busy.id, 120],
        ["push.send", broken.id, 30],
      ].sort(),
    );
    // The queue redelivers each push.send: the busy one goes through, the broken one asks to wait longer.
    const [brokenJob] = retries.filter((j) => j.body.subscriptionId === broken.id);
    const second = await world.runPushJobs(1);
    expect(titlesTo(busy)).toEqual(["Ihnen zugewiesen: Maria Huber"]);
    expect(second.retryMessages).toHaveLength(1);
    const message = (brokenJob!.body as unknown as { message: PushMessage }).message;
    expect(await runPushSend(pushJobDeps(world.pushEnv), broken.id, message, 2)).toEqual({ retryAfterSeconds: 120 });
    expect(await count("push_subscriptions")).toBe(2);

    // On its last try the broken one is given up (acked, not sent to the dead-letter queue); the subscription stays.
    world.queued.push(brokenJob!);
    const last = await world.runPushJobs(MAX_PUSH_ATTEMPTS - 1);
    expect(last.retryMessages).toEqual([]);
    expect(last.explicitAcks).toHaveLength(1);
    expect(await count("push_subscriptions")).toBe(2);
    expect(push.received).toHaveLength(1);
  });

  it("many devices: at most 6 requests wait for headers at once", async () => {
    const marker = await loginAs("agent");
    const phones: BrowserSubscription[] = [];
    for (let i = 0; i < 4; i++) {
      const s = await loginAs("agent");
      await world.call("/api/push/settings", { as: s, method: "PUT", body: { assigned: true, newReports: true } });
      phones.push(await subscribe(s), await subscribe(s), await subscribe(s));
    }
    push.headersAfter(20);
    const c = await citizenWrites("Laterne kaputt");
    await world.call(`/api/conversations/${c.conversationId}/report`, { as: marker, method: "PATCH", body: { category: "Beleuchtung" } });
    await world.runPushJobs();
    expect(push.received).toHaveLength(12);
    expect(push.load.peak).toBe(6);
  });

  it("the fake push service is as strict as a real one: another key's signature, a foreign aud or a long exp are refused", async () => {
    const other = await vapidKeyPair();
    const endpoint = "https://fcm.googleapis.com/fcm/send/x";
    const now = Math.floor(Date.now() / 1000);
    const jwtFor = async (claims: Record<string, unknown>, privateKey: string, publicKey: string) => {
      const { sign } = await import("./helpers/jwt-sign");
      return `vapid t=${await sign(claims, privateKey, publicKey)}, k=${publicKey}`;
    };
    const good = { aud: "https://fcm.googleapis.com", exp: now + 3600, sub: "mailto:it@gemeinde.test" };
    expect(await vapidProblem(await jwtFor(good, world.keys.privateKey, world.keys.publicKey), endpoint, world.keys.publicKey)).toBeNull();
    expect(await vapidProblem(await jwtFor(good, other.privateKey, other.publicKey), endpoint, world.keys.publicKey)).toMatch(/not the server's public key/);
    // Signed by another key but claiming ours.
    const forged = (await jwtFor(good, other.privateKey, other.publicKey)).replace(other.publicKey, world.keys.publicKey);
    expect(await vapidProblem(forged, endpoint, world.keys.publicKey)).toBe("bad signature");
    expect(await vapidProblem(await jwtFor({ ...good, aud: "https://push.example" }, world.keys.privateKey, world.keys.publicKey), endpoint, world.keys.publicKey)).toMatch(/^aud/);
    expect(await vapidProblem(await jwtFor({ ...good, exp: now + 25 * 3600 }, world.keys.privateKey, world.keys.publicKey), endpoint, world.keys.publicKey)).toMatch(/^exp/);
  });
});
