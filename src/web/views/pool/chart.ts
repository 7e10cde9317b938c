// A donut chart as inline SVG, drawn on the server: no script, no image request, and no style
// attribute (the pages' CSP allows none), only SVG presentation attributes. The ring is a circle
// of circumference 100, so each segment's dash length is its percentage.
import { html } from '../html.ts';
import type { SafeHtml } from '../html.ts';

export interface ChartSegment {
  label: string;
  value: number;
  /** A colour from CHART_COLORS (constants only: never request data). */
  color: string;
}

export const CHART_COLORS = {
  blue: '#2970ff',
  green: '#2ed8a3',
  red: '#ed6d47',
  yellow: '#ffc84e',
  grey: '#c4cbd2',
  navy: '#091440',
} as const;

const R = 15.915494309189533; // 100 / (2π)
const round = (x: number): string => String(Math.round(x * 1000) / 1000);

/** Each value as a percentage of their sum (negatives count as 0; all 0 when the sum is 0). */
export function shares(values: readonly number[]): number[] {
  const total = values.reduce((a, b) => a + Math.max(0, b), 0);
  if (total <= 0) return values.map(() => 0);
  return values.map((v) => (Math.max(0, v) / total) * 100);
}

export function donutChart(o: {
  title: string;
  segments: readonly ChartSegment[];
  /** Big text in the middle (e.g. a percentage). */
  center: string;
}): SafeHtml {
  const pct = shares(o.segments.map((s) => s.value));
  let start = 0;
  const rings = o.segments.map((s, i) => {
    const p = pct[i] ?? 0;
    const ring =
      p <= 0
        ? html``
        : html`<circle
            cx="21"
            cy="21"
            r="${round(R)}"
            fill="none"
            stroke="${s.color}"
            stroke-width="6"
            stroke-dasharray="${round(p)} ${round(100 - p)}"
            stroke-dashoffset="${round(25 - start)}"
          >
            <title>${s.label}: ${s.value.toLocaleString('en-US')}</title>
          </circle>`;
    start += p;
    return ring;
  });
  const label = o.segments.map((s) => `${s.label} ${s.value.toLocaleString('en-US')}`).join(', ');
  return html`<div class="stat chart">
    <svg viewBox="0 0 42 42" width="140" height="140" role="img" aria-label="${o.title}: ${label}">
      <circle
        cx="21"
        cy="21"
        r="${round(R)}"
        fill="none"
        stroke="${CHART_COLORS.grey}"
        stroke-width="6"
      />
      ${rings}
      <text
        x="21"
        y="22.5"
        text-anchor="middle"
        font-size="5"
        font-weight="600"
        fill="${CHART_COLORS.navy}"
      >
        ${o.center}
      </text>
    </svg>
    <div>
      <strong>${o.title}</strong>
      <ul class="plain">
        ${o.segments.map(
          (s) =>
            html`<li>
              <svg width="10" height="10" aria-hidden="true">
                <rect width="10" height="10" fill="${s.color}" />
              </svg>
              ${s.label}: ${s.value.toLocaleString('en-US')}
            </li>`,
        )}
      </ul>
    </div>
  </div>`;
}
