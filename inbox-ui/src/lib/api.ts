// The one place where answers of the staff API become data or an ApiError (whose message, the server's
// German sentence, is shown to the clerk as it is). `call` wraps the typed client (lib/client.ts):
// every call of the staff API goes through it, so its paths, inputs and answers are the server's.
import type { ClientResponse } from "hono/client";
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

type UnauthorizedListener = () => void;
const unauthorizedListeners = new Set<UnauthorizedListener>();

/** Called on every 401 from the API (session expired, staff disabled): the session module logs out. */
export function onUnauthorized(fn: UnauthorizedListener): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

/**
 * Awaits a call of the typed client (`call(client.api.staff.$get())`): its JSON answer typed by the
 * server's route, or an ApiError carrying the server's German sentence.
 */
export async function call<T>(request: Promise<ClientResponse<T>>, o: { quiet401?: boolean } = {}): Promise<T> {
  let res: ClientResponse<T>;
  try {
    res = await request;
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "network", "network");
  }
  // 204 (a deletion) has no body.
  if (res.ok) return (res.status === 204 ? undefined : await res.json()) as T;
  const data: unknown = await res.json().catch(() => null);
  const e = (data as ErrorBody | null)?.error;
  const code = typeof e?.code === "string" ? e.code : `http_${res.status}`;
  const message = typeof e?.message === "string" ? e.message : res.statusText;
  const details = e?.details && typeof e.details === "object" ? (e.details as Record<string, unknown>) : undefined;
  if (res.status === 401 && !o.quiet401) for (const fn of unauthorizedListeners) fn();
  throw new ApiError(res.status, code, message, details);
}

export function isApiError(err: unknown, code?: string): err is ApiError {
  return err instanceof ApiError && (code === undefined || err.code === code);
}
