// How many broadcasts wait for approval (the badge in the navigation), kept live: every
// broadcast.approval event from the room, and every reconnect, fetches the list again.
import { signal } from "@preact/signals";
import { call } from "../lib/api";
import { client } from "../lib/client";
import { onRoomReconnect, subscribeRoom } from "../lib/room";
import type { BroadcastView } from "../broadcasts/types";

export const pendingApprovals = signal<BroadcastView[]>([]);
/** The latest approval event, as a sentence for a polite live region. */
export const approvalNotice = signal<{ state: string | null; title: string; byName: string | null } | null>(null);

export async function refreshPendingApprovals(): Promise<void> {
  try {
    const r = await call(client.api.broadcasts.$get({ query: { approval: "pending", limit: "100" } }));
    pendingApprovals.value = r.broadcasts;
  } catch {
    /* offline: the next event or reconnect catches up */
  }
}

let stop: (() => void) | null = null;

export function watchPendingApprovals(): () => void {
  if (stop) return stop;
  void refreshPendingApprovals();
  const offEvent = subscribeRoom((e) => {
    if (e.type !== "broadcast.approval") return;
    approvalNotice.value = { state: e.state, title: e.title, byName: e.byName };
    void refreshPendingApprovals();
  });
  const offReconnect = onRoomReconnect(() => void refreshPendingApprovals());
  stop = () => {
    offEvent();
    offReconnect();
    stop = null;
  };
  return stop;
}
