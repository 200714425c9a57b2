// What a sign-up code looks like. Shared by the code generator and the keyword parser.

/** No 0/O, 1/I/L: nothing that can be misread on a poster or typed wrong. */
export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const CODE_LENGTH = 4;

const CODE_SHAPE = /^[2-9A-HJKMNP-Z]{4,6}$/;

/**
 * A code has letters from the alphabet and at least one digit and one letter, so an ordinary word
 * ("danke", "gern") or a year ("2026") is never mistaken for one.
 */
export function looksLikeCode(word: string): boolean {
  const w = word.toUpperCase();
  return CODE_SHAPE.test(w) && /[2-9]/.test(w) && /[A-Z]/.test(w);
}

export function normalizeCode(word: string): string {
  return word.trim().toUpperCase();
}
