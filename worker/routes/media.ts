// Photos and files for signed-in staff: download by media id, upload of images to send in replies.
import { Hono } from "hono";
import { z } from "zod";
import type { AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import { MEDIA_CACHE_CONTROL, openStoredMedia } from "../media/serve";
import { storeUpload } from "../media/uploads";
import { valid } from "./validate";

const uploadForm = z.object({ file: z.instanceof(File, { message: "Bitte ein Bild auswählen und noch einmal senden." }) });

export const mediaRoutes = new Hono<AuthedEnv>()
  .get("/media/:id", async (c) => {
    const file = await openStoredMedia({ db: getDb(c.env.DB), bucket: c.env.MEDIA }, c.req.param("id"));
    const name = file.fileName ? `; filename*=UTF-8''${encodeURIComponent(file.fileName)}` : "";
    return new Response(file.body, {
      headers: {
        "Content-Type": file.contentType,
        "Content-Length": String(file.size),
        "Content-Disposition": `${file.inline ? "inline" : "attachment"}${name}`,
        "X-Content-Type-Options": "nosniff",
        // Even a file that slipped through as something active cannot run script in our origin.
        "Content-Security-Policy": "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox",
        // Citizens' photos must not outlive an erasure or the retention period in the browser cache of
        // a shared office PC: nothing is stored, not even privately (the inbox loads each photo once per view).
        "Cache-Control": MEDIA_CACHE_CONTROL,
      },
    });
  })
  // The body is bounded before it is read (routes/body-limits.ts: 5 MB image plus multipart overhead).
  .post("/media", valid("form", uploadForm), async (c) => {
    const { file } = c.req.valid("form");
    const media = await storeUpload(
      { db: getDb(c.env.DB), bucket: c.env.MEDIA },
      { bytes: await file.arrayBuffer(), name: file.name, declaredType: file.type || null },
      c.var.staff.id,
    );
    return c.json({ media }, 201);
  });
