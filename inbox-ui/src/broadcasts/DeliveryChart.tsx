// Sent / delivered / read / failed over time (cumulative), drawn with the shared inline-SVG chart.
import { Chart, formatNumber, formatTime, TIME_ZONE } from "../ui";
import { locale } from "../i18n";
import { SERIES_COLORS } from "./labels";
import { tb } from "./strings";
import type { Timeline } from "./types";

function label(ms: number, bucketMs: number): string {
  if (bucketMs >= 60_000) return formatTime(ms);
  return new Intl.DateTimeFormat(locale.value, { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit", second: "2-digit" }).format(ms);
}

function span(bucketMs: number): string {
  if (bucketMs < 60_000) return `${bucketMs / 1000} s`;
  if (bucketMs < 3_600_000) return `${bucketMs / 60_000} min`;
  return `${bucketMs / 3_600_000} h`;
}

export function DeliveryChart({ timeline }: { timeline: Timeline | null }) {
  const raw = timeline?.points ?? [];
  // Cumulative lines start at zero one bucket before the first event (also draws a single bucket).
  const points = raw.length && timeline ? [{ t: raw[0]!.t - timeline.bucketMs, sent: 0, delivered: 0, read: 0, failed: 0 }, ...raw] : raw;
  const running = { sent: 0, delivered: 0, read: 0, failed: 0 };
  const cumulative = points.map((p) => {
    running.sent += p.sent;
    running.delivered += p.delivered;
    running.read += p.read;
    running.failed += p.failed;
    return { ...running };
  });
  const series = (["sent", "delivered", "read", "failed"] as const).map((k) => ({
    label: `${tb(k === "sent" ? "countSent" : k === "delivered" ? "countDelivered" : k === "read" ? "countRead" : "countFailed")} (${formatNumber(timeline?.totals[k] ?? 0)})`,
    color: SERIES_COLORS[k],
    values: cumulative.map((c) => c[k]),
  }));
  return (
    <section class="bc-card" aria-labelledby="bc-chart-title" data-testid="delivery-chart">
      <h2 id="bc-chart-title">
        {tb("deliveryChart")} {timeline && points.length > 0 && <span class="muted small">({tb("perBucket", { span: span(timeline.bucketMs) })})</span>}
      </h2>
      {points.length === 0 ? (
        <p class="muted">{tb("deliveryChartEmpty")}</p>
      ) : (
        <Chart title={tb("deliveryChart")} xLabels={points.map((p) => label(p.t, timeline!.bucketMs))} series={series} kind="line" />
      )}
    </section>
  );
}
