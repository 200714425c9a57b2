// The installable app's icons, drawn at build time (no image files in the repository): the favicon's
// white speech bubble on the app's blue, as PNG 192 and 512 px, and a maskable 512 px one whose
// bubble stays inside the safe zone (the inner 80 %) that launchers may crop to a circle.
import { crc32, deflateSync } from "node:zlib";

const BLUE = [0x0b, 0x5c, 0xab];
const WHITE = [0xff, 0xff, 0xff];

/** The bubble in a unit square (favicon: rect 4..12 × 5..10 of 16, tail to (4,12)). */
function inBubble(x, y) {
  const [l, t, r, b, rad] = [0.25, 0.31, 0.75, 0.625, 0.06];
  const cx = Math.min(Math.max(x, l + rad), r - rad);
  const cy = Math.min(Math.max(y, t + rad), b - rad);
  if (x >= l && x <= r && y >= t && y <= b && (x - cx) ** 2 + (y - cy) ** 2 <= rad ** 2) return true;
  // Tail: triangle (0.25,0.6) – (0.44,0.6) – (0.25,0.75), joined square to the bubble's left edge.
  if (x >= 0.25 && y >= 0.5 && y <= 0.75) return y <= 0.6 ? x <= 0.44 : (x - 0.25) / 0.19 + (y - 0.6) / 0.15 <= 1;
  return false;
}

function inRoundedSquare(x, y, rad) {
  const cx = Math.min(Math.max(x, rad), 1 - rad);
  const cy = Math.min(Math.max(y, rad), 1 - rad);
  return (x - cx) ** 2 + (y - cy) ** 2 <= rad ** 2;
}

function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body) >>> 0);
  return Buffer.concat([len, body, crc]);
}

/** A size × size RGBA PNG; `maskable`: full-bleed background, bubble scaled into the safe zone. */
export function iconPng(size, { maskable = false } = {}) {
  const S = 4; // 4×4 samples per pixel: smooth edges
  const rows = [];
  for (let py = 0; py < size; py++) {
    const row = Buffer.alloc(1 + size * 4); // filter byte 0, then RGBA
    for (let px = 0; px < size; px++) {
      let bg = 0;
      let fg = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size;
          const y = (py + (sy + 0.5) / S) / size;
          const inside = maskable || inRoundedSquare(x, y, 0.2);
          if (!inside) continue;
          bg++;
          // Maskable: the bubble drawn at 70 % around the centre, well inside the safe zone.
          const [bx, by] = maskable ? [(x - 0.5) / 0.7 + 0.5, (y - 0.5) / 0.7 + 0.5] : [x, y];
          if (inBubble(bx, by)) fg++;
        }
      }
      const n = S * S;
      const a = bg / n;
      const mix = bg ? fg / bg : 0;
      const o = 1 + px * 4;
      for (let c = 0; c < 3; c++) row[o + c] = Math.round(BLUE[c] * (1 - mix) + WHITE[c] * mix);
      row[o + 3] = Math.round(a * 255);
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(Buffer.concat(rows), { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** The web app manifest (German name; the staff app is German first). */
export function manifest() {
  return {
    name: "townwire – Posteingang der Gemeinde",
    short_name: "Posteingang",
    description: "WhatsApp-Posteingang, Meldungen und Aussendungen der Gemeinde.",
    lang: "de-AT",
    dir: "ltr",
    start_url: "/",
    scope: "/",
    id: "/",
    display: "standalone",
    background_color: "#f3f5f8",
    theme_color: "#0f2a44",
    icons: [
      { src: "/icons/icon-192.png", sizes: "192x192", type: "image/png", purpose: "any" },
      { src: "/icons/icon-512.png", sizes: "512x512", type: "image/png", purpose: "any" },
      { src: "/icons/icon-maskable-512.png", sizes: "512x512", type: "image/png", purpose: "maskable" },
    ],
  };
}
