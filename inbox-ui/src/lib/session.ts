// The signed-in staff member. undefined = not yet known (checking /api/me), null = signed out.
import { computed, signal } from "@preact/signals";
import { api, isApiError, onUnauthorized } from "./api";
import type { Role, StaffIdentity } from "./types";

export const currentStaff = signal<StaffIdentity | null | undefined>(undefined);
/** The town requires two-factor sign-in of this person and it is not set up yet (docs/trust.md). */
export const totpSetupRequired = signal(false);
/** True when the session ended without the person signing out (expired, signed out elsewhere, disabled). */
export const sessionEnded = signal(false);

function endSession(): void {
  if (currentStaff.value) sessionEnded.value = true;
  currentStaff.value = null;
}

const rank: Record<Role, number> = { agent: 1, editor: 2, admin: 3 };

/** Roles nest: admin ⊃ editor ⊃ agent. */
export function hasRole(role: Role): boolean {
  const me = currentStaff.value;
  return !!me && rank[me.role] >= rank[role];
}

export const isAdmin = computed(() => currentStaff.value?.role === "admin");

export async function loadSession(): Promise<void> {
  try {
    const { staff, totpSetupRequired: setup } = await api<{ staff: StaffIdentity; totpSetupRequired?: boolean }>("/api/me", { quiet401: true });
    totpSetupRequired.value = setup === true;
    currentStaff.value = staff;
  } catch (err) {
    if (isApiError(err) && (err.status === 401 || err.status === 403)) endSession();
    else if (currentStaff.value === undefined) currentStaff.value = null;
  }
}

/** `totp`: the code of two-factor sign-in (or a recovery code), once the server asked for it. */
export async function login(email: string, password: string, totp?: string): Promise<void> {
  const body = totp ? { email, password, totp } : { email, password };
  const { staff, totpSetupRequired: setup } = await api<{ staff: StaffIdentity; totpSetupRequired?: boolean }>("/api/auth/login", { method: "POST", body, quiet401: true });
  totpSetupRequired.value = setup === true;
  currentStaff.value = staff;
  sessionEnded.value = false;
}

export async function logout(): Promise<void> {
  try {
    await api("/api/auth/logout", { method: "POST", quiet401: true });
  } finally {
    currentStaff.value = null;
  }
}

onUnauthorized(endSession);
