// The product Worker as an auxiliary Worker of the "simulator" test project (vitest.config.ts):
// bundled from worker/index.ts with esbuild, its bindings read from wrangler.toml by wrangler itself.
import { build } from "esbuild";
import type { LegacyWorkerOptions } from "miniflare";
import { unstable_getMiniflareWorkerOptions } from "wrangler";

/**
 * Miniflare options for the product, named "townwire" (the dev Worker's PRODUCT service), with
 * `vars`; its outgoing fetches go to the Worker named `outbound` (the dev Worker under test).
 */
export async function productWorker(vars: Record<string, string>, outbound: string): Promise<LegacyWorkerOptions> {
  // wrangler's own Miniflare types may come from another copy of miniflare than ours.
  const workerOptions = unstable_getMiniflareWorkerOptions("wrangler.toml").workerOptions as unknown as LegacyWorkerOptions;
  const out = await build({
    entryPoints: ["worker/index.ts"],
    bundle: true,
    format: "esm",
    platform: "neutral",
    target: "es2022",
    conditions: ["workerd", "worker", "import", "default"],
    mainFields: ["module", "main"],
    external: ["cloudflare:*", "node:*"],
    write: false,
    logLevel: "warning",
  });
  const code = out.outputFiles[0]?.text ?? "";
  return {
    name: "townwire",
    modules: [{ type: "ESModule" as const, path: "index.js", contents: code }],
    compatibilityDate: workerOptions.compatibilityDate,
    compatibilityFlags: workerOptions.compatibilityFlags,
    bindings: { ...workerOptions.bindings, ...vars },
    d1Databases: workerOptions.d1Databases,
    r2Buckets: workerOptions.r2Buckets,
    queueProducers: workerOptions.queueProducers,
    queueConsumers: workerOptions.queueConsumers,
    durableObjects: workerOptions.durableObjects,
    ratelimits: workerOptions.ratelimits,
    outboundService: outbound,
  };
}
