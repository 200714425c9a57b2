// Small dependency-free SVG charts (lines or bars over labelled x steps, e.g. days), with a
// visually hidden table so screen readers get the numbers too.
import { axisScale } from "./chart-scale";
import { formatNumber } from "./format";

export interface ChartSeries {
  label: string;
  /** CSS colour with enough contrast on white. */
  color: string;
  /** One value per x label. */
  values: number[];
}

export interface ChartProps {
  title: string;
  xLabels: string[];
  series: ChartSeries[];
  kind?: "line" | "bar";
  height?: number;
}

const W = 640;
const PAD = { top: 12, right: 12, bottom: 28, left: 44 };

export function Chart({ title, xLabels, series, kind = "line", height = 220 }: ChartProps) {
  const H = height;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  // Whole-number data (counts) get whole-number ticks: 0, 1, 2 … or 0, 5, 10 …, never "0,5".
  const { max, ticks } = axisScale(series.flatMap((s) => s.values));
  const n = Math.max(1, xLabels.length);
  const step = plotW / n;
  const x = (i: number) => PAD.left + step * i + step / 2;
  const y = (v: number) => PAD.top + plotH - (v / max) * plotH;
  const labelEvery = Math.max(1, Math.ceil(n / 8));
  const barW = Math.max(2, (step * 0.8) / Math.max(1, series.length));

  return (
    // Focusable: on a phone the chart scrolls sideways in its own box, and keyboards must reach it.
    <figure class="chart" tabIndex={0} aria-label={title}>
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={title} preserveAspectRatio="xMidYMid meet">
        {ticks.map((tv) => (
          <g key={tv}>
            <line x1={PAD.left} x2={W - PAD.right} y1={y(tv)} y2={y(tv)} class="chart-grid" />
            <text x={PAD.left - 6} y={y(tv) + 4} text-anchor="end" class="chart-axis">
              {formatNumber(tv)}
            </text>
          </g>
        ))}
        {xLabels.map((l, i) =>
          i % labelEvery === 0 ? (
            <text key={l} x={x(i)} y={H - 8} text-anchor="middle" class="chart-axis">
              {l}
            </text>
          ) : null,
        )}
        {series.map((s, si) =>
          kind === "bar" ? (
            <g key={s.label} fill={s.color}>
              {s.values.map((v, i) => (
                <rect key={i} x={x(i) - (barW * series.length) / 2 + barW * si} y={y(v)} width={barW} height={Math.max(0, PAD.top + plotH - y(v))} />
              ))}
            </g>
          ) : (
            <polyline key={s.label} fill="none" stroke={s.color} stroke-width={2.5} points={s.values.map((v, i) => `${x(i)},${y(v)}`).join(" ")} />
          ),
        )}
      </svg>
      <figcaption class="chart-legend">
        {series.map((s) => (
          <span key={s.label} class="chart-legend-item">
            <span class="chart-swatch" style={{ background: s.color }} aria-hidden="true" />
            {s.label}
          </span>
        ))}
      </figcaption>
      {/* The data for screen readers. The wrapper hides it: a table ignores width and overflow, so a
          hidden table alone still widens the page on a phone. */}
      <div class="visually-hidden">
        <table>
          <caption>{title}</caption>
          <thead>
            <tr>
              <th scope="col" />
              {series.map((s) => (
                <th key={s.label} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {xLabels.map((l, i) => (
              <tr key={l}>
                <th scope="row">{l}</th>
                {series.map((s) => (
                  <td key={s.label}>{s.values[i] ?? 0}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
