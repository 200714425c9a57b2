// "Zwei-Faktor-Anmeldung" from the top bar: the own settings in a dialog (TOTP, then passkeys).
import { Dialog } from "../ui";
import { PasskeySettings } from "./PasskeySettings";
import { TotpSettings } from "./TotpSettings";
import { tt } from "./totp-strings";

export function TotpDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title={tt("title")} onClose={onClose}>
      {open && <TotpSettings onEnabled={onClose} />}
      {open && <PasskeySettings />}
    </Dialog>
  );
}
