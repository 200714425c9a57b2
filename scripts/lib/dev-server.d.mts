// Types for dev-server.mjs, so the TypeScript browser tests can start the Worker.
export function freePort(): Promise<number>;

/** Applies migrations/ to the local D1 in `persistTo`. */
export function applyMigrations(persistTo?: string, options?: { quiet?: boolean }): void;

/** The two prebuilt Worker scripts (bundleWorkers). */
export interface WorkerBundles {
  product: string;
  dev: string;
}

/** applyMigrations into an empty folder in one `wrangler d1 execute`, without blocking. */
export function migrateEmptyState(persistTo: string, options?: { migrationsDir?: string }): Promise<void>;

/** Bundles the product and the dev Worker into `outDir` once (`wrangler deploy --dry-run`). */
export function bundleWorkers(outDir: string, options?: { config?: string }): Promise<WorkerBundles>;

export interface StartedWorker {
  url: string;
  stop(): Promise<void>;
  logs(): string;
}

/** Runs `wrangler dev` on `port` and resolves once GET /api/health answers. */
export function startWorker(options: {
  port: number;
  persistTo?: string;
  vars?: Record<string, string>;
  config?: string;
  quiet?: boolean;
  extraArgs?: string[];
  simulator?: boolean;
  /** Runs these prebuilt scripts (bundleWorkers) instead of bundling the sources. */
  bundles?: WorkerBundles;
}): Promise<StartedWorker>;
