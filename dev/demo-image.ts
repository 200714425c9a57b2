// Draws the demo photo for the seeded vandalism report (a sprayed park bench) and encodes it as a
// real PNG, so the inbox shows an actual image without shipping a binary file.

const W = 240;
const H = 160;
type Rgb = readonly [number, number, number];

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] ?? 0) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

async function zlib(data: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
  const stream = new Blob([data]).stream().pipeThrough(new CompressionStream("deflate"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

function draw(): Uint8Array<ArrayBuffer> {
  const px = new Uint8Array(W * H * 3);
  const set = (x: number, y: number, [r, g, b]: Rgb) => {
    if (x < 0 || y < 0 || x >= W || y >= H) return;
    const i = (y * W + x) * 3;
    px[i] = r;
    px[i + 1] = g;
    px[i + 2] = b;
  };
  const rect = (x0: number, y0: number, w: number, h: number, c: Rgb) => {
    for (let y = y0; y < y0 + h; y++) for (let x = x0; x < x0 + w; x++) set(x, y, c);
  };
  // Sky fading towards the horizon, grass, a tree, and a path.
  for (let y = 0; y < 90; y++) rect(0, y, W, 1, [120 + y, 170 + Math.floor(y / 2), 225]);
  for (let y = 90; y < H; y++) rect(0, y, W, 1, [70 + ((y * 7) % 13), 140 + ((y * 5) % 17), 60]);
  rect(0, 128, W, 14, [196, 180, 150]);
  rect(196, 30, 10, 70, [100, 70, 40]);
  for (let y = 0; y < 50; y++) for (let x = 0; x < 60; x++) if ((x - 30) ** 2 + (y - 25) ** 2 < 26 ** 2) set(170 + x, 5 + y, [40, 110 + ((x * y) % 30), 50]);
  // The bench: two legs, seat, backrest planks.
  const wood: Rgb = [150, 100, 55];
  rect(50, 100, 8, 28, [60, 60, 60]);
  rect(142, 100, 8, 28, [60, 60, 60]);
  rect(40, 96, 120, 8, wood);
  for (const y of [64, 76, 86]) rect(44, y, 112, 7, wood);
  // Graffiti: coloured scribbles across the backrest and an overturned bin.
  const spray = (c: Rgb, phase: number, amp: number) => {
    for (let x = 48; x < 152; x++) {
      const y = Math.round(78 + amp * Math.sin((x + phase) / 6));
      for (let d = -1; d <= 1; d++) set(x, y + d, c);
    }
  };
  spray([230, 30, 120], 0, 9);
  spray([20, 40, 220], 11, 6);
  spray([250, 210, 0], 23, 11);
  rect(172, 118, 30, 14, [40, 90, 60]);
  rect(204, 122, 10, 6, [180, 180, 180]);
  return px;
}

/** A small PNG photo (240×160) of a sprayed park bench. */
export async function demoVandalismPhoto(): Promise<Uint8Array<ArrayBuffer>> {
  const px = draw();
  const raw = new Uint8Array(H * (W * 3 + 1));
  for (let y = 0; y < H; y++) {
    raw[y * (W * 3 + 1)] = 0; // filter: none
    raw.set(px.subarray(y * W * 3, (y + 1) * W * 3), y * (W * 3 + 1) + 1);
  }
  const ihdr = new Uint8Array(13);
  const v = new DataView(ihdr.buffer);
  v.setUint32(0, W);
  v.setUint32(4, H);
  ihdr.set([8, 2, 0, 0, 0], 8); // 8-bit RGB
  const parts = [
    new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", await zlib(raw)),
    chunk("IEND", new Uint8Array()),
  ];
  const out = new Uint8Array(new ArrayBuffer(parts.reduce((n, p) => n + p.length, 0)));
  let o = 0;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}
