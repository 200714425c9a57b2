// Edit one staff member's own WhatsApp number (test messages go there). Used on the Team page
// (own row, admins for anyone) and from the broadcast editor when no number is set yet.
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { call } from "../lib/api";
import { client } from "../lib/client";
import type { Staff } from "../lib/types";
import { Button, Dialog, TextField, errorText } from "../ui";
import { formatPhone, isValidPhone, normalizePhone, tp } from "./phone-strings";

export function PhoneDialog({
  staff,
  self,
  onClose,
  onSaved,
}: {
  /** Whose number; null closes the dialog. */
  staff: Pick<Staff, "id" | "name" | "phone"> | null;
  self: boolean;
  onClose: () => void;
  onSaved: (s: Staff) => void;
}) {
  const [value, setValue] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setValue(staff?.phone ? formatPhone(staff.phone) : "");
    setError(null);
  }, [staff?.id]);

  async function submit(e: Event) {
    e.preventDefault();
    if (!staff) return;
    const phone = normalizePhone(value);
    if (phone !== null && !isValidPhone(phone)) {
      setError(tp("phoneInvalid"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const res = await call(client.api.staff[":id"].$patch({ param: { id: staff.id }, json: { phone } }));
      onSaved(res.staff);
      onClose();
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Dialog open={!!staff} title={self || !staff ? tp("phoneDialogTitle") : tp("phoneDialogTitleOf", { name: staff.name })} onClose={onClose}>
      <form class="stack" onSubmit={submit} noValidate>
        <TextField label={tp("phoneLabel")} hint={tp("phoneHint")} type="text" inputMode="tel" autocomplete={self ? "tel" : "off"} value={value} error={error} onInput={(e) => setValue(e.currentTarget.value)} />
        <div class="dialog-actions">
          <Button onClick={onClose}>{t("cancel")}</Button>
          <Button type="submit" variant="primary" busy={busy}>
            {t("save")}
          </Button>
        </div>
      </form>
    </Dialog>
  );
}
