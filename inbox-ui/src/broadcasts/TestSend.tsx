// "Testversand an mich": the broadcast as citizens would get it, to the clerk's own number. Says
// where it goes, or that no number is set, with a way to enter it right here.
import { useEffect, useState } from "preact/hooks";
import { api, isApiError } from "../lib/api";
import type { Staff } from "../lib/types";
import { Button } from "../ui";
import { PhoneDialog } from "../team/PhoneDialog";
import { formatPhone } from "../team/phone-strings";
import { td } from "./delivery-strings";
import { tb } from "./strings";

export function TestSend({ busy, onTest }: { busy: boolean; onTest: () => Promise<unknown> }) {
  const [me, setMe] = useState<Staff | null>(null);
  const [editing, setEditing] = useState(false);
  useEffect(() => {
    api<{ staff: Staff }>("/api/me")
      .then((r) => setMe(r.staff))
      .catch(() => setMe(null));
  }, []);

  async function run() {
    if (me && !me.phone) return setEditing(true);
    try {
      await onTest();
    } catch (err) {
      // The server did not find a number (set elsewhere meanwhile removed): ask for it.
      if (isApiError(err, "no_phone")) setEditing(true);
    }
  }

  return (
    <div class="bc-test">
      <Button busy={busy} onClick={() => void run()}>
        {tb("testSend")}
      </Button>
      {me && (
        <span class="small" data-testid="test-phone">
          {me.phone ? td("testTo", { phone: formatPhone(me.phone) }) : <span class="bc-nophone">{td("noPhone")}</span>}{" "}
          <button type="button" class="link-btn" onClick={() => setEditing(true)}>
            {me.phone ? td("changePhone") : td("setPhone")}
          </button>
        </span>
      )}
      <PhoneDialog staff={editing && me ? me : null} self onClose={() => setEditing(false)} onSaved={setMe} />
    </div>
  );
}
