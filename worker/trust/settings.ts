// The town's trust settings (docs/trust.md): four eyes on broadcasts, two-factor sign-in for those who
// can send, and how long the audit trail is kept. Stored in the settings table; all off by default,
// so a town with one clerk keeps working until an admin turns them on.
import { inArray, sql } from "drizzle-orm";
import { z } from "zod";
import { batchSql, type Db } from "../db/client";
import { settings } from "../db/schema";

export const FOUR_EYES_KEY = "trust.four_eyes";
export const REQUIRE_TOTP_KEY = "trust.require_totp";
/** Read by the audit_log DELETE trigger too (migrations/*_trust_sql.sql): keep the key and the integer format. */
export const AUDIT_RETENTION_KEY = "trust.audit_retention_days";

export const MIN_AUDIT_RETENTION_DAYS = 30;
export const DEFAULT_AUDIT_RETENTION_DAYS = 730;

const count = (max: number) => z.number({ error: "Bitte eine ganze Zahl eingeben" }).int({ error: "Bitte eine ganze Zahl eingeben" }).min(0, { error: "Die Zahl darf nicht negativ sein" }).max(max, { error: `Höchstens ${max}` });

export const fourEyesSchema = z.strictObject({
  enabled: z.boolean(),
  /** Broadcasts of this kind to MORE than this many recipients need a second person. */
  alertThreshold: count(10_000_000),
  newsletterThreshold: count(10_000_000),
});
export type FourEyesSettings = z.infer<typeof fourEyesSchema>;

export const trustSettingsSchema = z.strictObject({
  fourEyes: fourEyesSchema,
  /** Editors and admins (who can send broadcasts) must sign in with a second factor. */
  requireTotp: z.boolean(),
  auditRetentionDays: z
    .number({ error: "Bitte eine ganze Zahl eingeben" })
    .int({ error: "Bitte eine ganze Zahl eingeben" })
    .min(MIN_AUDIT_RETENTION_DAYS, { error: `Das Protokoll wird mindestens ${MIN_AUDIT_RETENTION_DAYS} Tage aufbewahrt` })
    .max(36_500, { error: "Höchstens 36500 Tage" }),
});
export type TrustSettings = z.infer<typeof trustSettingsSchema>;

export const DEFAULT_TRUST_SETTINGS: TrustSettings = {
  fourEyes: { enabled: false, alertThreshold: 0, newsletterThreshold: 500 },
  requireTotp: false,
  auditRetentionDays: DEFAULT_AUDIT_RETENTION_DAYS,
};

function parseJson(value: string | undefined): unknown {
  if (value === undefined) return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

export async function trustSettings(db: Db): Promise<TrustSettings> {
  const rows = await db
    .select({ key: settings.key, value: settings.value })
    .from(settings)
    .where(inArray(settings.key, [FOUR_EYES_KEY, REQUIRE_TOTP_KEY, AUDIT_RETENTION_KEY]))
    .all();
  const byKey = new Map(rows.map((r) => [r.key, r.value]));
  const fourEyes = fourEyesSchema.safeParse(parseJson(byKey.get(FOUR_EYES_KEY)));
  const days = Number(byKey.get(AUDIT_RETENTION_KEY));
  return {
    fourEyes: fourEyes.success ? fourEyes.data : DEFAULT_TRUST_SETTINGS.fourEyes,
    requireTotp: byKey.get(REQUIRE_TOTP_KEY) === "1",
    auditRetentionDays: Number.isInteger(days) && days >= MIN_AUDIT_RETENTION_DAYS ? days : DEFAULT_AUDIT_RETENTION_DAYS,
  };
}

export async function saveTrustSettings(db: Db, s: TrustSettings, now = Date.now()): Promise<TrustSettings> {
  const rows: [string, string][] = [
    [FOUR_EYES_KEY, JSON.stringify(s.fourEyes)],
    [REQUIRE_TOTP_KEY, s.requireTotp ? "1" : "0"],
    [AUDIT_RETENTION_KEY, String(s.auditRetentionDays)],
  ];
  await batchSql(
    db,
    rows.map(
      ([key, value]) => sql`INSERT INTO settings (key, value, updated_at) VALUES (${key}, ${value}, ${now})
        ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    ),
  );
  return trustSettings(db);
}
