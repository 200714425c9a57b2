// Citizens who have not written (subscribers from the widget, or nobody), for outreach tests.
import { env } from "cloudflare:workers";
import { seedChannels } from "./citizens";

let n = 0;

/** A citizen row without messages; `subscribed` adds an active Newsletter subscription. */
export async function quietCitizen(o: { waId?: string; name?: string; subscribed?: boolean; lastInboundAt?: number | null } = {}): Promise<string> {
  const id = `qc${(++n).toString(36)}${Math.random().toString(36).slice(2, 8)}`;
  const waId = o.waId ?? `43660${String(1000000 + n)}`;
  await env.DB.prepare("INSERT INTO citizens (id, wa_id, name, last_inbound_at) VALUES (?, ?, ?, ?)")
    .bind(id, waId, o.name ?? "Anna Berger", o.lastInboundAt ?? null)
    .run();
  if (o.subscribed) {
    const ch = await env.DB.prepare("SELECT id FROM channels WHERE id = 'ch_newsletter'").first();
    if (!ch) await seedChannels();
    await env.DB.prepare("INSERT INTO subscriptions (citizen_id, channel_id, active, consent_at) VALUES (?, 'ch_newsletter', 1, ?)")
      .bind(id, Date.now() - 86_400_000)
      .run();
  }
  return id;
}
