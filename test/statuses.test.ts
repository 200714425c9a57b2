import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { envelope, postWebhook, statusValue, textMessage, ts } from "./helpers/meta";

const OUT_WAMID = "wamid.HBgLNDM2NjQxMjM0NTY3FQIAERgSQjA5OEI4OUQ0QTgzOUYwQzE2AA==";

async function outboundMessage(status = "sent", wamid: string | null = OUT_WAMID) {
  await postWebhook(textMessage("Hallo Gemeinde"));
  const conv = await env.DB.prepare("SELECT id, citizen_id FROM conversations").first<{ id: string; citizen_id: string }>();
  await env.DB.prepare(
    "INSERT INTO messages (id, conversation_id, citizen_id, direction, wamid, type, text, status, sent_at) VALUES ('out1', ?, ?, 'out', ?, 'text', 'Grüß Gott', ?, ?)",
  )
    .bind(conv!.id, conv!.citizen_id, wamid, status, Date.now())
    .run();
}

const status = (s: string, extra: Record<string, unknown> = {}) => ({
  id: OUT_WAMID,
  status: s,
  timestamp: ts(),
  recipient_id: "436641234567",
  conversation: { id: "CONVERSATION_ID", origin: { type: "service" } },
  pricing: { billable: false, pricing_model: "PMP", category: "service", type: "free_customer_service" },
  ...extra,
});

const current = async () =>
  env.DB.prepare("SELECT status, error_code, error_title, wamid FROM messages WHERE id = 'out1'").first<{
    status: string;
    error_code: number | null;
    error_title: string | null;
    wamid: string | null;
  }>();

describe("status webhooks", () => {
  beforeEach(async () => {
    await outboundMessage();
  });

  it("moves forward: sent → delivered → read", async () => {
    await postWebhook(envelope(statusValue([status("delivered")])));
    expect((await current())?.status).toBe("delivered");
    await postWebhook(envelope(statusValue([status("read")])));
    expect((await current())?.status).toBe("read");
  });

  it("never moves backwards when statuses arrive out of order", async () => {
    await postWebhook(envelope(statusValue([status("read")])));
    await postWebhook(envelope(statusValue([status("delivered")])));
    await postWebhook(envelope(statusValue([status("sent")])));
    expect((await current())?.status).toBe("read");
  });

  it("a duplicate status is a no-op", async () => {
    const body = envelope(statusValue([status("delivered")]));
    const first = await postWebhook(body);
    expect(await first.json()).toMatchObject({ statuses: 1 });
    const second = await postWebhook(body);
    expect(await second.json()).toMatchObject({ statuses: 0 });
    expect((await current())?.status).toBe("delivered");
  });

  it("failed records the error code and details", async () => {
    await postWebhook(
      envelope(
        statusValue([
          status("failed", {
            errors: [
              {
                code: 131047,
                title: "Re-engagement message",
                message: "Re-engagement message",
                error_data: { details: "Message failed to send because more than 24 hours have passed since the customer last replied to this number." },
              },
            ],
          }),
        ]),
      ),
    );
    const row = await current();
    expect(row?.status).toBe("failed");
    expect(row?.error_code).toBe(131047);
    expect(row?.error_title).toContain("24 hours");
  });

  it("a late 'failed' does not undo a delivery, and a late 'delivered' does not undo a failure", async () => {
    await postWebhook(envelope(statusValue([status("delivered")])));
    await postWebhook(envelope(statusValue([status("failed", { errors: [{ code: 131026, title: "x" }] })])));
    expect((await current())?.status).toBe("delivered");
  });

  it("several statuses in one payload are applied in order", async () => {
    await postWebhook(envelope(statusValue([status("delivered"), status("read")])));
    expect((await current())?.status).toBe("read");
  });

  it("statuses for unknown wamids are ignored (200)", async () => {
    const res = await postWebhook(envelope(statusValue([{ ...status("read"), id: "wamid.unknown" }])));
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ statuses: 0 });
  });
});

describe("matching a status by callback data", () => {
  it("finds a message whose wamid was not recorded yet (crash between send and record)", async () => {
    await outboundMessage("pending", null);
    await postWebhook(envelope(statusValue([status("sent", { biz_opaque_callback_data: "m:out1" })])));
    expect(await current()).toMatchObject({ status: "sent", wamid: OUT_WAMID });
  });
});

