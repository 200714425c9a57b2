// Text folding for keyword matching: case, diacritics, umlaut spellings, emoji and punctuation.
// Pure functions, shared by the keyword parser and the channel keyword checks.

const UMLAUT_SPELLING: Record<string, string> = { ä: "ae", ö: "oe", ü: "ue", ß: "ss" };

/** "Kanäle" → "kanale": lower case, diacritics removed, ß → ss. */
export function foldWord(word: string): string {
  return word.toLowerCase().replace(/ß/g, "ss").normalize("NFKD").replace(/\p{M}/gu, "");
}

/**
 * Every spelling a word is known by: "kanäle" → {"kanale", "kanaele"}. Two words match when their
 * spellings overlap, so KANÄLE, Kanäle, KANAELE and kanale are all the same word.
 */
export function spellingsOf(word: string): string[] {
  const lower = word.toLowerCase();
  const expanded = lower.replace(/[äöüß]/g, (ch) => UMLAUT_SPELLING[ch] ?? ch);
  return [...new Set([foldWord(lower), foldWord(expanded)])];
}

/** The words of a message: anything that is not a letter or digit (emoji, punctuation) separates words. */
export function wordsOf(text: string): string[] {
  return text
    .split(/[^\p{L}\p{N}]+/u)
    .map((w) => w.trim())
    .filter(Boolean);
}

/** A single word as a keyword: letters and digits only. */
export const SINGLE_WORD = /^[\p{L}\p{N}]+$/u;

export function sameWord(a: string, b: string): boolean {
  const bs = spellingsOf(b);
  return spellingsOf(a).some((s) => bs.includes(s));
}
