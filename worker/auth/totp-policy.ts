// Whether a town requires this staff member to set up two-factor sign-in (editors and admins can
// send broadcasts; docs/trust.md). The app sends them to the setup after sign-in; the API refuses
// their editor and admin actions (403 totp_setup_required) until it is done.
import type { Db } from "../db/client";
import { trustSettings } from "../trust/settings";
import { roleAtLeast, type Role } from "./roles";

export async function totpSetupRequired(db: Db, staff: { role: Role; totpEnabled: boolean }): Promise<boolean> {
  if (staff.totpEnabled || !roleAtLeast(staff.role, "editor")) return false;
  return (await trustSettings(db)).requireTotp;
}
