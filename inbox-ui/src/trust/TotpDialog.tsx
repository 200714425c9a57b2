// "Zwei-Faktor-Anmeldung" from the top bar: the own settings in a dialog.
import { Dialog } from "../ui";
import { TotpSettings } from "./TotpSettings";
import { tt } from "./totp-strings";

export function TotpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title={tt("title")} onClose={onClose}>
      {open && <TotpSettings onEnabled={onClose} />}
    </Dialog>
  );
}
