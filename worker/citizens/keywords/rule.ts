// Keyword commands citizens send over WhatsApp (ANMELDEN, STOP, KANÄLE, HILFE …) and the one rule
// that decides whether a message is a command or an ordinary message for the staff inbox.
//
// THE RULE (also in docs/channels-and-consent.md): a message is a command when, after folding case and diacritics
// and treating emoji and punctuation as spaces,
//   1. it contains exactly one command keyword (repeating the same one is fine),
//   2. every other word is a polite filler word ("bitte", "hallo", "ich möchte mich …"), a channel
//      keyword (for ANMELDEN/ABMELDEN: only those channels), or, with ANMELDEN only, one sign-up code,
//   3. and it has no question mark (except for HILFE/HELP, which is harmless).
// A message that consists only of channel keywords (e.g. "Freibad") subscribes to those channels.
// So "STOP", "stopp 🙏", "Bitte abmelden!", "Ich möchte mich anmelden", "ANMELDEN 7Q2F" are commands;
// "Wann startet der Brückenlauf?" or "Die Ampel zeigt immer Stop" are not, and go to the inbox.
import { z } from "zod";
import { looksLikeCode, normalizeCode } from "../codes-shape";
import { SINGLE_WORD, spellingsOf, wordsOf } from "../normalize";

export const COMMANDS = ["subscribe", "unsubscribe", "menu", "help"] as const;
export type CommandName = (typeof COMMANDS)[number];
export type Lang = "de" | "en";

const keywordWord = z
  .string()
  .trim()
  .min(2)
  .max(30)
  .regex(SINGLE_WORD, "Ein Schlüsselwort ist ein einzelnes Wort aus Buchstaben und Ziffern");

const perLanguage = z.object({ de: z.array(keywordWord).min(1).max(10), en: z.array(keywordWord).max(10) });

export const keywordConfigSchema = z
  .object({ subscribe: perLanguage, unsubscribe: perLanguage, menu: perLanguage, help: perLanguage })
  .superRefine((cfg, ctx) => {
    const seen = new Map<string, string>();
    for (const command of COMMANDS) {
      for (const lang of ["de", "en"] as const) {
        for (const word of cfg[command][lang]) {
          for (const s of spellingsOf(word)) {
            const other = seen.get(s);
            if (other && other !== command) {
              ctx.addIssue({ code: "custom", path: [command, lang], message: `„${word}“ ist schon ein Schlüsselwort für ${other}` });
            }
            seen.set(s, command);
          }
        }
      }
    }
  });
export type KeywordConfig = z.infer<typeof keywordConfigSchema>;

export const DEFAULT_KEYWORDS: KeywordConfig = {
  subscribe: { de: ["ANMELDEN", "START"], en: ["SUBSCRIBE"] },
  unsubscribe: { de: ["ABMELDEN", "STOPP", "STOP"], en: ["UNSUBSCRIBE"] },
  menu: { de: ["KANÄLE", "KANAELE", "MENÜ", "MENU"], en: ["CHANNELS"] },
  help: { de: ["HILFE"], en: ["HELP"] },
};

/** Words allowed around a keyword without turning the message into a question for staff. */
const FILLER = new Set(
  [
    // German / Austrian
    "bitte", "danke", "dankeschön", "vielen", "dank", "hallo", "hi", "hey", "servus", "grüß", "grüss", "grüße",
    "gott", "griaß", "di", "moin", "guten", "tag", "ich", "möchte", "möchten", "will", "wollen", "würde", "gerne",
    "gern", "mich", "uns", "wir", "jetzt", "sofort", "mal", "doch", "nun", "ja", "ok", "okay", "und", "vom", "von",
    "für", "zu", "zum", "bei", "beim", "dem", "den", "der", "die", "das", "alle", "allen", "alles", "keine",
    "nachrichten", "mehr", "lg",
    // English
    "please", "pls", "plz", "thanks", "thank", "you", "hello", "i", "want", "would", "like", "me", "to", "from",
    "now", "all", "everything", "the", "and", "for", "yes", "no", "more", "messages", "any",
  ].flatMap(spellingsOf),
);

export interface ChannelKeyword {
  channelId: string;
  keyword: string;
}

