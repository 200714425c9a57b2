// The public sign-up endpoint is limited per IP address (fixed window in rate_limits), so nobody
// can fill the code table or use the worker as a free QR service.
import type { Db } from "../db/client";
import { hitLimit, type LimitState, type RateLimit } from "../auth/rate-limit";

export const SIGNUP_RATE_KEY_PREFIX = "signup:";
/** Sign-up codes per IP address and window. */
export const SIGNUP_RATE_LIMIT: RateLimit = { limit: 20, windowMs: 10 * 60 * 1000 };

/** Counts one sign-up request from `ip`; `blocked` once more than the limit came in this window. */
export async function hitSignupLimit(db: Db, ip: string, now = Date.now()): Promise<LimitState> {
  // hitLimit counts this hit in and blocks at count ≥ limit, so the limit-th request is still allowed
  // with limit + 1.
  return hitLimit(db, `${SIGNUP_RATE_KEY_PREFIX}${ip}`, { ...SIGNUP_RATE_LIMIT, limit: SIGNUP_RATE_LIMIT.limit + 1 }, now);
}
