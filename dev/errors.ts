// The simulator's own errors: it answers like Meta's tools would, with a status and a JSON body.
import type { ContentfulStatusCode } from "hono/utils/http-status";

export class SimulatorError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: string,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
  }
}
