// "Wer bekommt was": for the chosen channels, how many citizens are inside and outside the 24-hour
// window, what each group gets under the chosen delivery, the cost and WhatsApp's daily limit.
// The same lines appear in the send confirmation.
import { formatNumber } from "../ui";
import { categoryLabel } from "../templates/strings";
import { formatEuro, splitOf, type Gets } from "./delivery";
import { td } from "./delivery-strings";
import type { AudienceEstimate, BroadcastDelivery } from "./types";

function getsText(gets: Gets, templateName: string | null): string {
  const name = templateName ?? "";
  if (gets === "content") return td("gets_content");
  if (gets === "template") return td("gets_template", { name });
  if (gets === "teaser") return td("gets_teaser", { name });
  return td("gets_nothing");
}

/** The split and the cost as a list (editor panel and confirmation). */
export function SplitLines({ estimate: e, delivery, templateName }: { estimate: AudienceEstimate; delivery: BroadcastDelivery; templateName: string | null }) {
  const split = splitOf(e, delivery, !!templateName);
  const cost = e.cost;
  // Meta charges only delivered templates it bills (UTILITY inside the window is free): the server
  // may say how many with billableMessages; without it every template message is billed.
  const billable = (cost as typeof cost & { billableMessages?: number }).billableMessages ?? cost.templateMessages;
  return (
    <>
      <ul class="bc-split">
        {split.inside.n > 0 && (
          <li data-testid="split-inside" class="bc-split-inside">
            <strong>{td("insideLine", { n: formatNumber(split.inside.n) })}</strong> – {getsText(split.inside.gets, templateName)}
          </li>
        )}
        {split.outside.n > 0 && (
          <li data-testid="split-outside" class={split.outside.gets === "nothing" ? "bc-split-blocked" : "bc-split-outside"}>
            <strong>{td("outsideLine", { n: formatNumber(split.outside.n) })}</strong> – {getsText(split.outside.gets, templateName)}
          </li>
        )}
      </ul>
      {cost.templateMessages > 0 && templateName ? (
        <p class="bc-cost" data-testid="cost">
          <strong>{td("costLine", { total: formatEuro(cost.total) })}</strong>{" "}
          <span class="muted small">
            {td("costDetail", {
              n: formatNumber(billable),
              per: formatEuro(cost.perMessage, 4),
              category: cost.category ? categoryLabel(cost.category) : "–",
              country: "AT",
            })}
          </span>
        </p>
      ) : (
        split.blocked === null && (
          <p class="bc-cost muted" data-testid="cost">
            {td("costFree")}
          </p>
        )
      )}
    </>
  );
}

export function AudiencePanel({
  estimate: e,
  delivery,
  templateName,
  hasChannels,
  onUseTeaser,
}: {
  estimate: AudienceEstimate | null;
  delivery: BroadcastDelivery;
  templateName: string | null;
  hasChannels: boolean;
  onUseTeaser: () => void;
}) {
  if (!hasChannels || !e) return null;
  const split = splitOf(e, delivery, !!templateName);
  return (
    <section class="bc-audience" aria-labelledby="bc-audience-title" aria-live="polite" data-testid="audience">
      <h2 id="bc-audience-title">{td("audienceTitle")}</h2>
      <p class="bc-reach" data-testid="reach">
        {e.recipients > 0 ? td("reach", { n: formatNumber(e.recipients) }) : td("reachNone")}
      </p>
      {e.recipients > 0 && <SplitLines estimate={e} delivery={delivery} templateName={templateName} />}
      {split.blocked === "needsTemplate" && (
        <div class="status-msg status-error" role="alert" data-testid="needs-template">
          <p>
            {delivery === "auto"
              ? td("needsTemplate", { outside: formatNumber(e.outsideWindow), total: formatNumber(e.recipients) })
              : td("needsTemplateMode", { mode: td(`delivery_${delivery}`) })}
          </p>
          {delivery === "auto" && (
            <button type="button" class="btn btn-small btn-secondary bc-fix" onClick={onUseTeaser}>
              {td("useTeaser")}
            </button>
          )}
        </div>
      )}
      <p class="muted small">{e.tier === "unlimited" ? td("tierUnlimited") : td("tierLine", { tier: formatNumber(e.tier), used: formatNumber(e.usedLast24h) })}</p>
      {e.warning && <p class="status-msg status-warn">{e.warning}</p>}
    </section>
  );
}
