// Photos and files for signed-in staff: download by media id, upload of images to send in replies.
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AuthedEnv } from "../auth/middleware";
import { getDb } from "../db/client";
import { MEDIA_CACHE_CONTROL, openStoredMedia } from "../media/serve";
import { MAX_UPLOAD_BYTES, storeUpload } from "../media/uploads";
import { AppError } from "../shared/errors";

export const mediaRoutes = new Hono<AuthedEnv>();

mediaRoutes.get("/media/:id", async (c) => {
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
});

mediaRoutes.post(
  "/media",
  // Multipart overhead on top of the 5 MB image; anything bigger is refused before it is read.
  bodyLimit({
    maxSize: MAX_UPLOAD_BYTES + 64 * 1024,
    onError: (c) => c.json({ error: { code: "file_too_large", message: "Das Bild ist größer als 5 MB" } }, 413),
  }),
  async (c) => {
    let form: FormData;
    try {
      form = await c.req.formData();
    } catch {
      throw new AppError(400, "bad_request", "Bitte das Bild als multipart/form-data im Feld „file“ senden");
    }
    const file = form.get("file");
    if (!(file instanceof File)) throw new AppError(400, "bad_request", "Bitte das Bild im Feld „file“ senden");
    const media = await storeUpload(
      { db: getDb(c.env.DB), bucket: c.env.MEDIA },
      { bytes: await file.arrayBuffer(), name: file.name, declaredType: file.type || null },
      c.var.staff.id,
    );
    return c.json({ media }, 201);
  },
);
