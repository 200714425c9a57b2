// Turns a failed request into a sentence for the person in front of the screen.
import { lang, t, type StringKey } from "../i18n";
import { ApiError } from "../lib/api";

const byCode: Record<string, StringKey> = {
  network: "errNetwork",
  unauthorized: "errUnauthorized",
  forbidden: "errForbidden",
  bad_origin: "errForbidden",
  not_found: "errNotFound",
  rate_limited: "errRateLimited",
  too_many_attempts: "errRateLimited",
  claimed_by_other: "errClaimedByOther",
  already_claimed: "errClaimedByOther",
  outside_window: "errOutsideWindow",
  validation_error: "errValidation",
  invalid_input: "errValidation",
};

/** The server writes German messages; in English we prefer our own text for known codes. */
export function errorText(err: unknown): string {
  if (err instanceof ApiError) {
    const key = byCode[err.code];
    if (err.code === "network") return t("errNetwork");
    if (err.status === 429) return t("errRateLimited");
    if (key && (!err.message || lang.value !== "de")) {
      const who = (err.details?.assignee as { name?: unknown } | undefined)?.name;
      return t(key, { name: typeof who === "string" ? who : "?" });
    }
    if (err.message) return err.message;
    if (err.status >= 500) return t("errServer");
  }
  return t("errUnknown");
}
