import { env } from "cloudflare:workers";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { STOP_CONFIRMATION } from "../worker/citizens/replies";
import { activeChannels, citizenIdOf, incomingText, runInboundJob, seedChannels } from "./helpers/citizens";
import { api, loginAs } from "./helpers/auth";
import { installFakeGraph, type FakeGraph } from "./helpers/fake-graph";

type ErrorBody = { error: { code: string; message: string; details?: Record<string, unknown> } };

let graph: FakeGraph;
beforeEach(async () => {
  graph = installFakeGraph();
  await seedChannels();
});
afterEach(() => graph.restore());

const FROM = "436641239999";
const sec = (ms: number) => String(Math.floor(ms / 1000));
/** A time WhatsApp can carry (whole seconds). */
const whole = (ms: number) => Math.floor(ms / 1000) * 1000;

async function subscribedThenStopped(stopAt: number): Promise<string> {
  await runInboundJob(await incomingText("ANMELDEN", { from: FROM, timestamp: sec(stopAt - 3_600_000) }));
  await runInboundJob(await incomingText("STOP", { from: FROM, timestamp: sec(stopAt) }));
  return citizenIdOf(FROM);
}

describe("STOP", () => {
  it("is confirmed with exactly what it means: no newsletters and alerts, answers still come", async () => {
    const stopAt = Date.now() - 60_000;
    await subscribedThenStopped(stopAt);
    const last = graph.messages().at(-1)?.body as { text?: { body?: string } };
    expect(last.text?.body).toContain(STOP_CONFIRMATION.de);
    expect(STOP_CONFIRMATION.de).toMatch(/keine Newsletter und Warnungen/);
    expect(STOP_CONFIRMATION.de).toMatch(/Antworten auf Ihre eigenen Fragen und Meldungen/);
    expect(STOP_CONFIRMATION.en).toMatch(/answers to your own questions and reports/);
  });

  it("answers to the citizen's own question stay allowed after STOP", async () => {
    const agent = await loginAs("agent");
    await subscribedThenStopped(Date.now() - 60_000);
    const conv = await env.DB.prepare("SELECT id FROM conversations ORDER BY created_at DESC LIMIT 1").first<{ id: string }>();
    await env.DB.prepare("UPDATE conversations SET status = 'open' WHERE id = ?").bind(conv?.id).run();
    const res = await api(`/api/conversations/${conv?.id}/messages`, { as: agent, body: { text: "Ihre Frage zum Reisepass: ja, das gilt auch." } });
    expect(res.status).toBe(201);
  });
});

describe("staff re-subscribing someone who sent STOP", () => {
  it("is refused (409, German) without the citizen's new request", async () => {
    const editor = await loginAs("editor");
    const citizenId = await subscribedThenStopped(Date.now() - 60_000);
    const res = await api(`/api/subscribers/${citizenId}/subscriptions`, { as: editor, body: { subscribe: ["ch_newsletter"] } });
    expect(res.status).toBe(409);
    const err = await res.json<ErrorBody>();
    expect(err.error.code).toBe("citizen_stopped");
    expect(err.error.message).toMatch(/STOP gesendet.*wann und warum/);
    expect(await activeChannels(citizenId)).toEqual([]);
  });

  it("works with the request time and a reason, recorded in the consent log", async () => {
    const editor = await loginAs("editor");
    const stopAt = whole(Date.now() - 3_600_000);
    const citizenId = await subscribedThenStopped(stopAt);
    const requestedAt = stopAt + 1_800_000;
    const res = await api(`/api/subscribers/${citizenId}/subscriptions`, {
      as: editor,
      body: { subscribe: ["ch_newsletter"], citizenRequest: { reason: "Hat am Schalter um die Anmeldung gebeten", citizenRequestedAt: requestedAt } },
    });
    expect(res.status).toBe(200);
    expect(await activeChannels(citizenId)).toEqual(["ch_newsletter"]);
    const ev = await env.DB.prepare("SELECT action, source, staff_id, acted_at, reason, superseded FROM consent_events WHERE citizen_id = ? ORDER BY id DESC LIMIT 1")
      .bind(citizenId)
      .first();
    expect(ev).toEqual({ action: "subscribe", source: "staff", staff_id: editor.staff.id, acted_at: requestedAt, reason: "Hat am Schalter um die Anmeldung gebeten", superseded: 0 });
    // The reason cannot be changed afterwards (the log is append-only).
    await expect(env.DB.prepare("UPDATE consent_events SET reason = 'anders' WHERE citizen_id = ?").bind(citizenId).run()).rejects.toThrow(/append-only/);
    // Now the latest action is the new subscription: no request needed any more.
    const again = await api(`/api/subscribers/${citizenId}/subscriptions`, { as: editor, body: { subscribe: ["ch_events"] } });
    expect(again.status).toBe(200);
  });

  it("refuses a request older than the STOP, one in the future, and an empty reason", async () => {
    const editor = await loginAs("editor");
    const stopAt = whole(Date.now() - 3_600_000);
    const citizenId = await subscribedThenStopped(stopAt);
    const cases: [unknown, number, string][] = [
      [{ reason: "Anruf am Telefon", citizenRequestedAt: stopAt - 1 }, 409, "request_before_stop"],
      [{ reason: "Anruf am Telefon", citizenRequestedAt: Date.now() + 86_400_000 }, 400, "request_in_future"],
      [{ reason: "  ", citizenRequestedAt: stopAt + 1 }, 400, "reason_required"],
      [{ reason: "Anruf", citizenRequestedAt: "gestern" }, 400, "bad_request"],
    ];
    for (const [citizenRequest, status, code] of cases) {
      const res = await api(`/api/subscribers/${citizenId}/subscriptions`, { as: editor, body: { subscribe: ["ch_newsletter"], citizenRequest } });
      expect(res.status).toBe(status);
      expect((await res.json<ErrorBody>()).error.code).toBe(code);
    }
    expect(await activeChannels(citizenId)).toEqual([]);
  });

  it("after the citizen subscribed again themselves, staff need no request", async () => {
    const editor = await loginAs("editor");
    const stopAt = whole(Date.now() - 3_600_000);
    const citizenId = await subscribedThenStopped(stopAt);
    await runInboundJob(await incomingText("ANMELDEN", { from: FROM, timestamp: sec(stopAt + 60_000) }));
    const res = await api(`/api/subscribers/${citizenId}/subscriptions`, { as: editor, body: { subscribe: ["ch_events"] } });
    expect(res.status).toBe(200);
  });

  it("a STOP that arrives late (older than a newer sign-up) does not block", async () => {
    const editor = await loginAs("editor");
    const t0 = whole(Date.now() - 3_600_000);
    await runInboundJob(await incomingText("ANMELDEN", { from: FROM, timestamp: sec(t0 + 60_000) }));
    await runInboundJob(await incomingText("STOP", { from: FROM, timestamp: sec(t0) }));
    const citizenId = await citizenIdOf(FROM);
    const res = await api(`/api/subscribers/${citizenId}/subscriptions`, { as: editor, body: { subscribe: ["ch_events"] } });
    expect(res.status).toBe(200);
  });
});
