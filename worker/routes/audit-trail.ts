// Records the audit trail (docs/trust.md) for the staff API in one place: after a request succeeded
// (2xx), the rule matching its method and path writes one row — who (the session's staff member),
// what (action, target type and id, a small detail picked from the request, never message bodies or
// passwords), when, and from which address (CF-Connecting-IP). Sign-in failures are recorded too.
import type { Context, MiddlewareHandler } from "hono";
import { createMiddleware } from "hono/factory";
import { recordAudit, recordLoginAudit } from "../audit/log";
import type { AuthedEnv } from "../auth/middleware";
import { normalizeEmail } from "../auth/staff";
import { getDb } from "../db/client";

type Json = Record<string, unknown>;
type Detail = (body: Json, response: Json) => Json | null;

interface Rule {
  method: string;
  path: RegExp;
  action: string;
  target?: string;
  /** Where the target id is when the path has none (a created row). */
  createdId?: (response: Json) => unknown;
  detail?: Detail;
}

const ID = "([^/]+)";
const pick = (...keys: string[]): Detail => (body) => Object.fromEntries(keys.filter((k) => k in body).map((k) => [k, body[k]]));
const changedKeys: Detail = (body) => ({ changed: Object.keys(body).sort() });
const nested = (key: string) => (r: Json) => (r[key] as Json | undefined)?.id;

const RULES: Rule[] = [
  { method: "POST", path: /^\/api\/auth\/password$/, action: "auth.password_changed" },
  { method: "POST", path: /^\/api\/auth\/totp\/enable$/, action: "auth.totp_enabled" },
  { method: "POST", path: /^\/api\/auth\/totp\/disable$/, action: "auth.totp_disabled" },
  { method: "POST", path: /^\/api\/auth\/passkeys\/register\/verify$/, action: "auth.passkey_added", target: "passkey", createdId: nested("passkey"), detail: pick("name") },
  { method: "PATCH", path: new RegExp(`^/api/auth/passkeys/${ID}$`), action: "auth.passkey_renamed", target: "passkey", detail: pick("name") },
  { method: "DELETE", path: new RegExp(`^/api/auth/passkeys/${ID}$`), action: "auth.passkey_removed", target: "passkey" },
  { method: "POST", path: new RegExp(`^/api/staff/${ID}/passkeys/reset$`), action: "staff.passkeys_reset", target: "staff", detail: (_b, r) => ({ removed: r.removed }) },
  { method: "POST", path: /^\/api\/staff$/, action: "staff.create", target: "staff", createdId: nested("staff"), detail: pick("email", "role") },
  {
    method: "PATCH",
    path: new RegExp(`^/api/staff/${ID}$`),
    action: "staff.update",
    target: "staff",
    detail: (b) => ({ changed: Object.keys(b).sort(), ...("role" in b ? { role: b.role } : {}), ...("disabled" in b ? { disabled: b.disabled } : {}) }),
  },
  { method: "POST", path: new RegExp(`^/api/staff/${ID}/unlock$`), action: "staff.unlock", target: "staff" },
  { method: "POST", path: new RegExp(`^/api/staff/${ID}/totp/reset$`), action: "staff.totp_reset", target: "staff" },
  { method: "POST", path: /^\/api\/broadcasts$/, action: "broadcast.create", target: "broadcast", createdId: nested("broadcast"), detail: pick("title", "kind", "channelIds", "sendAt") },
  { method: "PATCH", path: new RegExp(`^/api/broadcasts/${ID}$`), action: "broadcast.update", target: "broadcast", detail: changedKeys },
  { method: "POST", path: new RegExp(`^/api/broadcasts/${ID}/reject$`), action: "broadcast.reject", target: "broadcast", detail: pick("reason") },
  { method: "POST", path: new RegExp(`^/api/broadcasts/${ID}/duplicate$`), action: "broadcast.duplicate", target: "broadcast", detail: (_b, r) => ({ copy: nested("broadcast")(r) }) },
  ...["send", "pause", "resume", "cancel", "request-approval", "approve", "test", "retry-with-template"].map(
    (a): Rule => ({ method: "POST", path: new RegExp(`^/api/broadcasts/${ID}/${a}$`), action: `broadcast.${a.replace(/-/g, "_")}`, target: "broadcast" }),
  ),
  { method: "PUT", path: /^\/api\/broadcasts\/settings$/, action: "settings.messaging_tier", detail: pick("tier") },
  { method: "PUT", path: /^\/api\/settings\/template-prices$/, action: "settings.template_prices" },
  { method: "PUT", path: /^\/api\/settings\/trust$/, action: "settings.trust", detail: pick("fourEyes", "requireTotp", "auditRetentionDays") },
  { method: "PUT", path: /^\/api\/keywords$/, action: "settings.keywords" },
  { method: "PUT", path: /^\/api\/report-categories$/, action: "settings.report_categories" },
  { method: "POST", path: /^\/api\/templates$/, action: "template.submit", target: "template", createdId: nested("template"), detail: pick("name", "language", "category") },
  { method: "POST", path: new RegExp(`^/api/templates/recommended/${ID}$`), action: "template.submit", target: "recommended_template" },
  { method: "POST", path: /^\/api\/channels$/, action: "channel.create", target: "channel", createdId: nested("channel"), detail: pick("name") },
  { method: "PATCH", path: new RegExp(`^/api/channels/${ID}$`), action: "channel.update", target: "channel", detail: changedKeys },
  { method: "GET", path: new RegExp(`^/api/subscribers/${ID}$`), action: "citizen.view", target: "citizen" },
  { method: "GET", path: new RegExp(`^/api/subscribers/${ID}/export$`), action: "citizen.export", target: "citizen" },
  { method: "POST", path: new RegExp(`^/api/subscribers/${ID}/erase$`), action: "citizen.erase", target: "citizen" },
  { method: "POST", path: new RegExp(`^/api/subscribers/${ID}/subscriptions$`), action: "subscription.change", target: "citizen", detail: pick("subscribe", "unsubscribe") },
  { method: "GET", path: /^\/api\/audit\/export$/, action: "audit.export", detail: (_b, _r) => null },
];

