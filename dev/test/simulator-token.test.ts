// The simulator's "access token expired" switch (POST /__dev/api/access-token): every fake Graph
// call then fails with error 190 as at Meta, so the admin alert can be tried end to end locally.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { api, loginAs } from "../../test/helpers/auth";
import { count } from "../../test/helpers/db";
import { citizenWrites } from "../../test/helpers/inbox";
import { dev, graphPost, PHONE_ID, simClient, TOKEN, useSimulator } from "./helpers";
import { GraphApiError } from "../../worker/whatsapp";

interface GraphErrorJson {
  error: { message: string; type: string; code: number; error_subcode?: number };
}

const setExpired = (body: unknown, headers: Record<string, string> = {}) =>
  dev("/__dev/api/access-token", { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

const sendText = () =>
  graphPost(`/${PHONE_ID}/messages`, { messaging_product: "whatsapp", to: "436641110001", type: "text", text: { body: "Grüß Gott!" } });

beforeEach(useSimulator);
afterEach(() => vi.restoreAllMocks());

describe("simulator: expiring the access token", () => {
  it("makes every Graph call answer 190 (subcode 463) until it is valid again", async () => {
    expect(await (await dev("/__dev/api/access-token")).json()).toEqual({ expired: false });
    expect((await sendText()).status).toBe(200);

    const res = await setExpired({ expired: true });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ expired: true });
    expect(await (await dev("/__dev/api/access-token")).json()).toEqual({ expired: true });

    const refused = await sendText();
    expect(refused.status).toBe(401);
    expect((await refused.json<GraphErrorJson>()).error).toMatchObject({ code: 190, error_subcode: 463, type: "OAuthException" });
    const templates = await dev("/__dev/graph/v23.0/102290129340398/message_templates", { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(templates.status).toBe(401);
    const err = await simClient().sendText({ waId: "436641110001" }, "Hallo").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GraphApiError);
    expect((err as GraphApiError).kind).toBe("auth");

    await setExpired({ expired: false });
    expect((await sendText()).status).toBe(200);
  });

  it("is cleared by the simulator reset", async () => {
    await setExpired({ expired: true });
    expect((await dev("/__dev/api/reset", { method: "POST" })).status).toBe(200);
    expect(await (await dev("/__dev/api/access-token")).json()).toEqual({ expired: false });
  });

  it("a staff reply then fails with the reason and raises the admin alert once", async () => {
    const agent = await loginAs("agent");
    const admin = await loginAs("admin");
    const c = await citizenWrites("Wann wird der Müll abgeholt?");
    await setExpired({ expired: true });
    for (const text of ["Am Dienstag.", "Am Dienstag ab 7 Uhr."]) {
      const res = await api(`/api/conversations/${c.conversationId}/messages`, { as: agent, body: { text } });
      expect(res.status).toBe(201);
      const { message } = await res.json<{ message: { status: string; errorCode: number | null; errorReason: string | null } }>();
      expect(message).toMatchObject({ status: "failed", errorCode: 190 });
      expect(message.errorReason).toBeTruthy();
    }
    expect(await count("admin_alerts", "acknowledged_at IS NULL")).toBe(1);
    const { alerts } = await (await api("/api/alerts", { as: admin })).json<{ alerts: { kind: string }[] }>();
    expect(alerts.map((a) => a.kind)).toEqual(["whatsapp_token"]);
  });

  it("refuses bad bodies and other sites' pages", async () => {
    for (const body of [{}, { expired: "yes" }, { expired: true, extra: 1 }, null]) {
      const res = await setExpired(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect((await res.json<{ error: { code: string } }>()).error.code).toBe("bad_request");
    }
    const invalidJson = await dev("/__dev/api/access-token", { method: "POST", body: "{nope" });
    expect(invalidJson.status).toBe(400);
    expect((await setExpired({ expired: true }, { origin: "https://evil.test" })).status).toBe(403);
    expect(await (await dev("/__dev/api/access-token")).json()).toEqual({ expired: false });
  });
});
