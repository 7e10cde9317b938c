// Self-hosted captcha (dcrstakepool used dchest/captcha: 6 digits, a 257×127 image). The digits
// are drawn as jittered, rotated stroked paths with noise curves and dots — never as <text>, so
// the answer is not in the markup for a scraper to read. It stops form-posting bots, not OCR; the
// login rate limit and the one-action-per-solve rule carry the rest.
import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

export const CAPTCHA_DIGITS = 6;
export const CAPTCHA_WIDTH = 257;
export const CAPTCHA_HEIGHT = 127;

/** Six random decimal digits from the CSPRNG. */
export function newCaptchaDigits(): string {
  let s = '';
  for (let i = 0; i < CAPTCHA_DIGITS; i++) s += String(randomInt(10));
  return s;
}

/**
 * Whether `answer` is the expected digits. Whitespace and commas in the answer are ignored
 * ("123 456" is fine, as dchest/captcha allowed); the comparison is constant-time.
 */
export function captchaMatches(expected: string, answer: string): boolean {
  if (typeof expected !== 'string' || typeof answer !== 'string' || expected.length === 0) {
    return false;
  }
  const a = Buffer.from(answer.replace(/[\s,]/g, ''), 'utf8');
  const e = Buffer.from(expected, 'utf8');
  return a.length === e.length && timingSafeEqual(a, e);
}

type Pt = readonly [number, number];
interface Stroke {
  /** Smooth curve through the points (else straight segments). */
  readonly smooth: boolean;
  readonly closed: boolean;
  readonly pts: readonly Pt[];
}

// Each digit in a 10×16 box, y down: one to three strokes.
const line = (...pts: Pt[]): Stroke => ({ smooth: false, closed: false, pts });
const curve = (...pts: Pt[]): Stroke => ({ smooth: true, closed: false, pts });
const loop = (...pts: Pt[]): Stroke => ({ smooth: true, closed: true, pts });

const GLYPHS: Readonly<Record<string, readonly Stroke[]>> = {
  '0': [
    loop([5, 0.5], [8.5, 2.5], [9.5, 8], [8.5, 13.5], [5, 15.5], [1.5, 13.5], [0.5, 8], [1.5, 2.5]),
  ],
  '1': [line([2.5, 4], [6, 0.8], [6, 15.2]), line([2.5, 15.2], [9, 15.2])],
  '2': [
    curve([1, 4.5], [2.5, 1], [6, 0.6], [9, 3], [8.8, 6], [6, 9.5], [1, 15.2], [1, 15.2]),
    line([1, 15.2], [9.5, 15.2]),
  ],
  '3': [
    curve([1, 2.5], [4, 0.6], [7.5, 1.2], [8.5, 4], [7, 6.8], [4, 7.6]),
    curve([4, 7.6], [7.5, 8.4], [9.2, 11.2], [8, 14.2], [4.5, 15.5], [0.8, 13.8]),
  ],
  '4': [line([7, 15.5], [7, 0.6], [0.8, 11]), line([0.8, 11], [9.6, 11])],
  '5': [
    line([8.8, 0.8], [2.2, 0.8], [1.6, 7.2]),
    curve([1.6, 7.2], [5, 5.8], [8.4, 7.2], [9.2, 10.6], [7.8, 14.4], [4.4, 15.5], [1, 13.8]),
  ],
  '6': [
    curve(
      [8, 1.4],
      [5, 0.6],
      [2.2, 3.4],
      [0.9, 8.5],
      [1.6, 13.4],
      [4.6, 15.5],
      [7.8, 14.2],
      [9, 11],
      [7.6, 8],
      [4.6, 7.6],
      [1.6, 9.4],
    ),
  ],
  '7': [line([0.8, 0.8], [9.4, 0.8], [3.6, 15.5])],
  '8': [
    loop([5, 0.5], [8, 1.8], [8, 5.6], [5, 7.4], [2, 5.6], [2, 1.8]),
    loop([5, 7.4], [8.8, 9.2], [9, 13.4], [5, 15.5], [1, 13.4], [1.2, 9.2]),
  ],
  '9': [
    curve(
      [2, 14.6],
      [5, 15.4],
      [7.8, 12.6],
      [9.1, 7.5],
      [8.4, 2.6],
      [5.4, 0.5],
      [2.2, 1.8],
      [1, 5],
      [2.4, 8],
      [5.4, 8.4],
      [8.4, 6.6],
    ),
  ],
};

