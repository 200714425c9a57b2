// Fetching a calendar the town publishes at a URL (daily by the cron, and once when it is set up).
import { RuleViolation } from "../shared/errors";
import { ICS_MAX_BYTES } from "./schemas";

export type Fetcher = (input: string, init?: RequestInit) => Promise<Response>;

const TIMEOUT_MS = 15_000;

export class CalendarFetchError extends RuleViolation {
  constructor(message: string) {
    super("calendar_fetch_failed", message);
  }
}

/** The ICS text at `url`, or a CalendarFetchError that says in German what went wrong. */
export async function fetchIcs(url: string, fetcher: Fetcher = (i, init) => fetch(i, init)): Promise<string> {
  let res: Response;
  try {
    res = await fetcher(url, {
      headers: { accept: "text/calendar, text/plain;q=0.8, */*;q=0.1" },
      redirect: "follow",
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (err) {
    const timeout = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
    throw new CalendarFetchError(
      timeout
        ? `Der Kalender unter ${url} hat nicht innerhalb von ${TIMEOUT_MS / 1000} Sekunden geantwortet`
        : `Der Kalender unter ${url} ist nicht erreichbar (Adresse prüfen)`,
    );
  }
  if (!res.ok) {
    await res.body?.cancel();
    const hint = res.status === 404 ? " – die Adresse gibt es nicht (mehr)" : res.status === 401 || res.status === 403 ? " – kein Zugriff" : "";
    throw new CalendarFetchError(`Der Kalender unter ${url} konnte nicht geladen werden: HTTP ${res.status}${hint}`);
  }
  const length = Number(res.headers.get("content-length") ?? 0);
  if (length > ICS_MAX_BYTES) {
    await res.body?.cancel();
    throw new CalendarFetchError(`Der Kalender unter ${url} ist zu groß (höchstens 512 KB)`);
  }
  const text = await res.text();
  if (new TextEncoder().encode(text).byteLength > ICS_MAX_BYTES) {
    throw new CalendarFetchError(`Der Kalender unter ${url} ist zu groß (höchstens 512 KB)`);
  }
  return text;
}
