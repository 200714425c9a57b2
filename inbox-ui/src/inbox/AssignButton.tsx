// "Weitergeben": hands the conversation (say, a report for the Bauhof) to a colleague, who then finds
// it under "Mir zugewiesen". Offered to the holder, on an unassigned conversation, and to admins.
import { useState } from "preact/hooks";
import { defineStrings } from "../i18n";
import { call } from "../lib/api";
import { client, type Ok } from "../lib/client";
import type { ConversationDetail, StaffIdentity } from "../lib/types";
import { Button, Dialog, errorText, SelectField } from "../ui";
import { setOpenConversation } from "./conversation-store";
import { scheduleHeadRefresh } from "./list-store";

const ts = defineStrings<"assign" | "assignTitle" | "assignTo" | "assignHint" | "assignConfirm" | "assignLoading" | "assignNobody" | "assignCancel">({
  de: {
    assign: "Weitergeben",
    assignTitle: "An eine Kollegin oder einen Kollegen weitergeben",
    assignTo: "Weitergeben an",
    assignHint: "Die Person findet das Gespräch dann unter „Mir zugewiesen“ und kann antworten.",
    assignConfirm: "Weitergeben",
    assignLoading: "Kolleg:innen werden geladen …",
    assignNobody: "Es gibt noch keine andere Person mit Zugang. Eine Administratorin oder ein Administrator kann unter „Team“ jemanden hinzufügen.",
    assignCancel: "Abbrechen",
  },
  en: {
    assign: "Hand over",
    assignTitle: "Hand over to a colleague",
    assignTo: "Hand over to",
    assignHint: "They will find the conversation under “Assigned to me” and can reply.",
    assignConfirm: "Hand over",
    assignLoading: "Loading colleagues …",
    assignNobody: "There is nobody else with access yet. An admin can add someone under “Team”.",
    assignCancel: "Cancel",
  },
});

type Colleague = Ok<typeof client.api.colleagues.$get>["colleagues"][number];

export function AssignButton({ c, me }: { c: ConversationDetail; me: StaffIdentity }) {
  const [open, setOpen] = useState(false);
  const [colleagues, setColleagues] = useState<Colleague[] | null>(null);
  const [choice, setChoice] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const allowed = c.status === "open" && (!c.assignee || c.assignee.id === me.id || me.role === "admin");
  if (!allowed) return null;

  async function show() {
    setOpen(true);
    setError(null);
    try {
      const list = (await call(client.api.colleagues.$get())).colleagues.filter((x) => x.id !== c.assignee?.id);
      setColleagues(list);
      setChoice(list.find((x) => x.id !== me.id)?.id ?? list[0]?.id ?? "");
    } catch (err) {
      setError(errorText(err));
    }
  }

  async function assign(e: Event) {
    e.preventDefault();
    const to = colleagues?.find((x) => x.id === choice);
    if (!to || busy) return;
    setBusy(true);
    setError(null);
    try {
      const res = await call(client.api.conversations[":id"].assign.$post({ param: { id: c.id }, json: { staffId: to.id } }));
      setOpenConversation(res.conversation);
      scheduleHeadRefresh();
      setOpen(false);
    } catch (err) {
      setError(errorText(err));
    } finally {
      setBusy(false);
    }
  }

  const formId = `assign-${c.id}`;
  return (
    <>
      <Button onClick={() => void show()}>{ts("assign")}</Button>
      <Dialog
        open={open}
        title={ts("assignTitle")}
        onClose={() => setOpen(false)}
        footer={
          <>
            <Button onClick={() => setOpen(false)}>{ts("assignCancel")}</Button>
            <Button type="submit" form={formId} variant="primary" busy={busy} disabled={!choice}>
              {ts("assignConfirm")}
            </Button>
          </>
        }
      >
        <form id={formId} onSubmit={(e) => void assign(e)}>
          {colleagues === null && !error && <p aria-busy="true">{ts("assignLoading")}</p>}
          {colleagues?.length === 0 && <p>{ts("assignNobody")}</p>}
          {!!colleagues?.length && (
            <SelectField label={ts("assignTo")} hint={ts("assignHint")} value={choice} onChange={(e) => setChoice(e.currentTarget.value)}>
              {colleagues.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </SelectField>
          )}
          {error && (
            <p class="status-msg status-error" role="alert">
              {error}
            </p>
          )}
        </form>
      </Dialog>
    </>
  );
}
