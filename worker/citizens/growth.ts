// Subscriber growth per channel per day (Europe/Vienna days), computed from the consent log:
// every subscribe adds one, every unsubscribe/STOP/erasure removes one (superseded events changed nothing). The log is complete, so the
// running total at the end of each day is exact; events before the window give the starting total.
import { sql } from "drizzle-orm";
import type { Db } from "../db/client";
import type { SubscriberGrowth } from "../shared/wire-types";
import { listChannels } from "./channels";
import { dayInVienna } from "./retention";

const HOUR_MS = 60 * 60 * 1000;

/** The last `days` Vienna days up to and including today, oldest first ("2026-11-28"). */
export function lastDays(days: number, now: number): string[] {
  const [y, m, d] = dayInVienna(now).split("-").map(Number);
  const out: string[] = [];
  for (let i = days - 1; i >= 0; i--) {
    // Calendar arithmetic in UTC: no time zone can shift a date here.
    out.push(new Date(Date.UTC(y ?? 1970, (m ?? 1) - 1, (d ?? 1) - i)).toISOString().slice(0, 10));
  }
  return out;
}

export async function subscriberGrowth(db: Db, days: number, now = Date.now()): Promise<SubscriberGrowth> {
  const window = lastDays(days, now);
  const first = window[0] ?? dayInVienna(now);
  // Hour buckets: Vienna's UTC offset only changes on the hour, so each bucket lies in one Vienna day.
  const rows = await db.all<{ channel_id: string; hour: number; joined: number; gone: number }>(sql`
    SELECT channel_id, CAST(created_at / ${sql.raw(String(HOUR_MS))} AS INTEGER) AS hour,
      sum(CASE WHEN action = 'subscribe' THEN 1 ELSE 0 END) AS joined,
      sum(CASE WHEN action <> 'subscribe' THEN 1 ELSE 0 END) AS gone
    FROM consent_events WHERE channel_id IS NOT NULL AND superseded = 0
    GROUP BY channel_id, hour`);
  const channels = await listChannels(db, { includeArchived: true });
  return {
    days: window,
    channels: channels.map((ch) => {
      let before = 0;
      const perDay = new Map<string, { joined: number; left: number }>();
      for (const r of rows) {
        if (r.channel_id !== ch.id) continue;
        const day = dayInVienna(r.hour * HOUR_MS);
        if (day < first) {
          before += r.joined - r.gone;
          continue;
        }
        const slot = perDay.get(day) ?? { joined: 0, left: 0 };
        slot.joined += r.joined;
        slot.left += r.gone;
        perDay.set(day, slot);
      }
      let total = before;
      const points = window.map((day) => {
        const slot = perDay.get(day) ?? { joined: 0, left: 0 };
        total += slot.joined - slot.left;
        return { day, total, ...slot };
      });
      return { id: ch.id, name: ch.name, archived: ch.archived, points };
    }),
  };
}
