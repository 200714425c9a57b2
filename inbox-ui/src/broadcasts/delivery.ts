// Who gets what: the 24-hour split of an estimate under a delivery mode, the cost in euros, and the
// German sentence for the server's 422 template_required. Pure functions, shared by the editor,
// the send confirmation and the detail page.
import { call, isApiError } from "../lib/api";
import { client } from "../lib/client";
import { locale } from "../i18n";
import { errorText, formatNumber } from "../ui";
import { td } from "./delivery-strings";
import type { AudienceEstimate, BroadcastDelivery, BroadcastKind, TemplateRef } from "./types";

export const DELIVERIES: readonly BroadcastDelivery[] = ["auto", "teaser", "template"];

/** What one group of recipients gets. */
export type Gets = "content" | "template" | "teaser" | "nothing";

export interface Split {
  /** Citizens who wrote within the last 24 hours. */
  inside: { n: number; gets: Gets };
  /** Everyone else. */
  outside: { n: number; gets: Gets };
  /** Why this cannot be sent as it is, or null. */
  blocked: "needsTemplate" | "noRecipients" | null;
}

export function splitOf(e: Pick<AudienceEstimate, "recipients" | "insideWindow" | "outsideWindow">, delivery: BroadcastDelivery, hasTemplate: boolean): Split {
  const inside = { n: e.insideWindow, gets: (delivery === "template" ? "template" : "content") as Gets };
  const outsideGets: Gets = !hasTemplate ? "nothing" : delivery === "teaser" ? "teaser" : "template";
  const outside = { n: e.outsideWindow, gets: outsideGets };
  let blocked: Split["blocked"] = null;
  if (e.recipients === 0) blocked = "noRecipients";
  else if (!hasTemplate && (delivery !== "auto" || e.outsideWindow > 0)) blocked = "needsTemplate";
  return { inside, outside, blocked };
}

/** "€ 12,40" in German, "€12.40" in English. */
export function formatEuro(amount: number, digits = 2): string {
  return new Intl.NumberFormat(locale.value, { style: "currency", currency: "EUR", minimumFractionDigits: digits, maximumFractionDigits: Math.max(digits, 4) }).format(amount);
}

/** GET /api/broadcasts/estimate for a choice in the editor. */
export function fetchEstimate(o: { channelIds: string[]; delivery: BroadcastDelivery; kind: BroadcastKind; template: TemplateRef | null }) {
  const template = o.template ? { template: o.template.name, language: o.template.language } : {};
  return call(client.api.broadcasts.estimate.$get({ query: { channelIds: o.channelIds.join(","), delivery: o.delivery, kind: o.kind, ...template } }));
}

/** Errors of send/schedule: template_required gets the numbers; everything else the usual text. */
export function sendErrorText(err: unknown): string {
  if (isApiError(err, "template_required")) {
    const inside = Number(err.details?.insideWindow);
    const outside = Number(err.details?.outsideWindow);
    if (Number.isFinite(outside) && Number.isFinite(inside)) {
      return td("templateRequired", { outside: formatNumber(outside), total: formatNumber(inside + outside) });
    }
    return td("templateRequiredPlain");
  }
  return errorText(err);
}
