// The staff-written public summary of a report (Open311's description): never the citizen's words.
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import type { ReportDetail } from "../lib/types";
import { Button, TextArea } from "../ui";
import { tp } from "./public-report-strings";

interface Props {
  report: ReportDetail;
  busy: boolean;
  onSave: (summary: string) => void;
}

export function PublicSummary({ report, busy, onSave }: Props) {
  const [summary, setSummary] = useState(report.publicSummary ?? "");
  useEffect(() => setSummary(report.publicSummary ?? ""), [report.publicSummary]);
  return (
    <form
      class="inline-form"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(summary.trim());
      }}
    >
      <TextArea label={tp("summaryLabel")} hint={tp("summaryHint")} name="publicSummary" value={summary} rows={2} maxLength={500} onInput={(e) => setSummary(e.currentTarget.value)} />
      <Button type="submit" small disabled={busy || summary.trim() === (report.publicSummary ?? "")}>
        {t("save")}
      </Button>
    </form>
  );
}
