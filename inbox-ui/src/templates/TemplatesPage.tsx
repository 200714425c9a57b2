// "Vorlagen": the town's templates with their review status (live), the recommended set that an
// admin submits in one click, the price table, and the way to the composer.
import { useEffect, useState } from "preact/hooks";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { linkClick } from "../lib/router";
import { isAdmin } from "../lib/session";
import { Button, StatusMessage, errorText } from "../ui";
import { broadcastPaths } from "../broadcasts/paths";
import type { RecommendedTemplate, TemplateListItem } from "../../../worker/shared/wire-types";
import { useTemplates } from "./live-templates";
import { PriceTable } from "./PriceTable";
import { categoryLabel, templateStatusLabel, tt, type TemplateStringKey } from "./strings";
import { partsOf, TemplateBubble } from "./TemplateBubble";

function StatusTag({ status }: { status: string }) {
  return (
    <span class={`tag tpl-status tpl-status-${status.toLowerCase()}`} data-status={status}>
      {templateStatusLabel(status)}
    </span>
  );
}

function TemplateCard({ t }: { t: TemplateListItem }) {
  const hint = t.status === "PENDING" || t.status === "PAUSED" || t.status === "DISABLED" ? tt(`statusHint_${t.status}` as TemplateStringKey) : null;
  return (
    <li class="tpl-card" data-template={t.name}>
      <div class="tpl-card-head">
        <h3>{t.name}</h3>
        <StatusTag status={t.status} />
      </div>
      <p class="muted small">
        {t.language} · {categoryLabel(t.category)}
        {t.source === "manual" && ` · ${tt("sourceManual")}`}
      </p>
      {t.status === "REJECTED" && t.rejectedReason && <p class="status-msg status-error">{tt("rejectedBecause", { reason: t.rejectedReason })}</p>}
      {hint && <p class="field-hint">{hint}</p>}
      <TemplateBubble parts={partsOf(t.components, t.body)} />
    </li>
  );
}

function Recommended({ onSubmitted }: { onSubmitted: (t: TemplateListItem) => void }) {
  const [items, setItems] = useState<RecommendedTemplate[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => {
    call(client.api.templates.recommended.$get())
      .then((r) => setItems(r.templates))
      .catch(() => setItems([]));
  }, []);
  if (!items || items.length === 0) return null;

  async function submit(r: RecommendedTemplate) {
    setBusy(r.key);
    setMsg(null);
    try {
      const { template } = await call(client.api.templates.recommended[":key"].$post({ param: { key: r.key } }));
      setItems((prev) => prev?.map((x) => (x.key === r.key ? { ...x, submitted: true } : x)) ?? prev);
      onSubmitted(template);
      setMsg({ ok: true, text: tt("submittedDone", { name: r.name }) });
    } catch (err) {
      setMsg({ ok: false, text: errorText(err) });
    } finally {
      setBusy(null);
    }
  }

  return (
    <section class="bc-card" aria-labelledby="tpl-recommended-title">
      <h2 id="tpl-recommended-title">{tt("recommendedTitle")}</h2>
      <p class="muted">{tt("recommendedIntro")}</p>
      {!isAdmin.value && <p class="field-hint">{tt("adminOnly")}</p>}
      {msg && <StatusMessage kind={msg.ok ? "ok" : "error"}>{msg.text}</StatusMessage>}
      <ul class="tpl-grid">
        {items.map((r) => (
          <li class="tpl-card" key={r.key} data-recommended={r.key}>
            <div class="tpl-card-head">
              <h3>{r.name}</h3>
              {r.submitted ? (
                <span class="tag tag-ok">{tt("submitted")}</span>
              ) : (
                isAdmin.value && (
                  <Button small variant="primary" busy={busy === r.key} onClick={() => void submit(r)} aria-label={`${tt("submit")}: ${r.name}`}>
                    {tt("submit")}
                  </Button>
                )
              )}
            </div>
            <p class="muted small">
              {r.language} · {categoryLabel(r.category)}
            </p>
            <p>{r.description}</p>
            <TemplateBubble parts={partsOf(r.components)} />
          </li>
        ))}
      </ul>
    </section>
  );
}

export function TemplatesPage() {
  const { templates, error, replace, upsert } = useTemplates();
  const [syncing, setSyncing] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [syncError, setSyncError] = useState<string | null>(null);

  async function sync() {
    setSyncing(true);
    setSyncError(null);
    setNotice(null);
    try {
      const r = await call(client.api.templates.sync.$post());
      replace(r.templates);
      setNotice(tt("synced", { n: r.synced }));
    } catch (err) {
      setSyncError(errorText(err));
    } finally {
      setSyncing(false);
    }
  }

  return (
    <div class="stack">
      <a href={broadcastPaths.list} onClick={linkClick}>
        {tt("back")}
      </a>
      <div class="page-head">
        <div>
          <h1 id="broadcasts-title">{tt("title")}</h1>
          <p class="muted">{tt("intro")}</p>
        </div>
        <div class="bc-actions">
          <Button busy={syncing} onClick={() => void sync()}>
            {tt("sync")}
          </Button>
          <a class="btn btn-primary" href={broadcastPaths.templateNew} onClick={linkClick}>
            {tt("newTemplate")}
          </a>
        </div>
      </div>
      {(error || syncError) && <StatusMessage kind="error">{error ?? syncError}</StatusMessage>}
      {notice && <StatusMessage kind="ok">{notice}</StatusMessage>}
      {templates && templates.length === 0 && <p class="muted">{tt("empty")}</p>}
      {templates && templates.length > 0 && (
        <ul class="tpl-grid" aria-label={tt("listCaption")}>
          {templates.map((t) => (
            <TemplateCard key={t.id} t={t} />
          ))}
        </ul>
      )}
      <Recommended onSubmitted={upsert} />
      <PriceTable />
    </div>
  );
}
