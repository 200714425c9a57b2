// What a staff notice becomes: who gets it and the short German text on their lock screen. Read when
// the job runs, so a notice about something already changed (reassigned, no longer a report) is dropped.
// The payload holds no more than the citizen's name or the report's category (docs/staff-app.md).
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { citizens, conversations, staff } from "../db/schema";
import type { StaffNotice } from "../shared/staff-notice";
import { getSettings, subscriptionsForNewReports, subscriptionsOfStaff, type StoredSubscription } from "./store";

/** What the service worker shows (inbox-ui/pwa/sw.js reads exactly these fields). */
export interface PushNotification {
  title: string;
  body: string;
  /** Path in the staff app that a tap opens. */
  url: string;
  /** Same tag → the newer notification replaces the older one on the device. */
  tag: string;
}

export interface PushDelivery {
  subscriptions: StoredSubscription[];
  notification: PushNotification;
  urgency: "normal" | "high";
  /** Seconds the push service keeps it for an offline device. */
  ttl: number;
}

const conversationUrl = (id: string) => `/gespraeche/${encodeURIComponent(id)}`;
const short = (s: string, max = 60) => (s.length > max ? `${s.slice(0, max - 1)}…` : s);

async function conversationFacts(db: Db, id: string) {
  return db
    .select({
      assigneeId: conversations.assigneeId,
      status: conversations.status,
      reportCategory: conversations.reportCategory,
      reportStatus: conversations.reportStatus,
      publicSummary: conversations.reportPublicSummary,
      citizenName: citizens.name,
    })
    .from(conversations)
    .innerJoin(citizens, eq(citizens.id, conversations.citizenId))
    .where(eq(conversations.id, id))
    .get();
}

export async function deliveryFor(db: Db, notice: StaffNotice): Promise<PushDelivery | null> {
  switch (notice.kind) {
    case "test": {
      const subscriptions = await subscriptionsOfStaff(db, notice.staffId);
      return {
        subscriptions,
        notification: { title: "Test: Benachrichtigungen sind an", body: "So sehen Benachrichtigungen von townwire auf diesem Gerät aus.", url: "/", tag: "test" },
        urgency: "normal",
        ttl: 60 * 60,
      };
    }
    case "assigned": {
      // Own claims are not news; a later reassignment makes this one stale.
      if (notice.assigneeId === notice.byStaffId) return null;
      const facts = await conversationFacts(db, notice.conversationId);
      if (!facts || facts.assigneeId !== notice.assigneeId || facts.status !== "open") return null;
      if (!(await getSettings(db, notice.assigneeId)).assigned) return null;
      const by = await db.select({ name: staff.name }).from(staff).where(eq(staff.id, notice.byStaffId)).get();
      const what = facts.reportCategory ? `Meldung „${short(facts.reportCategory, 40)}“` : "Unterhaltung";
      return {
        subscriptions: await subscriptionsOfStaff(db, notice.assigneeId),
        notification: {
          title: `Ihnen zugewiesen: ${short(facts.citizenName?.trim() || "ohne Namen")}`,
          body: by ? `${what}, von ${short(by.name, 40)}` : what,
          url: conversationUrl(notice.conversationId),
          tag: `conversation-${notice.conversationId}`,
        },
        urgency: "normal",
        ttl: 24 * 60 * 60,
      };
    }
    case "report": {
      const facts = await conversationFacts(db, notice.conversationId);
      if (!facts?.reportCategory || facts.reportStatus === null) return null;
      // The staff-written public summary is meant for everyone; the citizen's own words never go out.
      const title = `Neue Meldung: ${short(facts.reportCategory, 40)}${facts.publicSummary ? ` – ${short(facts.publicSummary, 40)}` : ""}`;
      return {
        subscriptions: await subscriptionsForNewReports(db, notice.byStaffId),
        notification: { title, body: "Tippen, um die Meldung zu öffnen.", url: conversationUrl(notice.conversationId), tag: `report-${notice.conversationId}` },
        urgency: "high",
        ttl: 6 * 60 * 60,
      };
    }
  }
}
