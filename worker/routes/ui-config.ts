// Settings the staff app needs from the server configuration (the map's tile server and centre).
import { Hono } from "hono";
import type { AuthedEnv } from "../auth/middleware";
import { getConfig } from "../env";

/** Zoom of the map when there is no report to fit it to (a town and its surroundings). */
const DEFAULT_ZOOM = 13;

export const uiConfigRoutes = new Hono<AuthedEnv>().get("/ui-config", (c) => {
  const config = getConfig(c.env);
  return c.json({
    map: {
      tileUrl: config.MAP_TILE_URL,
      attribution: config.MAP_ATTRIBUTION,
      defaultCenter: config.MAP_DEFAULT_CENTER,
      defaultZoom: DEFAULT_ZOOM,
    },
  });
});
