import type { FunctionRow } from '../../core/functionTable';
import type { FunctionSortKey } from '../../core/functionRowSort';
import { sortRows } from '../../core/functionRowSort';
import type { FromFunctionTable, ToFunctionTable } from '../../protocol/functionTableMessages';

declare function acquireVsCodeApi(): { postMessage(message: FromFunctionTable): void };
const vscode = acquireVsCodeApi();

interface Column { readonly key: FunctionSortKey; readonly title: string; readonly numeric: boolean; readonly cell: (r: FunctionRow) => string }
const COLUMNS: readonly Column[] = [
  { key: 'name', title: 'function', numeric: false, cell: r => r.name },
  { key: 'ncalls', title: 'ncalls', numeric: true, cell: r => r.display.ncalls },
  { key: 'tottime', title: 'tottime', numeric: true, cell: r => r.display.tottime },
  { key: 'tottimePercall', title: 'percall', numeric: true, cell: r => r.display.tottimePercall },
  { key: 'cumtime', title: 'cumtime', numeric: true, cell: r => r.display.cumtime },
  { key: 'cumtimePercall', title: 'percall', numeric: true, cell: r => r.display.cumtimePercall },
  { key: 'location', title: 'file:line', numeric: false, cell: r => r.display.location },
];

let rows: readonly FunctionRow[] = [];
let sortKey: FunctionSortKey = 'cumtime';
let descending = true;
let highlighted = -1;

const caption = document.getElementById('caption')!;
const table = document.getElementById('functions') as HTMLTableElement;

// Profile strings are data: every cell is set with textContent, never as HTML.
function render(): void {
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  for (const col of COLUMNS) {
    const th = document.createElement('th');
    th.textContent = col.title + (col.key === sortKey ? (descending ? ' ▼' : ' ▲') : '');
    th.className = col.numeric ? 'num' : '';
    th.tabIndex = 0;
    th.setAttribute('role', 'button');
    th.setAttribute('aria-sort', col.key === sortKey ? (descending ? 'descending' : 'ascending') : 'none');
    th.dataset.key = col.key;
    const sortBy = () => {
      if (sortKey === col.key) descending = !descending;
      else { sortKey = col.key; descending = col.numeric; }
      render();
    };
    th.addEventListener('click', sortBy);
    th.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(); } });
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of sortRows(rows, sortKey, descending)) {
    const tr = body.insertRow();
    tr.dataset.frame = String(row.frameIndex);
    if (row.frameIndex === highlighted) tr.classList.add('highlighted');
    for (const col of COLUMNS) {
      const td = tr.insertCell();
      td.textContent = col.cell(row);
      if (col.numeric) td.className = 'num';
    }
    if (row.linkable) {
      tr.classList.add('linkable');
      tr.tabIndex = 0;
      tr.title = `Open ${row.file}:${row.line}`;
      const open = () => vscode.postMessage({ type: 'openSource', file: row.file, line: row.line });
      tr.addEventListener('click', open);
      tr.addEventListener('keydown', e => { if (e.key === 'Enter') open(); });
    } else {
      tr.title = 'No source: a builtin or C function';
    }
  }
}

window.addEventListener('message', (event: MessageEvent<ToFunctionTable>) => {
  const msg = event.data;
  if (msg.type === 'rows') {
    rows = msg.rows;
    caption.textContent = msg.rows.length ? `${msg.label}: ${msg.rows.length} functions`
      : msg.source === 'py-spy'
        ? `${msg.label} was sampled by py-spy: its per-function and per-line samples are on the CodeLens, the line heat and the flame graph (Pyrometer: Show flame graph). This table lists cProfile's per-function figures.`
        : msg.source === 'perf'
        ? `${msg.label} was sampled by Linux perf: its Python functions' samples and the native work under them are on the CodeLens and in the flame graph (Pyrometer: Show flame graph). This table lists cProfile's per-function figures.`
        : msg.source === 'tracemalloc'
        ? `${msg.label} was profiled with tracemalloc: allocations are on the lines themselves and in the Allocations view (Pyrometer activity bar). This table lists cProfile's per-function figures.`
        : msg.source === 'events'
        ? `${msg.label} was run with GC and exception recording: raised exceptions are on the raising lines, collections in the GC timeline (Pyrometer: Show GC timeline). This table lists cProfile's per-function figures.`
        : msg.source === 'line timing'
        ? `${msg.label} was line-timed: its figures are on the lines themselves (hits, time, % of the function) and on each timed def's CodeLens. This table lists cProfile's per-function figures.`
        : 'No profile yet: right-click a Python file → Profile this script (cProfile).';
    render();
  } else if (msg.type === 'highlight') {
    highlighted = msg.frameIndex;
    render();
    table.querySelector('tr.highlighted')?.scrollIntoView({ block: 'center' });
  }
});

vscode.postMessage({ type: 'ready' });
