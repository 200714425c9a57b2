// Typed domain errors. One onError handler maps them to {error: {code, message}} with the status.
export class AppError extends Error {
  constructor(
    readonly status: 400 | 401 | 403 | 404 | 409 | 413 | 415 | 422 | 429 | 500 | 502 | 503,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = "AppError";
  }
}

export const badRequest = (message: string, details?: Record<string, unknown>) =>
  new AppError(400, "bad_request", message, details);
export const notFound = (message = "Nicht gefunden") => new AppError(404, "not_found", message);
export const conflict = (message: string, details?: Record<string, unknown>) =>
  new AppError(409, "conflict", message, details);
export const forbidden = (message = "Keine Berechtigung") => new AppError(403, "forbidden", message);
export const unauthorized = (message = "Bitte anmelden") => new AppError(401, "unauthorized", message);