describe("broadcast recipients", () => {
  it("status webhooks update the recipient, forward only", async () => {
    await postWebhook(textMessage("Hallo"));
    const citizen = await env.DB.prepare("SELECT id FROM citizens").first<{ id: string }>();
    await env.DB.batch([
      env.DB.prepare("INSERT INTO broadcasts (id, title, kind, text, channel_ids, status) VALUES ('b1', 'Newsletter', 'newsletter', 'x', '[]', 'sending')"),
      env.DB.prepare("INSERT INTO broadcast_recipients (broadcast_id, citizen_id, status, wamid) VALUES ('b1', ?, 'sent', 'wamid.b1')").bind(citizen!.id),
    ]);
    const st = (s: string) => ({ id: "wamid.b1", status: s, timestamp: ts(), recipient_id: "436641234567", biz_opaque_callback_data: `b:b1:${citizen!.id}` });
    await postWebhook(envelope(statusValue([st("read")])));
    await postWebhook(envelope(statusValue([st("delivered")])));
    const row = await env.DB.prepare("SELECT status, delivered_at, read_at FROM broadcast_recipients").first<{ status: string; delivered_at: number; read_at: number }>();
    expect(row?.status).toBe("read");
    expect(row?.read_at).toBeGreaterThan(0);
    expect(row?.delivered_at).toBeGreaterThan(0);
  });
});

describe("a webhook with the statuses of many broadcast recipients (applied in one statement)", () => {
  it("applies each forward only, keeps a late status of the content off the template, and leaves others alone", async () => {
    await postWebhook(textMessage("Hallo"));
    const citizen = await env.DB.prepare("SELECT id FROM citizens").first<{ id: string }>();
    const ids = ["x1", "x2", "x3", "x4"];
    await env.DB.batch([
      env.DB.prepare("INSERT INTO broadcasts (id, title, kind, text, channel_ids, status) VALUES ('b2', 'Newsletter', 'newsletter', 'x', '[]', 'sending')"),
      ...ids.map((id) => env.DB.prepare("INSERT INTO citizens (id, wa_id, name) VALUES (?, ?, ?)").bind(id, `43660${id}`, id)),
      // x1 was sent (answer recorded), x2 already read, x3 fell back to the template (the content's status is late), x4 lost its answer.
      env.DB.prepare("INSERT INTO broadcast_recipients (broadcast_id, citizen_id, status, wamid, via) VALUES ('b2', 'x1', 'sent', 'wamid.x1', 'content')"),
      env.DB.prepare("INSERT INTO broadcast_recipients (broadcast_id, citizen_id, status, wamid, via, read_at) VALUES ('b2', 'x2', 'read', 'wamid.x2', 'content', 5)"),
      env.DB.prepare("INSERT INTO broadcast_recipients (broadcast_id, citizen_id, status, wamid, via) VALUES ('b2', 'x3', 'sending', NULL, 'template')"),
      env.DB.prepare("INSERT INTO broadcast_recipients (broadcast_id, citizen_id, status, wamid, via, sending_since) VALUES ('b2', 'x4', 'unconfirmed', NULL, 'content', 1)"),
      // Not in the webhook: must stay as it is.
      env.DB.prepare("INSERT INTO broadcast_recipients (broadcast_id, citizen_id, status, wamid, via) VALUES ('b2', ?, 'sent', 'wamid.other', 'content')").bind(citizen!.id),
    ]);
    const st = (id: string, s: string, via: "c" | "t") => ({ id: `wamid.${id}`, status: s, timestamp: ts(), recipient_id: `43660${id}`, biz_opaque_callback_data: `b:b2:${id}:${via}` });
    const res = await postWebhook(envelope(statusValue([st("x1", "delivered", "c"), st("x2", "delivered", "c"), st("x3", "read", "c"), st("x4", "sent", "c")])));
    expect(res.status).toBe(200);
    const rows = await env.DB.prepare("SELECT citizen_id, status, wamid, delivered_at IS NOT NULL AS delivered, read_at, sending_since FROM broadcast_recipients ORDER BY citizen_id").all<{
      citizen_id: string;
      status: string;
      wamid: string | null;
      delivered: number;
      read_at: number | null;
      sending_since: number | null;
    }>();
    const by = new Map(rows.results.map((r) => [r.citizen_id, r]));
    expect(by.get("x1")).toMatchObject({ status: "delivered", wamid: "wamid.x1", delivered: 1 });
    expect(by.get("x2")).toMatchObject({ status: "read", read_at: 5 }); // never backwards
    expect(by.get("x3")).toMatchObject({ status: "sending", wamid: null }); // the content's status is not the template's
    expect(by.get("x4")).toMatchObject({ status: "sent", wamid: "wamid.x4", sending_since: null }); // the lost answer settled
    expect(by.get(citizen!.id)).toMatchObject({ status: "sent", wamid: "wamid.other" });
  });
});
