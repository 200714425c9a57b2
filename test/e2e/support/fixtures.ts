// The test fixtures of the browser tests: every spec file gets its own fresh `wrangler dev`
// (started on its first test, stopped when the worker process moves on to another file), the
// app's address as baseURL, and signed-in API sessions.
import { test as base, type Page } from "@playwright/test";
import { freshWorker, type Server } from "./server";
import { staffApi, type StaffApi } from "./staff";

export { expect } from "@playwright/test";
export type { Server } from "./server";

/** One server per spec file, per worker process (Playwright runs a file's tests in one worker, in order). */
class FileServers {
  private current: { file: string; server: Promise<Server> } | undefined;

  constructor(private readonly template: string) {}

  async for(file: string): Promise<Server> {
    if (this.current?.file !== file) {
      await this.stop();
      this.current = { file, server: freshWorker(this.template) };
    }
    return this.current.server;
  }

  async stop(): Promise<void> {
    const current = this.current;
    this.current = undefined;
    const server = await current?.server.catch(() => undefined);
    await server?.stop();
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
      if (!template) throw new Error("global-setup.ts did not prepare the migrated state");
      const servers = new FileServers(template);
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
