// The Team table's "WhatsApp-Nummer (Testversand)" cell: the number, and a button to change it
// (the page is for admins, who may change anyone's; everyone may change their own).
import { useState } from "preact/hooks";
import type { Staff } from "../lib/types";
import { Button } from "../ui";
import { PhoneDialog } from "./PhoneDialog";
import { formatPhone, tp } from "./phone-strings";

export function PhoneCell({ staff, self, onSaved }: { staff: Staff; self: boolean; onSaved: (s: Staff) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <div class="phone-cell">
      <span class={staff.phone ? "" : "muted"}>{staff.phone ? formatPhone(staff.phone) : tp("phoneNone")}</span>
      <Button small variant="ghost" aria-label={tp("phoneEdit", { name: staff.name })} onClick={() => setOpen(true)}>
        {tp("phoneEditShort")}
      </Button>
      <PhoneDialog staff={open ? staff : null} self={self} onClose={() => setOpen(false)} onSaved={onSaved} />
    </div>
  );
}