export type KeywordCommand =
  | { command: "subscribe"; lang: Lang | null; code: string | null; channelIds: string[] }
  | { command: "unsubscribe"; lang: Lang; channelIds: string[] }
  | { command: "menu"; lang: Lang }
  | { command: "help"; lang: Lang };

type Word =
  | { kind: "command"; command: CommandName; lang: Lang }
  | { kind: "channel"; channelId: string }
  | { kind: "code"; code: string }
  | { kind: "filler" }
  | { kind: "other" };

/** Longest message we consider at all: commands are short. */
const MAX_COMMAND_LENGTH = 160;

export function parseKeywordMessage(
  text: string | null | undefined,
  config: KeywordConfig,
  channels: ChannelKeyword[],
): KeywordCommand | null {
  if (!text || text.length > MAX_COMMAND_LENGTH) return null;
  const words = wordsOf(text);
  if (words.length === 0) return null;
  const commandIndex = buildCommandIndex(config);
  const channelIndex = new Map<string, string>();
  for (const ch of channels) for (const s of spellingsOf(ch.keyword)) channelIndex.set(s, ch.channelId);

  const classified = words.map((w): Word => classify(w, commandIndex, channelIndex));
  if (classified.some((w) => w.kind === "other")) return null;

  const commands = classified.filter((w): w is Extract<Word, { kind: "command" }> => w.kind === "command");
  const distinct = new Set(commands.map((c) => c.command));
  const channelIds = [...new Set(classified.flatMap((w) => (w.kind === "channel" ? [w.channelId] : [])))];
  const codes = classified.flatMap((w) => (w.kind === "code" ? [w.code] : []));
  const hasQuestion = /[?¿？]/.test(text);

  if (distinct.size > 1) return null;
  const first = commands[0];
  if (!first) {
    // Only channel keywords (and filler): subscribe to exactly those channels.
    if (channelIds.length === 0 || codes.length > 0 || hasQuestion) return null;
    return { command: "subscribe", lang: null, code: null, channelIds };
  }
  if (hasQuestion && first.command !== "help") return null;
  if (codes.length > 0 && (first.command !== "subscribe" || codes.length > 1)) return null;

  switch (first.command) {
    case "subscribe":
      return { command: "subscribe", lang: first.lang, code: codes[0] ?? null, channelIds };
    case "unsubscribe":
      return { command: "unsubscribe", lang: first.lang, channelIds };
    case "menu":
      return { command: "menu", lang: first.lang };
    case "help":
      return { command: "help", lang: first.lang };
  }
}

function buildCommandIndex(config: KeywordConfig): Map<string, { command: CommandName; lang: Lang }> {
  const index = new Map<string, { command: CommandName; lang: Lang }>();
  for (const command of COMMANDS) {
    // German last, so a word configured in both languages answers in German.
    for (const lang of ["en", "de"] as const) {
      for (const word of config[command][lang]) for (const s of spellingsOf(word)) index.set(s, { command, lang });
    }
  }
  return index;
}

function classify(
  word: string,
  commands: Map<string, { command: CommandName; lang: Lang }>,
  channels: Map<string, string>,
): Word {
  const spellings = spellingsOf(word);
  for (const s of spellings) {
    const hit = commands.get(s);
    if (hit) return { kind: "command", ...hit };
  }
  for (const s of spellings) {
    const channelId = channels.get(s);
    if (channelId) return { kind: "channel", channelId };
  }
  if (spellings.some((s) => FILLER.has(s))) return { kind: "filler" };
  if (looksLikeCode(word)) return { kind: "code", code: normalizeCode(word) };
  return { kind: "other" };
}

/** Whether a word is already a command keyword (channel keywords must not clash with them). */
export function isCommandKeyword(word: string, config: KeywordConfig): boolean {
  const index = buildCommandIndex(config);
  return spellingsOf(word).some((s) => index.has(s));
}

/** The keyword shown in replies for a command, e.g. "ANMELDEN" or "SUBSCRIBE". */
export function displayKeyword(config: KeywordConfig, command: CommandName, lang: Lang): string {
  const list = config[command][lang].length ? config[command][lang] : config[command].de;
  return (list[0] ?? command).toUpperCase();
}
