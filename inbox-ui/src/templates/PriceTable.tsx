// Meta's price per delivered template message (Austria by default), with its source and date;
// admins can change the numbers when Meta's rate card changes.
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { isAdmin } from "../lib/session";
import { Button, StatusMessage, TextField, errorText } from "../ui";
import { formatEuro } from "../broadcasts/delivery";
import { TEMPLATE_PRICE_CATEGORIES, type TemplatePriceCategory, type TemplatePrices } from "../../../worker/broadcasts/schemas";
import { categoryLabel, tt } from "./strings";

export function PriceTable() {
  const [prices, setPrices] = useState<TemplatePrices | null>(null);
  const [draft, setDraft] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  const load = (p: TemplatePrices) => {
    setPrices(p);
    setDraft(Object.fromEntries(TEMPLATE_PRICE_CATEGORIES.map((c) => [c, String(p.prices[c])])));
  };
  useEffect(() => {
    call(client.api.settings["template-prices"].$get())
      .then(load)
      .catch(() => setPrices(null));
  }, []);
  if (!prices) return null;

  async function save(e: Event) {
    e.preventDefault();
    setBusy(true);
    setMsg(null);
    try {
      const next = Object.fromEntries(TEMPLATE_PRICE_CATEGORIES.map((c) => [c, Number((draft[c] ?? "").replace(",", "."))])) as Record<TemplatePriceCategory, number>;
      load(await call(client.api.settings["template-prices"].$put({ json: { prices: next } })));
      setMsg({ ok: true, text: tt("pricesSaved") });
    } catch (err) {
      setMsg({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="bc-card" aria-labelledby="tpl-prices-title">
      <h2 id="tpl-prices-title">{tt("pricesTitle")}</h2>
      <p class="muted small">{tt("pricesIntro", { source: prices.source, date: prices.sourceDate })}</p>
      {isAdmin.value ? (
        <form class="tpl-prices" onSubmit={save}>
          {TEMPLATE_PRICE_CATEGORIES.map((c) => (
            <TextField key={c} label={tt("priceOf", { category: categoryLabel(c) })} inputMode="decimal" value={draft[c] ?? ""} onInput={(e) => setDraft({ ...draft, [c]: e.currentTarget.value })} />
          ))}
          <Button type="submit" busy={busy}>
            {tt("pricesSave")}
          </Button>
        </form>
      ) : (
        <dl class="bc-counts">
          {TEMPLATE_PRICE_CATEGORIES.map((c) => (
            <div key={c}>
              <dt>{categoryLabel(c)}</dt>
              <dd>{formatEuro(prices.prices[c], 4)}</dd>
            </div>
          ))}
        </dl>
      )}
      {msg && <StatusMessage kind={msg.ok ? "ok" : "error"}>{msg.text}</StatusMessage>}
    </section>
  );
}
