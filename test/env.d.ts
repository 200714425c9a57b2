import type { Env as WorkerEnv } from "../worker/env";
import type * as mainModule from "../worker/index";

declare global {
  namespace Cloudflare {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the worker's bindings into the test env
    interface Env extends WorkerEnv {}
    interface GlobalProps {
      mainModule: typeof mainModule;
    }
  }
}
