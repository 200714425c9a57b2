// Team (admins): everyone with access, invite new staff, change roles, disable or re-enable.
import { useEffect, useState } from "preact/hooks";
import { t, type StringKey } from "../i18n";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { currentStaff } from "../lib/session";
import type { Role, Staff } from "../lib/types";
import { categories, loadCategories, saveCategories } from "../inbox/report-categories";
import { Button, ConfirmDialog, Dialog, SelectField, TextArea, TextField, errorText, formatDate } from "../ui";
import "./team.css";
import { PhoneCell } from "./PhoneCell";
import { normalizePhone, tp } from "./phone-strings";

const roles: { id: Role; label: StringKey; hint: StringKey }[] = [
  { id: "agent", label: "roleAgent", hint: "roleAgentHint" },
  { id: "editor", label: "roleEditor", hint: "roleEditorHint" },
  { id: "admin", label: "roleAdmin", hint: "roleAdminHint" },
];

function InviteDialog({ open, onClose, onCreated }: { open: boolean; onClose: () => void; onCreated: (s: Staff) => void }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<Role>("agent");
  const [password, setPassword] = useState("");
  const [phone, setPhone] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(e: Event) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await call(client.api.staff.$post({ json: { name: name.trim(), email: email.trim(), role, password, phone: normalizePhone(phone) } }));
      onCreated(res.staff);
      setName("");
      setEmail("");
      setPassword("");
      setPhone("");
      setRole("agent");
      onClose();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={open} title={t("teamInviteTitle")} onClose={onClose}>
      <form onSubmit={submit} class="stack">
        <TextField label={t("name")} value={name} onInput={(e) => setName(e.currentTarget.value)} required autocomplete="off" />
        <TextField label={t("email")} type="email" value={email} onInput={(e) => setEmail(e.currentTarget.value)} required autocomplete="off" />
        <SelectField label={t("role")} value={role} onChange={(e) => setRole(e.currentTarget.value as Role)} hint={t(roles.find((r) => r.id === role)?.hint ?? "roleAgentHint")}>
          {roles.map((r) => (
            <option key={r.id} value={r.id}>
              {t(r.label)}
            </option>
          ))}
        </SelectField>
        <TextField label={tp("phoneOptional")} hint={tp("phoneHint")} type="text" inputMode="tel" value={phone} onInput={(e) => setPhone(e.currentTarget.value)} autocomplete="off" />
        <TextField label={t("teamInitialPassword")} type="text" value={password} onInput={(e) => setPassword(e.currentTarget.value)} required minLength={10} autocomplete="new-password" hint={t("teamPasswordHint")} />
        {error && (
          <p class="status-msg status-error" role="alert">
            {error}
          </p>
        )}
        <div class="dialog-actions">
          <Button onClick={onClose}>{t("cancel")}</Button>
          <Button type="submit" variant="primary" busy={busy} disabled={!name.trim() || !email.trim() || password.length < 10}>
            {t("teamInviteSubmit")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}

/** Admins keep the list of incident report categories (one per line). */
function ReportCategories() {
  const [text, setText] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [msg, setMsg] = useState<{ ok: boolean; text: string } | null>(null);
  useEffect(() => void loadCategories(), []);
  const current = categories.value;
  const value = text ?? (current ?? []).join("\n");

  async function submit(e: Event) {
    e.preventDefault();
    const list = value.split("\n").map((l) => l.trim()).filter(Boolean);
    setBusy(true);
    setMsg(null);
    try {
      const saved = await saveCategories(list);
      setText(saved.join("\n"));
      setMsg({ ok: true, text: t("categoriesSaved") });
    } catch (err) {
      setMsg({ ok: false, text: errorText(err) });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section class="settings-card" aria-labelledby="categories-title">
      <h2 id="categories-title">{t("categoriesTitle")}</h2>
      <form onSubmit={submit}>
        <TextArea label={t("categoriesLabel")} hint={t("categoriesHint")} rows={7} value={value} onInput={(e) => setText(e.currentTarget.value)} disabled={current === null} />
        {msg && (
          <p class={`status-msg ${msg.ok ? "status-ok" : "status-error"}`} role={msg.ok ? "status" : "alert"}>
            {msg.text}
          </p>
        )}
        <Button type="submit" variant="primary" busy={busy} disabled={current === null || text === null}>
          {t("categoriesSave")}
        </Button>
      </form>
    </section>
  );
}

export function TeamPage() {
  const [staff, setStaff] = useState<Staff[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [inviting, setInviting] = useState(false);
  const [confirmDisable, setConfirmDisable] = useState<Staff | null>(null);
  const [busyId, setBusyId] = useState<string | null>(null);
  const me = currentStaff.value;

  useEffect(() => {
    call(client.api.staff.$get())
      .then((r) => setStaff(r.staff))
      .catch((err: unknown) => setError(errorText(err)));
  }, []);

  async function patch(s: Staff, body: Partial<Pick<Staff, "role" | "disabled">>, done: string) {
    setBusyId(s.id);
    setError(null);
    setNotice(null);
    try {
      const res = await call(client.api.staff[":id"].$patch({ param: { id: s.id }, json: body }));
      setStaff((list) => (list ?? []).map((x) => (x.id === s.id ? res.staff : x)));
      setNotice(done);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusyId(null);
    }
  }

  // Lifts the waits that failed sign-ins put on this account (POST /api/staff/:id/unlock).
  async function unlock(s: Staff) {
    setBusyId(s.id);
    setError(null);
    setNotice(null);
    try {
      await call(client.api.staff[":id"].unlock.$post({ param: { id: s.id } }));
      setNotice(t("teamUnlockDone", { name: s.name }));
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusyId(null);
    }
  }

  return (
    <section class="page-pad team" aria-labelledby="team-title">
      <div class="page-head">
        <h1 id="team-title">{t("navTeam")}</h1>
        <Button variant="primary" onClick={() => setInviting(true)}>
          {t("teamInvite")}
        </Button>
      </div>
      <p class="muted">{t("teamIntro")}</p>
      {error && (
        <p class="status-msg status-error" role="alert">
          {error}
        </p>
      )}
      {notice && (
        <p class="status-msg status-ok" role="status">
          {notice}
        </p>
      )}
      {staff && (
        <div class="table-wrap">
          <table class="table">
            <caption class="visually-hidden">{t("teamTableCaption")}</caption>
            <thead>
              <tr>
                <th scope="col">{t("name")}</th>
                <th scope="col">{t("email")}</th>
                <th scope="col">{t("role")}</th>
                <th scope="col">{tp("phoneColumn")}</th>
                <th scope="col">{t("teamStatus")}</th>
                <th scope="col">{t("teamSince")}</th>
                <th scope="col">
                  <span class="visually-hidden">{t("teamActions")}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {staff.map((s) => {
                const self = s.id === me?.id;
                return (
                  <tr key={s.id} class={s.disabled ? "is-disabled" : ""}>
                    <th scope="row">
                      {s.name}
                      {self && <span class="muted"> ({t("you")})</span>}
                    </th>
                    <td>{s.email}</td>
                    <td>
                      <label class="visually-hidden" for={`role-${s.id}`}>
                        {t("teamRoleOf", { name: s.name })}
                      </label>
                      <select id={`role-${s.id}`} value={s.role} disabled={self || busyId === s.id} onChange={(e) => void patch(s, { role: e.currentTarget.value as Role }, t("teamRoleChanged", { name: s.name }))}>
                        {roles.map((r) => (
                          <option key={r.id} value={r.id}>
                            {t(r.label)}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <PhoneCell staff={s} self={self} onSaved={(saved) => setStaff((list) => (list ?? []).map((x) => (x.id === saved.id ? saved : x)))} />
                    </td>
                    <td>{s.disabled ? <span class="tag tag-closed">{t("teamDisabled")}</span> : <span class="tag tag-ok">{t("teamActive")}</span>}</td>
                    <td>{formatDate(s.createdAt)}</td>
                    <td>
                      <div class="team-actions">
                        {!s.disabled && (
                          <Button small onClick={() => void unlock(s)} busy={busyId === s.id}>
                            {t("teamUnlock")}
                          </Button>
                        )}
                        {!self &&
                          (s.disabled ? (
                            <Button small onClick={() => void patch(s, { disabled: false }, t("teamEnabledDone", { name: s.name }))} busy={busyId === s.id}>
                              {t("teamEnable")}
                            </Button>
                          ) : (
                            <Button small variant="danger" onClick={() => setConfirmDisable(s)} busy={busyId === s.id}>
                              {t("teamDisable")}
                            </Button>
                          ))}
                      </div>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
      <ReportCategories />
      <InviteDialog open={inviting} onClose={() => setInviting(false)} onCreated={(s) => {
        setStaff((list) => [...(list ?? []), s]);
        setNotice(t("teamInvited", { name: s.name }));
      }} />
      <ConfirmDialog
        open={!!confirmDisable}
        title={t("teamDisableTitle")}
        message={t("teamDisableQuestion", { name: confirmDisable?.name ?? "" })}
        confirmLabel={t("teamDisable")}
        danger
        onCancel={() => setConfirmDisable(null)}
        onConfirm={() => {
          const s = confirmDisable;
          setConfirmDisable(null);
          if (s) void patch(s, { disabled: true }, t("teamDisabledDone", { name: s.name }));
        }}
      />
    </section>
  );
}
