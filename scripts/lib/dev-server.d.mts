// Types for dev-server.mjs, so the TypeScript browser tests can start the Worker.
export function freePort(): Promise<number>;

/** Applies migrations/ to the local D1 in `persistTo`. */
export function applyMigrations(persistTo?: string, options?: { quiet?: boolean }): void;

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
}): Promise<StartedWorker>;
