// The dev Worker (`townwire-dev`, local only): the WhatsApp simulator under /__dev, in front of the
// product. It is never deployed with the product; `npm start`, the e2e tests and the benches run
// both in one `wrangler dev` (scripts/lib/dev-server.mjs). Everything outside /__dev goes to the
// product unchanged, so the URLs of a local run stay those of one Worker; the product itself calls
// the fake Graph API over HTTP (WHATSAPP_API_BASE), as it calls Meta.
import { devApp } from "./app";
import type { Env } from "./env";

export { WhatsAppSimulator } from "./simulator";

export default {
  async fetch(request, env, ctx) {
    const { pathname } = new URL(request.url);
    if (pathname === "/__dev" || pathname.startsWith("/__dev/")) return devApp.fetch(request, env, ctx);
    return env.PRODUCT.fetch(request);
  },
  // `wrangler dev` only triggers the first Worker's cron: hand it to the product, whose cron it is.
  async scheduled(controller, env) {
    await env.PRODUCT.scheduled({ scheduledTime: new Date(controller.scheduledTime), cron: controller.cron });
  },
} satisfies ExportedHandler<Env>;
