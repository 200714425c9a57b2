// Shapes of channel calendars at the edges: the PUT body (zod) and the view the API returns.
import { z } from "zod";

export const CALENDAR_KINDS = ["waste", "events"] as const;
export type CalendarKind = (typeof CALENDAR_KINDS)[number];

/** An ICS file larger than this is refused (a town's year of collections is a few dozen KB). */
export const ICS_MAX_BYTES = 512 * 1024;
/** Default: 6 hours before an all-day collection = 18:00 the evening before. */
export const DEFAULT_LEAD_MINUTES = 360;

const templateSchema = z.strictObject({
  name: z.string().trim().min(1).max(512),
  language: z.string().trim().min(2).max(15),
});

export const putCalendarSchema = z
  .strictObject({
    kind: z.enum(CALENDAR_KINDS).default("waste"),
    ics: z.string().max(ICS_MAX_BYTES, "Die Kalenderdatei ist zu groß (höchstens 512 KB)").optional(),
    url: z
      .string()
      .trim()
      .max(2000)
      // Calendar apps hand out webcal:// links: the same file over https.
      .transform((u) => u.replace(/^webcal:\/\//i, "https://"))
      .pipe(z.url({ protocol: /^https?$/, message: "Die Adresse muss mit http://, https:// oder webcal:// beginnen" }))
      .optional(),
    leadMinutes: z.number().int().min(0, "Vorlaufzeit darf nicht negativ sein").max(7 * 24 * 60, "Höchstens 7 Tage Vorlauf").default(DEFAULT_LEAD_MINUTES),
    template: templateSchema.nullish(),
  })
  // Neither: keep the ICS text stored before (to change only the lead time or the template).
  .refine((b) => b.ics === undefined || b.url === undefined, { message: "Entweder ics (Dateiinhalt) oder url angeben, nicht beides", path: ["ics"] });
export type PutCalendarInput = z.infer<typeof putCalendarSchema>;

export interface CalendarEventView {
  summary: string;
  location: string;
  start: number;
  allDay: boolean;
  /** Vienna day "2026-12-02". */
  day: string;
  /** "Dienstag, 2. Dezember". */
  dayLabel: string;
  remindAt: number;
}

export interface CalendarReminderView {
  day: string;
  status: "sent" | "skipped";
  summary: string;
  reason: string | null;
  broadcastId: string | null;
  remindAt: number;
}

export interface CalendarView {
  channelId: string;
  kind: CalendarKind;
  url: string | null;
  leadMinutes: number;
  template: { name: string; language: string } | null;
  refreshedAt: number;
  attemptedAt: number;
  /** German: why the last fetch or reminder failed; null when fine. */
  error: string | null;
  errorAt: number | null;
  /** Upcoming occurrences (the next 50). */
  events: CalendarEventView[];
  /** The next reminder: the day's summaries joined, its first start, when the reminder goes out. */
  next: { summary: string; start: number; day: string; dayLabel: string; remindAt: number } | null;
  /** The latest reminders sent or skipped. */
  reminders: CalendarReminderView[];
}
