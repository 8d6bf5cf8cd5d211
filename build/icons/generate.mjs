// Draws build/icons/icon.png (512×512, RGBA): three server units on a dark tile, each with a
// status light. Plain Node (zlib), no image tools; run `node build/icons/generate.mjs` to redraw.
// electron-builder makes the .icns and .ico from this PNG.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4; // per axis, for smooth edges

const tile = { x: 16, y: 16, w: 480, h: 480, r: 96 };
const units = [0, 1, 2].map((i) => ({ x: 88, y: 120 + i * 100, w: 336, h: 72, r: 18 }));
const lights = [
  [46, 204, 113], // OK
  [46, 204, 113], // OK
  [241, 196, 15], // WARNING
];

function inRoundedRect(px, py, { x, y, w, h, r }) {
  if (px < x || py < y || px > x + w || py > y + h) return false;
  const cx = Math.min(Math.max(px, x + r), x + w - r);
  const cy = Math.min(Math.max(py, y + r), y + h - r);
  return (px - cx) ** 2 + (py - cy) ** 2 <= r * r;
}

/** The colour at one point, or null outside the tile. */
function colourAt(px, py) {
  if (!inRoundedRect(px, py, tile)) return null;
  for (const [i, unit] of units.entries()) {
    if (!inRoundedRect(px, py, unit)) continue;
    const light = { x: unit.x + 40, y: unit.y + unit.h / 2, r: 14 };
    if ((px - light.x) ** 2 + (py - light.y) ** 2 <= light.r ** 2) return lights[i];
    // Three vent slots on the right of each unit.
    for (let s = 0; s < 3; s++) {
      if (inRoundedRect(px, py, { x: unit.x + 180 + s * 44, y: unit.y + 24, w: 28, h: 24, r: 6 })) return [30, 41, 59];
    }
    return [71, 85, 105];
  }
  const t = (py - tile.y) / tile.h; // vertical gradient
  return [Math.round(15 + t * 15), Math.round(23 + t * 18), Math.round(42 + t * 17)];
}

function render() {
  const rows = Buffer.alloc(SIZE * (1 + SIZE * 4));
  for (let y = 0; y < SIZE; y++) {
    const row = y * (1 + SIZE * 4);
    rows[row] = 0; // filter: none
    for (let x = 0; x < SIZE; x++) {
      let r = 0, g = 0, b = 0, a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = colourAt(x + (sx + 0.5) / SAMPLES, y + (sy + 0.5) / SAMPLES);
          if (!c) continue;
          r += c[0];
          g += c[1];
          b += c[2];
          a += 1;
        }
      }
      const o = row + 1 + x * 4;
      if (a > 0) {
        rows[o] = Math.round(r / a);
        rows[o + 1] = Math.round(g / a);
        rows[o + 2] = Math.round(b / a);
      }
      rows[o + 3] = Math.round((a / SAMPLES ** 2) * 255);
    }
  }
  return rows;
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function png(rows) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(SIZE, 0);
  header.writeUInt32BE(SIZE, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const out = path.join(path.dirname(fileURLToPath(import.meta.url)), 'icon.png');
fs.writeFileSync(out, png(render()));
console.log(`wrote ${out}`);
