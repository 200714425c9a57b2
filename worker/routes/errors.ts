// The one mapping from errors to HTTP: a domain error's kind picks the status, its code and German
// message go out as {error:{code, message, details?}}. Everything else gets a German sentence too.
import type { Context } from "hono";
import { HTTPException } from "hono/http-exception";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ConfigError } from "../env";
import { DomainError, MESSAGES, type ErrorKind } from "../shared/errors";

export const STATUS_OF_KIND = {
  invalid_input: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_state: 409,
  rule_violation: 422,
  too_large: 413,
  unsupported_type: 415,
  rate_limited: 429,
  upstream_failed: 502,
  unavailable: 503,
} as const satisfies Record<ErrorKind, ContentfulStatusCode>;

export interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> };
}

export const errorBody = (code: string, message: string, details?: Record<string, unknown>): ErrorBody => ({
  error: { code, message, ...(details ? { details } : {}) },
});

/** Hono's own exceptions (a body that is not JSON, a broken form) in German. */
function fromHttpException(err: HTTPException): [ErrorBody, ContentfulStatusCode] {
  const status = err.status as ContentfulStatusCode;
  if (status === 400 && /json/i.test(err.message)) {
    return [errorBody("invalid_json", "Der Inhalt der Anfrage ist kein gültiges JSON. Bitte die Seite neu laden und noch einmal versuchen."), 400];
  }
  if (status === 400 && /form/i.test(err.message)) {
    return [errorBody("bad_request", "Das Formular kam unvollständig an. Bitte die Datei noch einmal auswählen und senden."), 400];
  }
  return [errorBody("http_error", "Die Anfrage konnte nicht bearbeitet werden. Bitte die Seite neu laden und noch einmal versuchen."), status];
}

/** app.onError: every error the API answers goes through here. */
export function errorResponse(err: Error, c: Context): Response {
  if (err instanceof DomainError) {
    const wait = err.details?.retryAfterSeconds;
    if (err.kind === "rate_limited" && typeof wait === "number") c.header("Retry-After", String(wait));
    return c.json(errorBody(err.code, err.message, err.details), STATUS_OF_KIND[err.kind]);
  }
  if (err instanceof HTTPException) {
    const [body, status] = fromHttpException(err);
    return c.json(body, status);
  }
  if (err instanceof ConfigError) {
    console.error(err.message);
    return c.json(
      errorBody(
        "misconfigured",
        "Der Dienst ist noch nicht fertig eingerichtet. Bitte die Person verständigen, die townwire betreut (die Einzelheiten stehen im Server-Protokoll).",
      ),
      503,
    );
  }
  console.error("unhandled error", err);
  return c.json(errorBody("internal", "Etwas ist schiefgegangen. Bitte noch einmal versuchen; wenn es wieder passiert, die Betreuung von townwire verständigen."), 500);
}

export const notFoundResponse = (c: Context): Response =>
  c.json(errorBody("not_found", MESSAGES.noSuchAddress), 404);
