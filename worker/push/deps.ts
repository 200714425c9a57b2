// Wires the push module to the Worker's bindings (D1, the jobs queue, the VAPID keys).
import { getDb } from "../db/client";
import type { Env } from "../env";
import type { StaffNotice } from "../shared/staff-notice";
import { vapidConfig } from "./config";
import type { PushJobDeps } from "./jobs";

export function pushJobDeps(env: Env): PushJobDeps {
  return {
    db: getDb(env.DB),
    vapid: vapidConfig(env),
    retryLater: async (subscriptionId, message, delaySeconds) => {
      await env.JOBS_QUEUE.send({ type: "push.send", subscriptionId, message }, { delaySeconds });
    },
  };
}

/**
 * Queues a notice for the push job (never sent in the request path). Off without VAPID keys. Never
 * throws: what happened is stored already, and a lost notification must not fail the clerk's action.
 */
export async function queueStaffNotice(env: Env, notice: StaffNotice): Promise<void> {
  if (!vapidConfig(env)) return;
  try {
    await env.JOBS_QUEUE.send({ type: "push.notice", notice });
  } catch (err) {
    console.warn("could not queue a push notice", notice.kind, err);
  }
}
