// Who gets what (WhatsApp's rules, see docs/broadcasts-whatsapp-rules.md): free-form content only
// reaches a citizen within 24 hours of their last message (by its WhatsApp timestamp); everyone else
// needs an approved template. The choice is made per recipient when it is claimed for sending
// (recipients.ts uses viaSql), so a citizen who writes in between gets the content.
import { sql, type SQL } from "drizzle-orm";
import { TEASER_PREFIX } from "../citizens/process-inbound";
import { activeSubscribersQuery } from "../citizens/subscriptions";
import type { Db } from "../db/client";
import { WINDOW_MS } from "../inbox/window";
import { RuleViolation } from "../shared/errors";
import type { BroadcastDelivery } from "./schemas";
import type { TemplateRef } from "../templates/schema";

/**
 * A window closing within this margin counts as closed: the send reaches WhatsApp a moment later,
 * and a template is certain where free-form would fail with 131047 (and need the fallback).
 */
export const WINDOW_MARGIN_MS = 60_000;

/** The quick-reply payload of a teaser template: a tap names the broadcast (handled by the inbound job). */
export { TEASER_PREFIX };
export const teaserPayload = (broadcastId: string) => `${TEASER_PREFIX}${broadcastId}`;
export function parseTeaserPayload(payload: string | null | undefined): string | null {
  if (!payload?.startsWith(TEASER_PREFIX)) return null;
  const id = payload.slice(TEASER_PREFIX.length);
  return /^[0-9a-z]{1,40}$/.test(id) ? id : null;
}

/** SQL: 1 when the citizen (column expression) is inside the window at `now` (with the margin). */
export function insideWindowSql(lastInboundAt: SQL, now: number): SQL {
  return sql`(coalesce(${lastInboundAt}, 0) > ${now - WINDOW_MS + WINDOW_MARGIN_MS})`;
}

/**
 * SQL choosing "content" or "template" for one recipient row of broadcast `b` (alias of broadcasts)
 * and citizen last-inbound expression. A recipient who already fell back gets the template.
 */
export function viaSql(b: { template: SQL; delivery: SQL }, fallbackAt: SQL, lastInboundAt: SQL, now: number): SQL {
  return sql`CASE
    WHEN ${b.template} IS NULL THEN 'content'
    WHEN ${b.delivery} = 'template' OR ${fallbackAt} IS NOT NULL THEN 'template'
    WHEN ${insideWindowSql(lastInboundAt, now)} THEN 'content'
    ELSE 'template' END`;
}

export interface WindowSplit {
  insideWindow: number;
  outsideWindow: number;
}

/** Active subscribers of the channels inside and outside the 24-hour window right now. */
export async function windowSplit(db: Db, channelIds: string[], now = Date.now()): Promise<WindowSplit> {
  const row = await db.get<{ inside: number | null; total: number }>(sql`
    SELECT sum(${insideWindowSql(sql`c.last_inbound_at`, now)}) AS inside, count(*) AS total
    FROM (${activeSubscribersQuery(channelIds)}) a JOIN citizens c ON c.id = a.citizen_id`);
  const total = Number(row?.total ?? 0);
  const inside = Number(row?.inside ?? 0);
  return { insideWindow: inside, outsideWindow: total - inside };
}

/** How many recipients get the template under this delivery. */
export function templateMessagesFor(delivery: BroadcastDelivery, split: WindowSplit): number {
  return delivery === "template" ? split.insideWindow + split.outsideWindow : split.outsideWindow;
}

const fmt = (n: number) => n.toLocaleString("de-AT");

/**
 * Refuses to start what WhatsApp would not deliver: `auto` with someone outside the window and no
 * template, or `template`/`teaser` without one (422 template_required, with the numbers).
 */
export async function checkStartable(
  db: Db,
  b: { channelIds: string[]; delivery: BroadcastDelivery; template: TemplateRef | null },
  now = Date.now(),
): Promise<void> {
  // With a template every recipient can be reached: no need to count the audience (a scan of all of it).
  if (b.template) return;
  const split = await windowSplit(db, b.channelIds, now);
  if (b.delivery !== "auto") {
    throw new RuleViolation(
      "template_required",
      b.delivery === "teaser"
        ? "Für „Weiterlesen“ braucht die Aussendung eine genehmigte Vorlage mit der Schaltfläche „Weiterlesen“"
        : "Für den Versand als Vorlage bitte eine genehmigte Vorlage wählen",
      { ...split },
    );
  }
  if (split.outsideWindow > 0) {
    throw new RuleViolation(
      "template_required",
      `${fmt(split.outsideWindow)} von ${fmt(split.insideWindow + split.outsideWindow)} Empfängern haben seit über 24 Stunden nicht geschrieben – ` +
        "WhatsApp stellt ihnen freien Text nicht zu. Bitte eine genehmigte Vorlage wählen (oder „Weiterlesen“).",
      { ...split },
    );
  }
}