/** sfc32 seeded from SHA-256 of the seed and the digits: reproducible images for tests. */
function rng(seed: Uint8Array, digits: string): () => number {
  const h = createHash('sha256').update(seed).update('\0').update(digits).digest();
  let a = h.readUInt32LE(0);
  let b = h.readUInt32LE(4);
  let c = h.readUInt32LE(8);
  let d = h.readUInt32LE(12);
  const next = (): number => {
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return (t >>> 0) / 4294967296;
  };
  for (let i = 0; i < 12; i++) next();
  return next;
}

// One decimal: no number in the markup has more than three digits in a row, so no run of
// digits in the SVG can spell the answer.
const f = (n: number): string => n.toFixed(1);
const mid = (p: Pt, q: Pt): Pt => [(p[0] + q[0]) / 2, (p[1] + q[1]) / 2];
const pt = (p: Pt): string => `${f(p[0])} ${f(p[1])}`;

function strokePath(s: Stroke, pts: readonly Pt[]): string {
  const n = pts.length;
  if (!s.smooth) return `M${pts.map(pt).join('L')}`;
  if (s.closed) {
    let d = `M${pt(mid(pts[n - 1]!, pts[0]!))}`;
    for (let i = 0; i < n; i++) d += `Q${pt(pts[i]!)} ${pt(mid(pts[i]!, pts[(i + 1) % n]!))}`;
    return `${d}Z`;
  }
  // Quadratic pieces through the midpoints: smooth, and it still starts and ends on the ends.
  let d = `M${pt(pts[0]!)}`;
  for (let i = 1; i < n - 1; i++) d += `Q${pt(pts[i]!)} ${pt(mid(pts[i]!, pts[i + 1]!))}`;
  return `${d}L${pt(pts[n - 1]!)}`;
}

/**
 * The digits as an SVG image (257×127). `seed` fixes the jitter, so the same digits and seed give
 * the same markup; without one every call draws the digits differently.
 */
export function renderCaptchaSvg(
  digits: string,
  seed: Uint8Array | string = randomBytes(16),
): string {
  if (typeof digits !== 'string' || !/^\d{1,8}$/.test(digits)) {
    throw new TypeError('digits: expected 1 to 8 decimal digits');
  }
  const rand = rng(typeof seed === 'string' ? Buffer.from(seed, 'utf8') : seed, digits);
  const between = (lo: number, hi: number): number => lo + (hi - lo) * rand();
  const hue = Math.floor(between(0, 360));
  const color = `hsl(${hue},${Math.floor(between(45, 75))}%,${Math.floor(between(22, 38))}%)`;
  const W = CAPTCHA_WIDTH;
  const H = CAPTCHA_HEIGHT;
  const margin = 12;
  const cell = (W - 2 * margin) / digits.length;
  const parts: string[] = [];

  [...digits].forEach((ch, i) => {
    const sx = between(2.3, 2.8);
    const sy = between(4.4, 5.4);
    const angle = between(-0.28, 0.28);
    const cx = margin + cell * (i + 0.5) + between(-3, 3);
    const cy = H / 2 + between(-9, 9);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    const place = ([x, y]: Pt): Pt => {
      const gx = (x + between(-0.35, 0.35) - 5) * sx;
      const gy = (y + between(-0.35, 0.35) - 8) * sy;
      return [cx + gx * cos - gy * sin, cy + gx * sin + gy * cos];
    };
    const d = GLYPHS[ch]!.map((s) => strokePath(s, s.pts.map(place))).join('');
    parts.push(`<path d="${d}" stroke-width="${f(between(3.4, 5))}"/>`);
  });

  for (let i = 0; i < 4; i++) {
    const y = (): number => between(10, H - 10);
    const d = `M${f(between(-5, 20))} ${f(y())}C${f(between(40, 110))} ${f(y())} ${f(between(140, 220))} ${f(y())} ${f(between(W - 20, W + 5))} ${f(y())}`;
    parts.push(`<path d="${d}" stroke-width="${f(between(1.2, 2.6))}"/>`);
  }
  const dots: string[] = [];
  for (let i = 0; i < 45; i++) {
    dots.push(
      `<circle cx="${f(between(0, W))}" cy="${f(between(0, H))}" r="${f(between(0.7, 2))}"/>`,
    );
  }

  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" role="img" aria-label="captcha: type the digits shown">` +
    `<rect width="${W}" height="${H}" fill="#fff"/>` +
    `<g fill="none" stroke="${color}" stroke-linecap="round" stroke-linejoin="round">${parts.join('')}</g>` +
    `<g fill="${color}">${dots.join('')}</g>` +
    `</svg>`
  );
}
