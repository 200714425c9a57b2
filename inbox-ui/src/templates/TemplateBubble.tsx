// A template as WhatsApp roughly shows it: header (text or image), body with the placeholders
// filled, footer, and the quick-reply buttons under the bubble.
import { WhatsAppText } from "../broadcasts/whatsapp-text";
import { tt } from "./strings";

export interface TemplateParts {
  headerText: string | null;
  headerImage: boolean;
  body: string;
  footer: string | null;
  buttons: string[];
}

/** {{1}}, {{2}} … replaced by the values given (an empty value keeps the placeholder visible). */
export function fillPlaceholders(text: string, values: readonly string[]): string {
  return text.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, n: string) => values[Number(n) - 1]?.trim() || whole);
}

const str = (v: unknown): string | null => (typeof v === "string" ? v : null);

/** Reads Meta's components array (as stored or synced) without trusting its shape. */
export function partsOf(components: readonly unknown[], fallbackBody = ""): TemplateParts {
  const parts: TemplateParts = { headerText: null, headerImage: false, body: fallbackBody, footer: null, buttons: [] };
  for (const c of components) {
    if (!c || typeof c !== "object") continue;
    const o = c as Record<string, unknown>;
    const type = String(o.type ?? "").toUpperCase();
    if (type === "HEADER") {
      const format = String(o.format ?? "").toUpperCase();
      if (format === "IMAGE") parts.headerImage = true;
      else parts.headerText = str(o.text);
    } else if (type === "BODY") parts.body = str(o.text) ?? parts.body;
    else if (type === "FOOTER") parts.footer = str(o.text);
    else if (type === "BUTTONS" && Array.isArray(o.buttons)) {
      parts.buttons = o.buttons.map((b) => (b && typeof b === "object" ? str((b as Record<string, unknown>).text) : null)).filter((x): x is string => !!x);
    }
  }
  return parts;
}

export function TemplateBubble({
  parts,
  values = [],
  headerValues = [],
  imageUrl = null,
}: {
  parts: TemplateParts;
  values?: readonly string[];
  headerValues?: readonly string[];
  imageUrl?: string | null;
}) {
  return (
    <div class="wa-template">
      <div class="wa-bubble" data-testid="template-bubble">
        {parts.headerImage &&
          (imageUrl ? (
            <img class="wa-photo" src={imageUrl} alt="" />
          ) : (
            <div class="wa-photo wa-photo-placeholder" aria-hidden="true">
              {tt("imageHeader")}
            </div>
          ))}
        {parts.headerText && <p class="wa-header">{fillPlaceholders(parts.headerText, headerValues)}</p>}
        {parts.body.trim() ? <WhatsAppText text={fillPlaceholders(parts.body, values)} /> : <span class="muted">{tt("previewEmpty")}</span>}
        {parts.footer && <p class="wa-footer">{parts.footer}</p>}
        <span class="wa-time" aria-hidden="true">
          09:00
        </span>
      </div>
      {parts.buttons.length > 0 && (
        <ul class="wa-buttons" aria-label={tt("buttonsLabel")}>
          {parts.buttons.map((b, i) => (
            <li key={i}>{b}</li>
          ))}
        </ul>
      )}
    </div>
  );
}
