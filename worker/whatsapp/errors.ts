// Graph API errors, classified by numeric code (never by title, which Meta rewords).

export type GraphErrorKind =
  | "rate_limited"
  | "retryable"
  | "outside_window"
  | "opted_out"
  | "permanent"
  | "auth";

export interface GraphErrorInit {
  code: number;
  subcode?: number;
  httpStatus?: number;
  title?: string;
  details?: string;
  cause?: unknown;
  /** The request may have reached WhatsApp and been accepted (see GraphApiError.ambiguous). */
  ambiguous?: boolean;
}

export class GraphApiError extends Error {
  override name = "GraphApiError";
  readonly kind: GraphErrorKind = "permanent";
  readonly code: number;
  readonly subcode?: number;
  readonly httpStatus?: number;
  readonly title?: string;
  readonly details?: string;
  /**
   * No clear answer: the request may have been accepted (network error, timeout, reset, a response
   * without Meta's error envelope). Sending the same message again at once could send it twice; the
   * status webhook with the callback data is the evidence to wait for. A refusal in Meta's error
   * envelope is never ambiguous: WhatsApp did not take the message.
   */
  readonly ambiguous: boolean;
  constructor(init: GraphErrorInit) {
    super(`WhatsApp API error ${init.code}${init.title ? `: ${init.title}` : ""}${init.details ? ` (${init.details})` : ""}`, {
      cause: init.cause,
    });
    this.code = init.code;
    this.subcode = init.subcode;
    this.httpStatus = init.httpStatus;
    this.title = init.title;
    this.details = init.details;
    this.ambiguous = init.ambiguous ?? false;
  }
  /** Whether the same request may succeed later. */
  get retryable(): boolean {
    return this.kind === "rate_limited" || this.kind === "retryable";
  }
}

/** Throughput or pair rate limit hit: slow down and retry. `perRecipient` for 131056. */
export class RateLimitedError extends GraphApiError {
  override readonly kind = "rate_limited";
  get perRecipient(): boolean {
    return this.code === 131056;
  }
}
/** Server error, transient WhatsApp failure or network error: retry with backoff. */
export class RetryableError extends GraphApiError {
  override readonly kind = "retryable";
}
/** 131047: more than 24 hours since the citizen last wrote; only a template may be sent. */
export class OutsideWindowError extends GraphApiError {
  override readonly kind = "outside_window";
}
/** 131050: the citizen stopped marketing messages from this business. */
export class OptedOutError extends GraphApiError {
  override readonly kind = "opted_out";
}
/** Will not succeed on retry (undeliverable, unsupported, template problems, policy). */
export class PermanentError extends GraphApiError {
  override readonly kind = "permanent";
}
/** 190: the access token is invalid or expired; an admin must act. */
export class AuthError extends GraphApiError {
  override readonly kind = "auth";
}

const RATE_LIMIT_CODES = new Set([4, 80007, 130429, 131056]);
const RETRYABLE_CODES = new Set([1, 2, 131000, 131016]);
const PERMANENT_CODES = new Set([368, 131026, 131048, 131049, 131051]);

export function classifyGraphError(init: GraphErrorInit): GraphApiError {
  const { code, httpStatus } = init;
  if (RATE_LIMIT_CODES.has(code)) return new RateLimitedError(init);
  if (code === 190) return new AuthError(init);
  if (code === 131047) return new OutsideWindowError(init);
  if (code === 131050) return new OptedOutError(init);
  if (PERMANENT_CODES.has(code) || (code >= 132000 && code < 133000)) return new PermanentError(init);
  if (RETRYABLE_CODES.has(code) || (httpStatus !== undefined && httpStatus >= 500)) return new RetryableError(init);
  if (httpStatus === 429) return new RateLimitedError(init);
  return new PermanentError(init);
}

/**
 * A fetch without an answer (reset, timeout, DNS). It may have reached WhatsApp before the answer was
 * lost, so it is ambiguous; still retryable for reads, where asking twice does no harm.
 */
export function networkError(cause: unknown): RetryableError {
  return new RetryableError({ code: 0, title: "Network error", details: String(cause), cause, ambiguous: true });
}

/** A GraphApiError as plain data, to pass it between Workers and Durable Objects. */
export interface GraphErrorData {
  kind: GraphErrorKind;
  code: number;
  subcode?: number;
  httpStatus?: number;
  title?: string;
  details?: string;
  ambiguous?: boolean;
}

export function graphErrorData(err: unknown): GraphErrorData {
  const e = err instanceof GraphApiError ? err : networkError(err);
  return { kind: e.kind, code: e.code, subcode: e.subcode, httpStatus: e.httpStatus, title: e.title, details: e.details, ambiguous: e.ambiguous };
}

const ERROR_CLASSES: Record<GraphErrorKind, new (init: GraphErrorInit) => GraphApiError> = {
  rate_limited: RateLimitedError,
  retryable: RetryableError,
  outside_window: OutsideWindowError,
  opted_out: OptedOutError,
  permanent: PermanentError,
  auth: AuthError,
};

export function reviveGraphError(data: GraphErrorData): GraphApiError {
  const { kind, ...init } = data;
  return new ERROR_CLASSES[kind](init);
}
