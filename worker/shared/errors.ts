// Domain errors: what went wrong in the town's terms, with a stable code and a German sentence that
// tells a clerk what to do. They know nothing of HTTP: the HTTP layer maps each kind to a status
// (worker/routes/errors.ts), the queue and cron handlers log or retry them.
export type Details = Record<string, unknown>;

export abstract class DomainError extends Error {
  /** Which kind of failure (one per subclass); the HTTP layer maps it to a status. */
  abstract readonly kind: ErrorKind;
  constructor(
    /** Stable, machine-readable (clients and tests branch on it). */
    readonly code: string,
    /** A German sentence for the clerk: what is wrong and what to do. */
    message: string,
    readonly details?: Details,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The input cannot be right, whatever the state (a missing photo and text, a malformed cursor). */
export class InvalidInput extends DomainError {
  readonly kind = "invalid_input";
}
/** Nobody is signed in (or the session ended). */
export class Unauthenticated extends DomainError {
  readonly kind = "unauthenticated";
}
/** Signed in, but this person may not do this. */
export class Forbidden extends DomainError {
  readonly kind = "forbidden";
}
/** The thing asked for does not exist (or no longer). */
export class NotFound extends DomainError {
  readonly kind = "not_found";
}
/** Clashes with what exists (a name taken, a template already there). */
export class Conflict extends DomainError {
  readonly kind = "conflict";
}
/** Not possible in the current state (a broadcast already sent, a conversation resolved). */
export class InvalidState extends DomainError {
  readonly kind = "invalid_state";
}
/** Well-formed, but breaks a rule of the domain or of WhatsApp (unknown template, a photo of another citizen). */
export class RuleViolation extends DomainError {
  readonly kind = "rule_violation";
}
/** Bigger than allowed (a file). */
export class TooLarge extends DomainError {
  readonly kind = "too_large";
}
/** A file of a type we do not take. */
export class UnsupportedType extends DomainError {
  readonly kind = "unsupported_type";
}
/** Too many attempts in a short time; `details.retryAfterSeconds` says how long to wait. */
export class RateLimited extends DomainError {
  readonly kind = "rate_limited";
}
/** WhatsApp (or another service we call) failed; trying again later may work. */
export class UpstreamFailed extends DomainError {
  readonly kind = "upstream_failed";
}
/** This installation cannot do it right now (busy, or something is not set up). */
export class Unavailable extends DomainError {
  readonly kind = "unavailable";
}

export type ErrorKind =
  | "invalid_input"
  | "unauthenticated"
  | "forbidden"
  | "not_found"
  | "conflict"
  | "invalid_state"
  | "rule_violation"
  | "too_large"
  | "unsupported_type"
  | "rate_limited"
  | "upstream_failed"
  | "unavailable";

/** Sentences used in more than one place. */
export const MESSAGES = {
  signIn: "Bitte melden Sie sich an.",
  foreignOrigin: "Diese Anfrage kam von einer fremden Seite und wurde abgelehnt. Bitte townwire direkt über seine Adresse öffnen und es noch einmal versuchen.",
  noSuchAddress: "Diese Adresse gibt es nicht. Bitte den Link prüfen oder die Startseite öffnen.",
} as const;

export const badRequest = (message: string, details?: Details) => new InvalidInput("bad_request", message, details);
export const notFound = (message = "Das gibt es nicht (mehr). Bitte die Liste neu laden.") => new NotFound("not_found", message);
export const conflict = (message: string, details?: Details) => new Conflict("conflict", message, details);
export const forbidden = (message = "Dafür fehlt Ihnen die Berechtigung. Bitte eine Administratorin oder einen Administrator fragen.") =>
  new Forbidden("forbidden", message);
export const unauthorized = (message: string = MESSAGES.signIn) => new Unauthenticated("unauthorized", message);

const KIND_OF_STATUS: Record<number, ErrorKind> = {
  400: "invalid_input",
  401: "unauthenticated",
  403: "forbidden",
  404: "not_found",
  409: "conflict",
  413: "too_large",
  415: "unsupported_type",
  422: "rule_violation",
  429: "rate_limited",
  502: "upstream_failed",
  503: "unavailable",
};

/**
 * @deprecated Only for worker/dev (the simulator), which is leaving the production Worker; domain code
 * throws the classes above. Remove with the simulator's move.
 */
export class AppError extends DomainError {
  readonly kind: ErrorKind;
  constructor(status: number, code: string, message: string, details?: Details) {
    super(code, message, details);
    this.kind = KIND_OF_STATUS[status] ?? "invalid_input";
  }
}
