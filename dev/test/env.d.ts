// The test env is typed as the product's (the product code the tests import needs that); the dev
// Worker's own bindings are typed in ./helpers (`env`).
import type { Env as WorkerEnv } from "../../worker/env";
import type * as mainModule from "../index";

declare global {
  namespace Cloudflare {
    // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merges the product's bindings into the test env
    interface Env extends WorkerEnv {}
    interface GlobalProps {
      mainModule: typeof mainModule;
    }
  }
}
