// The one way a broadcast starts or gets scheduled: a dialog that names the number of recipients,
// what each group gets and the cost, counted afresh when it opens. Nothing goes out with one click.
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { Button, Dialog, StatusMessage, errorText, formatNumber } from "../ui";
import { SplitLines } from "./AudiencePanel";
import { fetchEstimate, splitOf } from "./delivery";
import { td } from "./delivery-strings";
import type { AudienceEstimate, BroadcastDelivery, BroadcastKind, TemplateRef } from "./types";

export interface SendPlan {
  title: string;
  kind: BroadcastKind;
  delivery: BroadcastDelivery;
  channelIds: string[];
  template: TemplateRef | null;
  /** Formatted Vienna time when it is scheduled, null to send now. */
  scheduledFor: string | null;
}

export function SendConfirm({ plan, onConfirm, onCancel, busy }: { plan: SendPlan | null; onConfirm: () => void; onCancel: () => void; busy?: boolean }) {
  const [estimate, setEstimate] = useState<AudienceEstimate | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setEstimate(null);
    setError(null);
    if (!plan) return;
    fetchEstimate(plan)
      .then(setEstimate)
      .catch((err: unknown) => setError(errorText(err)));
  }, [plan]);
  const later = !!plan?.scheduledFor;
  const blocked = estimate ? splitOf(estimate, plan?.delivery ?? "auto", !!plan?.template).blocked : null;
  const n = formatNumber(estimate?.recipients ?? 0);

  return (
    <Dialog
      open={!!plan}
      title={later ? td("confirmTitleLater") : td("confirmTitleNow")}
      onClose={onCancel}
      footer={
        <>
          <Button onClick={onCancel}>{t("cancel")}</Button>
          <Button variant="primary" onClick={onConfirm} busy={busy} disabled={!estimate || blocked !== null} autofocus data-testid="confirm-send">
            {later ? td("confirmSchedule") : td("confirmSend", { n })}
          </Button>
        </>
      }
    >
      {plan && (
        <div class="stack" data-testid="send-confirm">
          {!estimate && !error && <p aria-busy="true">{td("confirmLoading")}</p>}
          {error && <StatusMessage kind="error">{error}</StatusMessage>}
          {estimate && (
            <>
              <p>{td("confirmLead", { title: plan.title, n })}</p>
              <SplitLines estimate={estimate} delivery={plan.delivery} templateName={plan.template?.name ?? null} />
              {blocked === "needsTemplate" && (
                <StatusMessage kind="error">
                  {plan.delivery === "auto"
                    ? td("needsTemplate", { outside: formatNumber(estimate.outsideWindow), total: n })
                    : td("needsTemplateMode", { mode: td(`delivery_${plan.delivery}`) })}
                </StatusMessage>
              )}
              {estimate.warning && <p class="status-msg status-warn">{estimate.warning}</p>}
              {later && <p>{td("confirmWhen", { when: plan.scheduledFor ?? "" })}</p>}
              <p class="muted">{td("confirmFinal")}</p>
            </>
          )}
        </div>
      )}
    </Dialog>
  );
}
