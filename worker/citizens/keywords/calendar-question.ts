// The calendar question as a keyword: its words ("WANN", "MÜLL", …) and the shape of its answer.
// The answer itself reads calendar data, so the calendars module provides it (calendars/keywords.ts)
// and the job passes it in (background/jobs.ts): citizens never imports calendars.
import type { Reply } from "../replies";
import { foldWord, wordsOf } from "../normalize";
import type { InboundForKeywords, PlannedChange } from "./actions";
import type { Lang } from "./rule";

/** First words of a calendar question (folded). */
export const WHEN_WORDS: ReadonlySet<string> = new Set(["wann", "when"]);
export const WASTE_WORDS: ReadonlySet<string> = new Set(["mull", "muell", "abfall", "abfuhr", "waste"]);

/**
 * Whether a text may be a calendar question ("WANN", "Müll?", "MÜLL Bahnstraße"); the webhook's
 * pre-filter lets these through to the job, which decides. "Wann startet der Lauf?" is not one.
 */
export function looksLikeCalendarQuestion(text: string | null | undefined): boolean {
  const words = wordsOf(text ?? "").map(foldWord);
  const first = words[0];
  if (first === undefined) return false;
  return WASTE_WORDS.has(first) || words.every((w) => WHEN_WORDS.has(w) || WASTE_WORDS.has(w));
}

/** What a calendar question changes and answers. */
export interface CalendarAnswer {
  change: PlannedChange | null;
  reply: Reply;
}

/** Answers a calendar question; null when the message is none (it then stays for the inbox). */
export type CalendarQuestionHandler = (msg: InboundForKeywords, lang: Lang) => Promise<CalendarAnswer | null>;
