// "Neue Nachricht" in the inbox: opens the dialog to write first to a citizen.
import { useState } from "preact/hooks";
import { Button } from "../ui";
import { NewMessageDialog } from "./NewMessageDialog";
import { to } from "./strings";
import "./outreach.css";

export function NewMessageButton() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button small variant="primary" class="new-message-btn" onClick={() => setOpen(true)}>
        <span aria-hidden="true">✉ </span>
        {to("newMessage")}
      </Button>
      <NewMessageDialog open={open} onClose={() => setOpen(false)} />
    </>
  );
}
