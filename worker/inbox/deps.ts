// Wires the inbox domain to the Worker's bindings (D1, R2, Graph client, InboxRoom).
import { getDb } from "../db/client";
import { getConfig, type Env } from "../env";
import { clientFromConfig, type WhatsAppClient } from "../whatsapp";
import type { OutboundDeps } from "./outbound";
import { publishToRoom } from "./publish";
import { queueStaffNotice } from "../push/deps";

export function inboxDeps(env: Env): OutboundDeps {
  let client: WhatsAppClient | undefined;
  return {
    db: getDb(env.DB),
    bucket: env.MEDIA,
    whatsapp: () => (client ??= clientFromConfig(getConfig(env))),
    // Awaited so events keep their order; publishToRoom never throws, so the API call never fails on it.
    publish: (events) => publishToRoom(env, events),
    schedule: async (messageId, delaySeconds) => {
      await env.JOBS_QUEUE.send({ type: "outbound.scheduled", messageId }, { delaySeconds });
    },
    notice: (notice) => queueStaffNotice(env, notice),
  };
}
