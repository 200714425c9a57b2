// The staff app imports the server's types (type only, erased in the build): the worker's modules are
// checked here with the Workers types, and this names the Worker's entry module as wrangler does.
import type * as mainModule from "../../worker/index";

declare global {
  namespace Cloudflare {
    interface GlobalProps {
      mainModule: typeof mainModule;
    }
  }
}
