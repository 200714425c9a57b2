// The one place where answers of the staff API become data or an ApiError (whose message, the server's
// German sentence, is shown to the clerk as it is). `call` wraps the typed client (lib/client.ts);
// `api` is the plain fetch wrapper for the calls not yet moved to it.
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

export interface ApiOptions {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  body?: unknown;
  signal?: AbortSignal;
  /** Do not report a 401 as "logged out" (the login form itself). */
  quiet401?: boolean;
}

interface ErrorBody {
  error?: { code?: unknown; message?: unknown; details?: unknown };
}

export async function api<T>(path: string, options: ApiOptions = {}): Promise<T> {
  const { method = "GET", body, signal, quiet401 = false } = options;
  const isForm = typeof FormData !== "undefined" && body instanceof FormData;
  let res: Response;
  try {
    res = await fetch(path, {
      method,
      credentials: "same-origin",
      headers: body === undefined || isForm ? { accept: "application/json" } : { accept: "application/json", "content-type": "application/json" },
      body: body === undefined ? undefined : isForm ? body : JSON.stringify(body),
      signal,
    });
  } catch (err) {
    if (err instanceof DOMException && err.name === "AbortError") throw err;
    throw new ApiError(0, "network", "network");
  }
  const text = await res.text();
  let data: unknown = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!res.ok) {
    const e = (data as ErrorBody | null)?.error;
    const code = typeof e?.code === "string" ? e.code : `http_${res.status}`;
    const message = typeof e?.message === "string" ? e.message : res.statusText;
    const details = e?.details && typeof e.details === "object" ? (e.details as Record<string, unknown>) : undefined;
    if (res.status === 401 && !quiet401) for (const fn of unauthorizedListeners) fn();
    throw new ApiError(res.status, code, message, details);
  }
  return data as T;
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