const ipOf = (c: Context) => c.req.header("cf-connecting-ip") ?? null;

async function bodyOf(c: Context): Promise<Json> {
  if (c.req.method === "GET") return {};
  // Hono keeps the parsed body, so the handler's read is reused; a body that was no JSON gives {}.
  const body: unknown = await c.req.json().catch(() => ({}));
  return body && typeof body === "object" && !Array.isArray(body) ? (body as Json) : {};
}

async function responseJson(res: Response): Promise<Json> {
  if (!(res.headers.get("content-type") ?? "").includes("json")) return {};
  return res
    .clone()
    .json<Json>()
    .catch(() => ({}));
}

/** Sign-in: a success names the staff member; a refused password or code records the e-mail typed. */
async function auditLogin(c: Context<AuthedEnv>): Promise<void> {
  const status = c.res.status;
  // 429 (waiting) is not an attempt: the limits refused it before any check.
  if (status !== 200 && status !== 401) return;
  const body = await bodyOf(c);
  const email = typeof body.email === "string" ? normalizeEmail(body.email).slice(0, 320) : "";
  const code = status === 401 ? ((await responseJson(c.res)).error as Json | undefined)?.code : undefined;
  await recordLoginAudit(getDb(c.env.DB), {
    email,
    success: status === 200,
    detail: status === 200 ? { secondFactor: typeof body.totp === "string" && body.totp.length > 0 } : { email, reason: typeof code === "string" ? code : "invalid" },
    ip: ipOf(c),
  });
}

/** Passkey sign-in: the passkey names the person (also when a check fails); an unknown one is recorded as such. */
async function auditPasskeyLogin(c: Context<AuthedEnv>): Promise<void> {
  const status = c.res.status;
  if (status !== 200 && status !== 401) return;
  const email = c.get("loginEmail") ?? "(unbekannter Passkey)";
  const code = status === 401 ? ((await responseJson(c.res)).error as Json | undefined)?.code : undefined;
  await recordLoginAudit(getDb(c.env.DB), {
    email,
    success: status === 200,
    detail: status === 200 ? { method: "passkey" } : { method: "passkey", reason: typeof code === "string" ? code : "invalid" },
    ip: ipOf(c),
  });
}

export const auditTrail: MiddlewareHandler<AuthedEnv> = createMiddleware<AuthedEnv>(async (c, next) => {
  await next();
  try {
    const path = c.req.path;
    if (c.req.method === "POST" && path === "/api/auth/login") return await auditLogin(c);
    if (c.req.method === "POST" && path === "/api/auth/passkeys/login/verify") return await auditPasskeyLogin(c);
    if (c.res.status >= 300) return;
    const rule = RULES.find((r) => r.method === c.req.method && r.path.test(path));
    const actor = c.get("staff");
    if (!rule || !actor) return;
    const id = rule.path.exec(path)?.[1];
    const [body, response] = await Promise.all([bodyOf(c), rule.createdId || rule.detail ? responseJson(c.res) : Promise.resolve({})]);
    const created = rule.createdId?.(response);
    await recordAudit(getDb(c.env.DB), {
      actorId: actor.id,
      actorName: actor.name,
      action: rule.action,
      targetType: rule.target ?? null,
      targetId: id ? decodeURIComponent(id) : typeof created === "string" ? created : null,
      detail: rule.detail?.(body, response) ?? null,
      ip: ipOf(c),
    });
  } catch (err) {
    // The action itself succeeded and stands; a lost audit row is reported in the logs.
    console.error("audit trail write failed", err);
  }
});
