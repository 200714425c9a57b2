// The 24-hour customer-service window: free-form messages are allowed until 24 h after the
// citizen's last message; after that only an approved template may be sent.
import { eq } from "drizzle-orm";
import type { Db } from "../db/client";
import { citizens } from "../db/schema";

export const WINDOW_MS = 24 * 60 * 60 * 1000;

export function windowOpenUntil(lastInboundAt: number | null | undefined): number | null {
  return lastInboundAt ? lastInboundAt + WINDOW_MS : null;
}

export function isWindowOpen(lastInboundAt: number | null | undefined, now = Date.now()): boolean {
  const until = windowOpenUntil(lastInboundAt);
  return until !== null && now < until;
}

export interface CustomerServiceWindow {
  open: boolean;
  /** Epoch ms when the window closes (or closed); null if the citizen never wrote. */
  until: number | null;
}

export async function getCustomerServiceWindow(db: Db, citizenId: string, now = Date.now()): Promise<CustomerServiceWindow> {
  const row = await db.select({ lastInboundAt: citizens.lastInboundAt }).from(citizens).where(eq(citizens.id, citizenId)).get();
  return { open: isWindowOpen(row?.lastInboundAt, now), until: windowOpenUntil(row?.lastInboundAt) };
}
