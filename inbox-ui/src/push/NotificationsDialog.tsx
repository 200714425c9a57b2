// "Benachrichtigungen" from the account menu: the own push settings in a dialog.
import { Dialog } from "../ui";
import { NotificationSettings } from "./NotificationSettings";
import { tn } from "./strings";

export function NotificationsDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  return (
    <Dialog open={open} title={tn("title")} onClose={onClose}>
      {open && <NotificationSettings />}
    </Dialog>
  );
}
