// A fresh `wrangler dev` for one spec file: its own local D1/R2/DO state, the WhatsApp simulator on,
// so no spec depends on what another left behind.
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, startWorker, type StartedWorker, type WorkerBundles } from "../../../scripts/lib/dev-server.mjs";
import { E2E_ENV, signedWebhook, type E2EEnv, type WebhookPayload } from "./citizen";

export interface Server {
  baseUrl: string;
  env: E2EEnv;
  /** Posts `payload` to the webhook signed as Meta would, and tells the simulator about its messages. */
  signedWebhook(payload: WebhookPayload): Promise<{ stored?: number }>;
  logs(): string;
  stop(): Promise<void>;
  /** How long `wrangler dev` took to answer, in milliseconds. */
  startMs: number;
}

/** What global-setup.ts prepared once: the migrated state and the two prebuilt Worker scripts. */
export interface Prepared {
  template: string;
  bundles: WorkerBundles;
}

/**
 * Starts a Worker whose state begins as a copy of `template` (a folder with the migrations applied
 * once by global-setup.ts; copying it is much faster than running `wrangler d1 migrations apply`
 * for every spec), running the scripts bundled once by global-setup.ts.
 */
export async function freshWorker({ template, bundles }: Prepared): Promise<Server> {
  const persistTo = mkdtempSync(join(tmpdir(), "townwire-e2e-"));
  cpSync(template, persistTo, { recursive: true });
  const started = Date.now();
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env: E2EEnv = { ...E2E_ENV, WHATSAPP_API_BASE: `${baseUrl}/__dev/graph/v23.0` };
    try {
      const worker = await startWorker({ port, persistTo, vars: env, bundles });
      return serverOf(baseUrl, env, persistTo, worker, Date.now() - started);
    } catch (err) {
      // Two Workers starting at once (parallel spec files) can both be handed the same free port,
      // or one of workerd's own sockets: try another port.
      if (attempt >= 3 || !String(err).includes("Address already in use")) {
        rmSync(persistTo, { recursive: true, force: true });
        throw err;
      }
    }
  }
}

function serverOf(baseUrl: string, env: E2EEnv, persistTo: string, server: StartedWorker, startMs: number): Server {
  return {
    baseUrl,
    env,
    signedWebhook: (payload) => signedWebhook(baseUrl, payload, env),
    logs: server.logs,
    startMs,
    async stop() {
      await server.stop();
      rmSync(persistTo, { recursive: true, force: true });
    },
  };
}
