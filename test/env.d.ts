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

// ICS fixtures are imported as text (Vite's ?raw).
declare module "*.ics?raw" {
  const text: string;
  export default text;
}
