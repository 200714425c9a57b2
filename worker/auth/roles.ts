// Staff roles and what each may do. admin ⊃ editor ⊃ agent: a higher role can do all a lower one can.
export const ROLES = ["agent", "editor", "admin"] as const;
export type Role = (typeof ROLES)[number];

const RANK: Record<Role, number> = { agent: 0, editor: 1, admin: 2 };

export function roleAtLeast(role: Role, needed: Role): boolean {
  return RANK[role] >= RANK[needed];
}

/** Who is signed in, as the API and the realtime room see it. */
export interface StaffIdentity {
  id: string;
  email: string;
  name: string;
  role: Role;
  /** Two-factor sign-in is on (set by the session lookup; docs/trust.md). */
  totpEnabled?: boolean;
  /** The town requires two-factor sign-in of this role and it is not set up (docs/trust.md). */
  mustSetUpTotp?: boolean;
}
