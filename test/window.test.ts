import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { getDb } from "../worker/db/client";
import { getCustomerServiceWindow, isWindowOpen, WINDOW_MS } from "../worker/inbox/window";
import { postWebhook, textMessage } from "./helpers/meta";

describe("24-hour customer-service window", () => {
  it("is open for 24 hours after the citizen's last message, then closed", () => {
    const last = Date.UTC(2026, 10, 28, 8, 0);
    expect(isWindowOpen(last, last + WINDOW_MS - 1)).toBe(true);
    expect(isWindowOpen(last, last + WINDOW_MS)).toBe(false);
    expect(isWindowOpen(null)).toBe(false);
  });

  it("is tracked per citizen from the last inbound message, never moving back on an older redelivery", async () => {
    const recent = Math.floor(Date.now() / 1000) - 3600;
    await postWebhook(textMessage("neu", { timestamp: String(recent) }));
    await postWebhook(textMessage("alt, verspätet zugestellt", { timestamp: String(recent - 86400 * 2) }));
    const c = await env.DB.prepare("SELECT id, last_inbound_at FROM citizens").first<{ id: string; last_inbound_at: number }>();
    expect(c?.last_inbound_at).toBe(recent * 1000);
    const w = await getCustomerServiceWindow(getDb(env.DB), c!.id);
    expect(w).toEqual({ open: true, until: recent * 1000 + WINDOW_MS });
  });

  it("counts from the message's timestamp, not the webhook's arrival; a timestamp from the future counts as now", async () => {
    const future = Math.floor(Date.now() / 1000) + 5 * 3600;
    const before = Date.now();
    await postWebhook(textMessage("Uhr falsch", { timestamp: String(future) }));
    const c = await env.DB.prepare("SELECT last_inbound_at FROM citizens").first<{ last_inbound_at: number }>();
    expect(c!.last_inbound_at).toBeGreaterThanOrEqual(before);
    expect(c!.last_inbound_at).toBeLessThan(future * 1000);
  });

  it("is closed for a citizen who last wrote two days ago", async () => {
    const old = Math.floor(Date.now() / 1000) - 86400 * 2;
    await postWebhook(textMessage("alt", { timestamp: String(old) }));
    const c = await env.DB.prepare("SELECT id FROM citizens").first<{ id: string }>();
    expect((await getCustomerServiceWindow(getDb(env.DB), c!.id)).open).toBe(false);
  });
});
