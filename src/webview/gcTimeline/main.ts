import { durationText } from '../../core/durationText';
import type { FromGcTimeline, GcTimelineData, ToGcTimeline } from '../../protocol/gcTimelineMessages';

declare function acquireVsCodeApi(): { postMessage(message: FromGcTimeline): void };
const vscode = acquireVsCodeApi();
const SVG = 'http://www.w3.org/2000/svg';
const LANE_HEIGHT = 28;
const AXIS_HEIGHT = 22;
const LEFT = 64;

const caption = document.getElementById('caption')!;
const chart = document.getElementById('chart')!;
const table = document.getElementById('summary') as HTMLTableElement;
const longest = document.getElementById('longest')!;

const thousands = (n: number) => n.toLocaleString('en-US');

function cell(row: HTMLTableRowElement, text: string, numeric = true, header = false): void {
  const c = document.createElement(header ? 'th' : 'td');
  c.textContent = text;
  if (numeric) c.className = 'num';
  row.appendChild(c);
}

// Profile strings (function and file names) are data: every text is set with textContent, never as markup.
function render(data: GcTimelineData): void {
  const s = data.summary;
  const total = s ? s.collections.reduce((a, b) => a + b, 0) : 0;
  caption.textContent = !s ? `${data.label}: collections were not recorded.`
    : `${data.label}: ${thousands(total)} collections, paused ${durationText(s.totalPauseNs)} of ${durationText(data.wallNs)}` +
      ` (thresholds ${data.thresholds.join(', ')})` +
      (data.timeline.eventsOmitted > 0 ? ` — ${thousands(data.timeline.eventsOmitted)} later collections are in the figures but not drawn` : '') +
      (data.note ? ` — ${data.note}` : '');
  drawTimeline(data);
  table.replaceChildren();
  if (!s) return;
  const head = table.createTHead().insertRow();
  for (const h of ['generation', 'collections', 'total pause', 'longest', 'collected', 'uncollectable']) cell(head, h, h !== 'generation', true);
  const body = table.createTBody();
  for (const g of s.byGeneration) {
    const row = body.insertRow();
    cell(row, String(g.generation));
    cell(row, thousands(g.collections));
    cell(row, durationText(g.totalPauseNs));
    cell(row, durationText(g.longestPauseNs));
    cell(row, thousands(g.collected));
    cell(row, thousands(g.uncollectable));
  }
  longest.replaceChildren();
  if (s.longest) {
    const site = s.longest.site;
    longest.append(`Longest pause: generation ${s.longest.generation}, ${durationText(s.longest.durationNs)} at ${durationText(s.longest.startNs)}`);
    if (site) {
      longest.append(', started in ');
      const link = document.createElement('a');
      link.href = '#';
      link.textContent = `${site.function} (${site.file.split(/[\\/]/).pop()}:${site.line})`;
      link.addEventListener('click', e => { e.preventDefault(); vscode.postMessage({ type: 'openSource', file: site.file, line: site.line }); });
      longest.appendChild(link);
    }
  }
}

function drawTimeline(data: GcTimelineData): void {
  const t = data.timeline;
  const width = Math.max(300, chart.clientWidth || 800);
  const lanes = Math.max(1, t.generations);
  const height = AXIS_HEIGHT + lanes * LANE_HEIGHT;
  const svg = document.createElementNS(SVG, 'svg');
  svg.setAttribute('width', String(width));
  svg.setAttribute('height', String(height));
  svg.setAttribute('role', 'img');
  svg.setAttribute('aria-label', 'Garbage collections over the run, one lane per generation');
  const span = Math.max(1, t.spanNs);
  const x = (ns: number) => LEFT + (ns / span) * (width - LEFT - 8);
  for (let g = 0; g < lanes; g++) {
    const label = document.createElementNS(SVG, 'text');
    label.setAttribute('x', '4');
    label.setAttribute('y', String(AXIS_HEIGHT + g * LANE_HEIGHT + LANE_HEIGHT / 2 + 4));
    label.setAttribute('class', 'lane');
    label.textContent = `gen ${g}`;
    svg.appendChild(label);
  }
  for (let k = 0; k <= 4; k++) {
    const tick = document.createElementNS(SVG, 'text');
    tick.setAttribute('x', String(x((span * k) / 4)));
    tick.setAttribute('y', '14');
    tick.setAttribute('class', 'tick');
    tick.setAttribute('text-anchor', k === 0 ? 'start' : k === 4 ? 'end' : 'middle');
    tick.textContent = durationText((span * k) / 4);
    svg.appendChild(tick);
  }
  for (const bar of t.bars) {
    const rect = document.createElementNS(SVG, 'rect');
    rect.setAttribute('x', String(x(bar.startNs)));
    rect.setAttribute('y', String(AXIS_HEIGHT + bar.generation * LANE_HEIGHT + 4));
    // At least a pixel, so a short pause stays visible on a long run.
    rect.setAttribute('width', String(Math.max(1.5, x(bar.startNs + bar.durationNs) - x(bar.startNs))));
    rect.setAttribute('height', String(LANE_HEIGHT - 8));
    rect.setAttribute('class', `bar gen${Math.min(bar.generation, 2)}`);
    const title = document.createElementNS(SVG, 'title');
    title.textContent = bar.label;
    rect.appendChild(title);
    if (bar.site) {
      const site = bar.site;
      rect.addEventListener('click', () => vscode.postMessage({ type: 'openSource', file: site.file, line: site.line }));
    }
    svg.appendChild(rect);
  }
  chart.replaceChildren(svg);
}

let last: GcTimelineData | undefined;
window.addEventListener('message', (event: MessageEvent<ToGcTimeline>) => {
  const msg = event.data;
  if (msg.type === 'data') {
    last = msg.data;
    render(msg.data);
  } else {
    last = undefined;
    caption.textContent = msg.message;
    chart.replaceChildren();
    table.replaceChildren();
    longest.replaceChildren();
  }
});
window.addEventListener('resize', () => { if (last) drawTimeline(last); });
vscode.postMessage({ type: 'ready' });
