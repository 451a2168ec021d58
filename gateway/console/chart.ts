// Seats used over time as an inline SVG step chart: Full seats held after each
// license decision, against the seats bought. No script, readable by a screen reader.
import type { SeatsPoint } from '../usage-report.js';
import { escapeHtml } from '../pages.js';

const W = 720;
const H = 240;
const PAD = { left: 44, right: 16, top: 16, bottom: 32 };
const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);

export function seatsChart(points: SeatsPoint[], bought: number, now: number): string {
  const series = points.length ? [...points, { ...points.at(-1)!, at: now }] : [{ at: now, full: 0, free: 0, free_restricted: 0 }];
  const t0 = series[0].at;
  const span = Math.max(1, now - t0);
  const top = Math.max(1, bought, ...series.map((p) => p.full));
  const x = (at: number) => PAD.left + ((at - t0) / span) * (W - PAD.left - PAD.right);
  const y = (n: number) => PAD.top + (1 - n / top) * (H - PAD.top - PAD.bottom);
  let path = `M${x(series[0].at).toFixed(1)},${y(series[0].full).toFixed(1)}`;
  for (const p of series.slice(1)) path += ` H${x(p.at).toFixed(1)} V${y(p.full).toFixed(1)}`;
  const current = series.at(-1)!.full;
  const summary = `Full seats used over time, from ${day(t0)} to ${day(now)}: now ${current} of ${bought} bought; at most ${Math.max(...series.map((p) => p.full))}.`;
  return `<figure style="margin:0"><svg id="seats-chart" role="img" aria-labelledby="seats-chart-title seats-chart-desc" viewBox="0 0 ${W} ${H}" width="100%" style="max-width:${W}px">
<title id="seats-chart-title">Full seats used over time</title><desc id="seats-chart-desc">${escapeHtml(summary)}</desc>
<line x1="${PAD.left}" y1="${y(0)}" x2="${W - PAD.right}" y2="${y(0)}" stroke="#b9bfcc"/>
<line x1="${PAD.left}" y1="${y(bought).toFixed(1)}" x2="${W - PAD.right}" y2="${y(bought).toFixed(1)}" stroke="#b42318" stroke-dasharray="6 4"/>
<text x="${W - PAD.right}" y="${(y(bought) - 4).toFixed(1)}" text-anchor="end">${bought} bought</text>
<path d="${path}" fill="none" stroke="#2f5bea" stroke-width="2.5"/>
<text x="${PAD.left - 6}" y="${y(0) + 4}" text-anchor="end">0</text><text x="${PAD.left - 6}" y="${PAD.top + 4}" text-anchor="end">${top}</text>
<text x="${PAD.left}" y="${H - 8}">${day(t0)}</text><text x="${W - PAD.right}" y="${H - 8}" text-anchor="end">${day(now)}</text>
</svg><figcaption class="muted">${escapeHtml(summary)}</figcaption></figure>`;
}
