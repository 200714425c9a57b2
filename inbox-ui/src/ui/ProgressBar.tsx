// Progress of a long job (e.g. a broadcast): one bar, optionally split into coloured segments.
export interface ProgressSegment {
  value: number;
  label: string;
  /** CSS colour; pick from the palette in styles.css (--ok, --info, --warn, --danger). */
  color: string;
}

export interface ProgressBarProps {
  value: number;
  max: number;
  label: string;
  segments?: ProgressSegment[];
}

export function ProgressBar({ value, max, label, segments }: ProgressBarProps) {
  const safeMax = max > 0 ? max : 1;
  const pct = (n: number) => `${Math.min(100, Math.max(0, (n / safeMax) * 100))}%`;
  return (
    <div class="progress" role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={max} aria-valuenow={Math.min(value, max)}>
      {segments && segments.length > 0 ? (
        segments.map((s) => <span key={s.label} class="progress-fill" title={s.label} style={{ width: pct(s.value), background: s.color }} />)
      ) : (
        <span class="progress-fill" style={{ width: pct(value) }} />
      )}
    </div>
  );
}
