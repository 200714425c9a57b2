// Open alerts for admins (e.g. the WhatsApp access token expired): loaded on start and after every
// reconnect, refreshed when the room pushes `admin.alert`, one entry per kind, acknowledged by "Erledigt".
import { signal } from "@preact/signals";
import { call, isApiError } from "../lib/api";
import { client, type Ok } from "../lib/client";
import { onRoomReconnect, subscribeRoom } from "../lib/room";

type AlertRow = Ok<typeof client.api.alerts.$get>["alerts"][number];

/** One banner per kind; `ids` are the stored open alerts behind it (normally one). */
export interface AlertEntry {
  kind: string;
  message: string;
  ids: number[];
}

export const adminAlerts = signal<AlertEntry[]>([]);

let loadSeq = 0;

function byKind(rows: AlertRow[]): AlertEntry[] {
  const entries = new Map<string, AlertEntry>();
  for (const r of rows) {
    const e = entries.get(r.kind);
    if (e) e.ids.push(r.id);
    else entries.set(r.kind, { kind: r.kind, message: r.message, ids: [r.id] });
  }
  return [...entries.values()];
}

export async function loadAdminAlerts(): Promise<void> {
  const seq = ++loadSeq;
  try {
    const { alerts } = await call(client.api.alerts.$get());
    if (seq === loadSeq) adminAlerts.value = byKind(alerts);
  } catch {
    /* offline or signed out: keep what is shown; the next reconnect loads again */
  }
}

/** Acknowledges every open alert of this kind (another admin may have done it already: fine). */
export async function acknowledgeAlert(kind: string): Promise<void> {
  let entry = adminAlerts.value.find((a) => a.kind === kind);
  if (entry && entry.ids.length === 0) {
    await loadAdminAlerts();
    entry = adminAlerts.value.find((a) => a.kind === kind);
  }
  if (!entry) return;
  for (const id of entry.ids) {
    try {
      await call(client.api.alerts[":id"].ack.$post({ param: { id: String(id) } }));
    } catch (err) {
      if (!isApiError(err, "not_found")) throw err;
    }
  }
  adminAlerts.value = adminAlerts.value.filter((a) => a.kind !== kind);
  await loadAdminAlerts();
}

/** Starts following alerts (admins only); returns the stop function. */
export function watchAdminAlerts(): () => void {
  void loadAdminAlerts();
  const offEvent = subscribeRoom((event) => {
    if (event.type !== "admin.alert") return;
    // Show it at once (deduplicated by kind), then fetch its id for "Erledigt".
    if (!adminAlerts.value.some((a) => a.kind === event.kind)) {
      adminAlerts.value = [...adminAlerts.value, { kind: event.kind, message: event.message, ids: [] }];
    }
    void loadAdminAlerts();
  });
  const offReconnect = onRoomReconnect(() => void loadAdminAlerts());
  return () => {
    offEvent();
    offReconnect();
    loadSeq++;
    adminAlerts.value = [];
  };
}
