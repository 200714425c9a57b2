// Staff accounts and signed-in requests for Workers-runtime tests.
import { env, exports } from "cloudflare:workers";
import { createStaffMember, type StaffView } from "../../worker/auth/staff";
import type { Role } from "../../worker/auth/roles";
import { getDb } from "../../worker/db/client";

export const BASE_URL = "https://townwire.test";
export const ORIGIN = BASE_URL;
export const DEFAULT_PASSWORD = "richtig-langes-passwort";

let seq = 0;

export interface CreateStaffOptions {
  role: Role;
  email?: string;
  name?: string;
  password?: string;
  phone?: string | null;
}

/** Inserts a staff member straight into D1 (real PBKDF2 hash). */
export async function createStaff(o: CreateStaffOptions): Promise<StaffView & { password: string }> {
  const n = ++seq;
  const password = o.password ?? DEFAULT_PASSWORD;
  const staff = await createStaffMember(getDb(env.DB), {
    email: (o.email ?? `${o.role}${n}@gemeinde.test`).toLowerCase(),
    name: o.name ?? `${o.role[0]?.toUpperCase()}${o.role.slice(1)} ${n}`,
    role: o.role,
    password,
    phone: o.phone ?? null,
  });
  return { ...staff, password };
}

export interface Session {
  /** `tw_session=<token>` */
  cookie: string;
  /** The raw cookie token. */
  token: string;
  staff: StaffView;
  /** Cookie + Origin: enough for any state-changing API call. */
  headers: Record<string, string>;
}

/** Signs in through POST /api/auth/login. */
export async function loginWith(email: string, password: string, ip = "203.0.113.7"): Promise<Session> {
  const res = await exports.default.fetch(
    new Request(`${BASE_URL}/api/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", origin: ORIGIN, "cf-connecting-ip": ip },
      body: JSON.stringify({ email, password }),
    }),
  );
  if (res.status !== 200) throw new Error(`login failed: ${res.status} ${await res.text()}`);
  const setCookie = res.headers.get("set-cookie") ?? "";
  const token = /tw_session=([^;]+)/.exec(setCookie)?.[1];
  if (!token) throw new Error(`no session cookie in ${setCookie}`);
  const { staff } = await res.json<{ staff: StaffView }>();
  const cookie = `tw_session=${token}`;
  return { cookie, token, staff, headers: { cookie, origin: ORIGIN } };
}

/** Creates a staff member with this role (or these options) and signs them in. */
export async function loginAs(role: Role | CreateStaffOptions): Promise<Session> {
  const staff = await createStaff(typeof role === "string" ? { role } : role);
  return loginWith(staff.email, staff.password);
}

export interface ApiOptions {
  method?: string;
  /** JSON-encoded unless it is FormData. */
  body?: unknown;
  /** Signed-in session; omitted = anonymous. */
  as?: Session;
  headers?: Record<string, string>;
  /** Origin header (default: our own origin; null sends none). */
  origin?: string | null;
}

/** A request to the Worker under test, e.g. `api("/api/conversations", { as: agent })`. */
export function api(path: string, o: ApiOptions = {}): Promise<Response> {
  const headers: Record<string, string> = {};
  if (o.as) headers.cookie = o.as.cookie;
  const origin = o.origin === undefined ? ORIGIN : o.origin;
  if (origin !== null) headers.origin = origin;
  let body: BodyInit | undefined;
  if (o.body instanceof FormData) body = o.body;
  else if (o.body !== undefined) {
    headers["content-type"] = "application/json";
    body = JSON.stringify(o.body);
  }
  return exports.default.fetch(
    new Request(`${BASE_URL}${path}`, { method: o.method ?? (o.body === undefined ? "GET" : "POST"), headers: { ...headers, ...o.headers }, body }),
  );
}
