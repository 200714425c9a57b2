import { describe, expect, it } from "vitest";
import { getDb } from "../worker/db/client";
import { raiseAdminAlert } from "../worker/alerts/admin-alerts";
import { env } from "cloudflare:workers";
import { api, loginAs } from "./helpers/auth";
import { count } from "./helpers/db";

describe("admin alerts API", () => {
  it("lists open alerts for admins and acknowledges them", async () => {
    const admin = await loginAs("admin");
    await raiseAdminAlert(getDb(env.DB), "whatsapp_token");
    await raiseAdminAlert(getDb(env.DB), "whatsapp_token");
    expect(await count("admin_alerts")).toBe(1);
    const list = await api("/api/alerts", { as: admin });
    expect(list.status).toBe(200);
    const { alerts } = await list.json<{ alerts: { id: number; kind: string; message: string }[] }>();
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.message).toContain("WHATSAPP_ACCESS_TOKEN");
    const ack = await api(`/api/alerts/${alerts[0]!.id}/ack`, { as: admin, method: "POST" });
    expect(ack.status).toBe(200);
    expect((await (await api("/api/alerts", { as: admin })).json<{ alerts: unknown[] }>()).alerts).toEqual([]);
    // A new occurrence after acknowledging opens a new alert.
    await raiseAdminAlert(getDb(env.DB), "whatsapp_token");
    expect(await count("admin_alerts", "acknowledged_at IS NULL")).toBe(1);
  });

  it("refuses non-admins, unknown ids and bad ids", async () => {
    const editor = await loginAs("editor");
    expect((await api("/api/alerts", { as: editor })).status).toBe(403);
    expect((await api("/api/alerts")).status).toBe(401);
    const admin = await loginAs("admin");
    expect((await api("/api/alerts/999/ack", { as: admin, method: "POST" })).status).toBe(404);
    const bad = await api("/api/alerts/abc/ack", { as: admin, method: "POST" });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "bad_request" } });
  });
});
