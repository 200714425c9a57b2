// What Meta knows about each citizen's last message (its WhatsApp timestamp, ms), for the fake Graph
// API's 24-hour window. Filled by what the tests say happened: webhooks they post or store, citizens
// they seed ("wrote an hour ago"), and setLastInbound. Never read from the worker's own D1: the fake
// must not believe what the code under test wrote.
const lastInbound = new Map<string, number>();

export const WINDOW_MS = 24 * 60 * 60 * 1000;

/** The citizen (wa_id or user id) wrote at `at`; only a newer time moves it (as at Meta). */
export function citizenWrote(address: string, at: number): void {
  lastInbound.set(address, Math.max(lastInbound.get(address) ?? 0, at));
}

/** Sets the time outright (a test moving the last message into the past). */
export function setCitizenLastWrote(address: string, at: number | null): void {
  if (at === null) lastInbound.delete(address);
  else lastInbound.set(address, at);
}

export function lastWrote(address: string): number | null {
  return lastInbound.get(address) ?? null;
}

export function windowOpenFor(address: string, now = Date.now()): boolean {
  const at = lastInbound.get(address);
  return at !== undefined && now - at < WINDOW_MS;
}

export function forgetAllWindows(): void {
  lastInbound.clear();
}

/** Notes every message of a Meta-shaped webhook payload (from / from_user_id, by its timestamp). */
export function noteWebhookMessages(payload: unknown): void {
  const p = payload as { entry?: { changes?: { field?: string; value?: { messages?: Record<string, unknown>[] } }[] }[] };
  for (const entry of p?.entry ?? []) {
    for (const change of entry.changes ?? []) {
      for (const m of change.value?.messages ?? []) {
        const at = Number(m.timestamp) * 1000;
        if (!Number.isFinite(at) || at <= 0) continue;
        if (typeof m.from === "string") citizenWrote(m.from, at);
        if (typeof m.from_user_id === "string") citizenWrote(m.from_user_id, at);
      }
    }
  }
}
