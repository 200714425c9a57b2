// "WANN" and "MÜLL" over WhatsApp: the next dates of the citizen's calendar channels, and
// "MÜLL Bahnstraße" subscribes to the street's district (from the street list) and answers with its
// dates. The keyword module (citizens/keywords) knows the words and asks this module, through the
// handler the job passes in (background/jobs.ts), for messages that are no other command; anything it
// does not recognise stays an ordinary message for the staff inbox.
import { and, asc, gte, inArray } from "drizzle-orm";
import type { InboundForKeywords } from "../citizens/keywords/actions";
import { WASTE_WORDS as WASTE, WHEN_WORDS as WHEN, type CalendarAnswer } from "../citizens/keywords/calendar-question";
import type { Lang } from "../citizens/keywords/rule";
import { foldWord, wordsOf } from "../citizens/normalize";
import { activeChannelIds } from "../citizens/subscriptions";
import type { Db } from "../db/client";
import { calendarEvents, channelCalendars, channels } from "../db/schema";
import { channelForStreet } from "./streets";
import { germanDate, viennaDay, viennaMidnight, viennaTime } from "./vienna-dates";

/** Dates listed per channel in a reply. */
const DATES_PER_CHANNEL = 4;

/** Null when the message is not a calendar question (the caller then leaves it for the inbox). */
export async function planCalendarKeyword(db: Db, msg: InboundForKeywords, lang: Lang, now = Date.now()): Promise<CalendarAnswer | null> {
  if (msg.type !== "text" && msg.type !== "button") return null;
  const words = wordsOf(msg.text ?? "");
  const first = words[0] ? foldWord(words[0]) : "";
  if (!WHEN.has(first) && !WASTE.has(first)) return null;
  const calendars = await db.select({ channelId: channelCalendars.channelId }).from(channelCalendars).all();
  if (calendars.length === 0) return null;
  const rest = words.slice(1).filter((w) => !WHEN.has(foldWord(w)) && !WASTE.has(foldWord(w)));

  if (rest.length > 0) {
    // "MÜLL Bahnstraße": only a street of the list makes it a command.
    const found = await channelForStreet(db, rest.join(" "));
    if (!found) return null;
    const text = await datesText(db, [found.channelId], lang, now, found.street);
    return { change: { subscribe: [found.channelId], source: "whatsapp_keyword" }, reply: { kind: "text", text } };
  }
  const mine = await activeChannelIds(db, msg.citizenId);
  const withCalendar = mine.filter((id) => calendars.some((c) => c.channelId === id));
  const text = withCalendar.length
    ? await datesText(db, withCalendar, lang, now, null)
    : lang === "en"
      ? "None of your channels has dates yet. Send WASTE and your street (e.g. WASTE Bahnstraße) or CHANNELS to choose."
      : "Keiner Ihrer Kanäle hat Termine. Senden Sie MÜLL und Ihre Straße (z. B. MÜLL Bahnstraße) oder KANÄLE, um einen zu wählen.";
  return { change: null, reply: { kind: "text", text } };
}

async function datesText(db: Db, channelIds: string[], lang: Lang, now: number, street: string | null): Promise<string> {
  const names = await db.select({ id: channels.id, name: channels.name }).from(channels).where(inArray(channels.id, channelIds)).all();
  const events = await db
    .select()
    .from(calendarEvents)
    .where(and(inArray(calendarEvents.channelId, channelIds), gte(calendarEvents.start, viennaMidnight(viennaDay(now)))))
    .orderBy(asc(calendarEvents.start), asc(calendarEvents.summary))
    .limit(200)
    .all();
  const blocks: string[] = [];
  for (const id of channelIds) {
    const name = names.find((n) => n.id === id)?.name ?? id;
    const days = new Map<string, string[]>();
    for (const e of events.filter((x) => x.channelId === id)) {
      if (!days.has(e.day) && days.size >= DATES_PER_CHANNEL) break;
      const label = e.allDay ? e.summary : `${viennaTime(e.start)} ${e.summary}`;
      days.set(e.day, [...(days.get(e.day) ?? []), label]);
    }
    const lines = [...days].map(([day, labels]) => `• ${germanDate(day)}: ${[...new Set(labels)].join(", ")}`);
    const none = lang === "en" ? "no dates planned" : "keine Termine geplant";
    blocks.push(`*${name}*\n${lines.length ? lines.join("\n") : none}`);
  }
  const intro = street
    ? lang === "en"
      ? `${street} belongs to ${names[0]?.name ?? ""}. You will get a reminder before each collection.`
      : `${street} gehört zu ${names.find((n) => n.id === channelIds[0])?.name ?? ""}. Sie bekommen vor jeder Abholung eine Erinnerung.`
    : lang === "en"
      ? "Your next dates:"
      : "Ihre nächsten Termine:";
  const footer = lang === "en" ? "Stop reminders: send STOP." : "Erinnerungen abbestellen: ABMELDEN senden.";
  return `${intro}\n\n${blocks.join("\n\n")}\n\n${footer}`;
}
