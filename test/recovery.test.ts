// The minute cron re-enqueues work whose queue message was lost, so nothing accepted is ever dropped.
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { minuteTasks } from "../worker/index";
import { RECOVERY_AFTER_MS, runMinuteTasks } from "../worker/background/minute-tasks";

const runScheduled = (e: typeof env, time: number) => runMinuteTasks(e, time, minuteTasks);
import { metaMessages } from "./fixtures/meta-messages";
import { incoming, incomingText } from "./helpers/citizens";
import { envelope, messageValue } from "./helpers/meta";

async function age(table: string, ms: number) {
  await env.DB.prepare(`UPDATE ${table} SET created_at = created_at - ?`).bind(ms).run();
}

describe("cron recovery of lost background jobs", () => {
  it("re-enqueues inbound messages never processed, and pending media never fetched", async () => {
    // Stored without enqueuing, as if the queue send after storing had failed.
    await incomingText("Hallo");
    await incoming(envelope(messageValue(metaMessages.image)));
    await age("messages", RECOVERY_AFTER_MS + 1000);
    await age("media", RECOVERY_AFTER_MS + 1000);
    const send = vi.spyOn(env.JOBS_QUEUE, "sendBatch");
    try {
      await runScheduled(env, Date.now());
      const jobs = send.mock.calls.flatMap(([batch]) => [...batch].map((m) => m.body as { type: string; messageId?: string }));
      expect(jobs.filter((j) => j.type === "inbound.process")).toHaveLength(2);
      expect(jobs.filter((j) => j.type === "media.fetch")).toHaveLength(1);
    } finally {
      send.mockRestore();
    }
  });

  it("leaves recent and already processed work alone", async () => {
    await incomingText("Hallo");
    await incomingText("Noch eine Frage");
    await age("messages", RECOVERY_AFTER_MS + 1000);
    await env.DB.prepare("UPDATE messages SET processed_at = 1 WHERE text = 'Hallo'").run();
    await incomingText("Ganz neu");
    const send = vi.spyOn(env.JOBS_QUEUE, "sendBatch");
    try {
      await runScheduled(env, Date.now());
      const jobs = send.mock.calls.flatMap(([batch]) => [...batch].map((m) => m.body as { type: string; messageId?: string }));
      const ids = jobs.flatMap((j) => (j.type === "inbound.process" ? [j.messageId ?? ""] : []));
      const texts = await Promise.all(ids.map((id) => env.DB.prepare("SELECT text FROM messages WHERE id = ?").bind(id).first<{ text: string }>()));
      expect(texts.map((t) => t?.text)).toEqual(["Noch eine Frage"]);
    } finally {
      send.mockRestore();
    }
  });
});
