// The Worker with Web Push set up (VAPID keys) and a jobs queue that only records, so a test runs the
// queued jobs itself (worker.queue) and sees exactly what went out. Other tests keep push off.
import { createExecutionContext, createMessageBatch, getQueueResult, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import worker from "../../worker/index";
import type { Env } from "../../worker/env";
import { BASE_URL, ORIGIN, type Session } from "./auth";
import { vapidKeyPair } from "./fake-push";

export interface QueuedJob {
  body: { type: string } & Record<string, unknown>;
  delaySeconds: number;
}

export async function pushWorld() {
  const keys = await vapidKeyPair();
  const queued: QueuedJob[] = [];
  const record = (body: unknown, options?: QueueSendOptions) => void queued.push({ body: body as QueuedJob["body"], delaySeconds: options?.delaySeconds ?? 0 });
  const jobsQueue = {
    send: async (body: unknown, options?: QueueSendOptions) => record(body, options),
    sendBatch: async (messages: Iterable<MessageSendRequest<unknown>>) => {
      for (const m of messages) record(m.body, { delaySeconds: m.delaySeconds });
    },
  } as unknown as Queue<unknown>;
  const pushEnv: Env = { ...env, VAPID_PUBLIC_KEY: keys.publicKey, VAPID_PRIVATE_KEY: keys.privateKey, VAPID_SUBJECT: "mailto:it@gemeinde.test", JOBS_QUEUE: jobsQueue };

  /** A request to the Worker with push on, as `api()` does it. */
  async function call(path: string, o: { as?: Session; method?: string; body?: unknown; headers?: Record<string, string> } = {}): Promise<Response> {
    const headers: Record<string, string> = { origin: ORIGIN, ...o.headers };
    if (o.as) headers.cookie = o.as.cookie;
    if (o.body !== undefined) headers["content-type"] = "application/json";
    const ctx = createExecutionContext();
    const req = new Request(`${BASE_URL}${path}`, { method: o.method ?? (o.body === undefined ? "GET" : "POST"), headers, body: o.body === undefined ? undefined : JSON.stringify(o.body) });
    // An incoming request's `cf` is only filled in by Cloudflare's edge; the Worker reads none of it here.
    const res = await worker.fetch(req as Parameters<typeof worker.fetch>[0], pushEnv, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  /** Push jobs queued so far (others, like report status news, are left out). */
  const pushJobs = () => queued.filter((j) => j.body.type.startsWith("push."));

  /** Runs the queued push jobs once, as the queue would (attempts as given); returns each one's ack or retry. */
  async function runPushJobs(attempts = 1) {
    const jobs = pushJobs();
    queued.splice(0, queued.length, ...queued.filter((j) => !jobs.includes(j)));
    if (jobs.length === 0) return { explicitAcks: [] as string[], retryMessages: [] as { msgId: string; delaySeconds?: number }[] };
    const batch = createMessageBatch(
      "townwire-jobs",
      jobs.map((j, i) => ({ id: `push-${i}`, timestamp: new Date(), attempts, body: j.body })),
    );
    const ctx = createExecutionContext();
    await worker.queue(batch, pushEnv, ctx);
    return getQueueResult(batch, ctx);
  }

  return { keys, pushEnv, call, queued, pushJobs, runPushJobs };
}
export type PushWorld = Awaited<ReturnType<typeof pushWorld>>;
