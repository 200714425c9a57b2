// Subscriber growth per channel (one line per channel), for 7, 30 or 90 days.
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { Chart, StatusMessage, errorText, formatNumber } from "../ui";
import { tc } from "./strings";
import type { SubscriberGrowth } from "./types";

/** Colours with ≥ 3:1 contrast on white, distinguishable for common colour-vision deficiencies. */
const COLORS = ["#0b5cab", "#b42318", "#1b6e35", "#7a4f00", "#5b2391", "#0d5a66", "#a3195b", "#4f5b67"];

export function GrowthCard({ version }: { version: number }) {
  const [days, setDays] = useState(30);
  const [growth, setGrowth] = useState<SubscriberGrowth | null>(null);
  const [total, setTotal] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    call(client.api.stats["subscriber-growth"].$get({ query: { days: String(days) } }))
      .then(setGrowth)
      .catch((err: unknown) => setError(errorText(err)));
    call(client.api.subscribers.$get({ query: { limit: "1" } }))
      .then((r) => setTotal(r.totalSubscribed))
      .catch(() => setTotal(null));
  }, [days, version]);

  const series = (growth?.channels ?? [])
    .filter((c) => !c.archived || c.points.some((p) => p.total > 0))
    .map((c, i) => ({ label: c.name, color: COLORS[i % COLORS.length] ?? "#0b5cab", values: c.points.map((p) => p.total) }));
  const labels = (growth?.days ?? []).map((d) => `${d.slice(8, 10)}.${d.slice(5, 7)}.`);
  const empty = series.every((s) => s.values.every((v) => v === 0));

  return (
    <div class="cz-card" aria-labelledby="growth-title">
      <div class="cz-card-head">
        <h2 id="growth-title">{tc("growthTitle")}</h2>
        <div class="filters" role="group" aria-label={tc("growthDays")}>
          {[7, 30, 90].map((n) => (
            <button key={n} type="button" class="filter" aria-pressed={days === n} onClick={() => setDays(n)}>
              {tc(n === 7 ? "days7" : n === 30 ? "days30" : "days90")}
            </button>
          ))}
        </div>
      </div>
      {total !== null && <p class="muted">{total === 1 ? tc("totalSubscribedOne") : tc("totalSubscribed", { n: formatNumber(total) })}</p>}
      {error && <StatusMessage kind="error">{error}</StatusMessage>}
      {growth && (empty ? <p class="muted">{tc("growthEmpty")}</p> : <Chart title={tc("growthChart")} xLabels={labels} series={series} kind="line" />)}
    </div>
  );
}
