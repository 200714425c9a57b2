// Counts characters against WhatsApp's limit (4,096 for a text, 1,024 for a photo caption); over
// the limit it says by how much, so the clerk can shorten before sending.
import { formatNumber } from "../ui";
import { to } from "./strings";
import "./outreach.css";

export const WHATSAPP_TEXT_LIMIT = 4096;

/** Characters as the API counts them (UTF-16 code units, like zod's max length). */
export const charCount = (text: string) => text.trim().length;

export function CharCounter({ text, max, id }: { text: string; max: number; id?: string }) {
  const n = charCount(text);
  const over = n - max;
  // Quiet until it matters: shown from 80 % of the limit on.
  if (n < max * 0.8) return <span class="char-count muted small" id={id}>{to("charCount", { n: formatNumber(n), max: formatNumber(max) })}</span>;
  return (
    <span class={`char-count small ${over > 0 ? "char-count-over" : "char-count-near"}`} id={id} role={over > 0 ? "alert" : undefined}>
      {over > 0 ? to("charTooMany", { n: formatNumber(over), max: formatNumber(max) }) : to("charCount", { n: formatNumber(n), max: formatNumber(max) })}
    </span>
  );
}
