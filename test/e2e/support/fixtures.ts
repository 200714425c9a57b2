// The test fixtures of the browser tests: every spec file gets its own fresh `wrangler dev`
// (ready when its first test begins, stopped when the worker process moves on to another file), the
// app's address as baseURL, and signed-in API sessions.
import { test as base, type Page } from "@playwright/test";
import { basename } from "node:path";
import { freshWorker, type Prepared, type Server } from "./server";
import { staffApi, type StaffApi } from "./staff";

export { expect } from "@playwright/test";
export type { Server } from "./server";

/**
 * One server per spec file, per worker process (Playwright runs a file's tests in one worker, in
 * order). Once a file's server is up, the next one is started in the background, with its own fresh
 * copy of the state: when the worker moves on to its next file, that file's server is usually ready,
 * so the start (several seconds of `wrangler dev`) overlaps the previous file's tests. The spare
 * answers nothing until its file begins, so no file sees what another did.
 */
class FileServers {
  private current: { file: string; server: Promise<Server> } | undefined;
  private spare: Promise<Server> | undefined;
  private closed = false;

  constructor(private readonly prepared: Prepared) {}

  async for(file: string): Promise<Server> {
    if (this.current?.file !== file) {
      await this.stopCurrent();
      const asked = Date.now();
      const spare = this.spare;
      this.spare = undefined;
      // A spare that failed to start is no reason to fail this file: start one the usual way.
      const server = spare ? spare.catch(() => freshWorker(this.prepared)) : freshWorker(this.prepared);
      this.current = { file, server };
      const up = await server;
      const waited = ((Date.now() - asked) / 1000).toFixed(1);
      console.log(`e2e ${basename(file)}: Worker ready after ${waited} s (wrangler dev took ${(up.startMs / 1000).toFixed(1)} s)`);
      if (!this.closed) this.spare = freshWorker(this.prepared);
      // Its error, if any, surfaces when it is used (and then it is replaced, above).
      this.spare?.catch(() => undefined);
    }
    return this.current.server;
  }

  private async stopCurrent(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    const server = await current?.server.catch(() => undefined);
    await server?.stop();
  }

  async stop(): Promise<void> {
    this.closed = true;
    const spare = this.spare;
    this.spare = undefined;
    await Promise.all([this.stopCurrent(), spare?.then((s) => s.stop(), () => undefined)]);
  }
}

interface TestFixtures {
  /** The Worker of this spec file: baseUrl, env, signedWebhook(payload). */
  server: Server;
  /** The API, signed in as the admin of the test configuration. */
  adminApi: StaffApi;
  /** Signs someone in to the API (the session is closed after the test). */
  loginApi: (email: string, password: string) => Promise<StaffApi>;
}

export const test = base.extend<TestFixtures, { servers: FileServers }>({
  servers: [
    // eslint-disable-next-line no-empty-pattern -- Playwright reads the fixtures a function asks for from its first parameter
    async ({}, use) => {
      const template = process.env.TOWNWIRE_E2E_STATE_TEMPLATE;
      const bundles = process.env.TOWNWIRE_E2E_BUNDLES;
      if (!template || !bundles) throw new Error("global-setup.ts did not prepare the migrated state and the Worker bundles");
      const servers = new FileServers({ template, bundles: JSON.parse(bundles) as Prepared["bundles"] });
      await use(servers);
      await servers.stop();
    },
    { scope: "worker" },
  ],
  server: [
    async ({ servers }, use, testInfo) => {
      const server = await servers.for(testInfo.file);
      await use(server);
      if (testInfo.status !== testInfo.expectedStatus) {
        await testInfo.attach("wrangler-dev.log", { body: server.logs().split("\n").slice(-80).join("\n"), contentType: "text/plain" });
      }
    },
    // Starting wrangler dev may take a while on a busy machine; it is not the test's time.
    { timeout: 120_000 },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.baseUrl);
  },
  loginApi: async ({ playwright, server }, use) => {
    const sessions: StaffApi[] = [];
    await use(async (email, password) => {
      const request = await playwright.request.newContext({ baseURL: server.baseUrl, extraHTTPHeaders: { origin: server.baseUrl } });
      const res = await request.post("/api/auth/login", { data: { email, password } });
      if (res.status() !== 200) throw new Error(`login ${email}: ${res.status()} ${await res.text()}`);
      const api = staffApi(request);
      sessions.push(api);
      return api;
    });
    for (const s of sessions) await s.request.dispose();
  },
  adminApi: async ({ loginApi, server }, use) => {
    await use(await loginApi(server.env.ADMIN_EMAIL, server.env.ADMIN_PASSWORD));
  },
});

/** Collects uncaught errors of `page`; the tests expect none. */
export function pageErrors(page: Page): string[] {
  const errors: string[] = [];
  page.on("pageerror", (e) => errors.push(e.stack ?? e.message));
  return errors;
}
