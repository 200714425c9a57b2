// The y-axis of the shared chart: a "nice" top value and evenly spaced ticks (steps of 1, 2 or 5
// times a power of ten), whole numbers whenever the data are whole numbers (counts).

export interface AxisScale {
  max: number;
  ticks: number[];
}

/** About this many intervals between 0 and the top; fewer when the data are small whole numbers. */
const TARGET_INTERVALS = 4;

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 5]) if (m * p >= raw) return m * p;
  return 10 * p;
}

export function axisScale(values: number[]): AxisScale {
  const top = Math.max(0, ...values.filter(Number.isFinite));
  const whole = values.every((v) => !Number.isFinite(v) || Number.isInteger(v));
  if (top === 0) return { max: 1, ticks: [0, 1] };
  let step = niceStep(top / TARGET_INTERVALS);
  if (whole) step = Math.max(1, step);
  const intervals = Math.ceil(top / step - 1e-9);
  // Multiplying (not adding up) keeps ticks like 0.3 free of floating-point dust.
  const ticks = Array.from({ length: intervals + 1 }, (_, i) => Number((i * step).toPrecision(12)));
  return { max: ticks[ticks.length - 1] ?? 1, ticks };
}
