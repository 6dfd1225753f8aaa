import type { FunctionRow } from '../../core/functionTable';
import type { FunctionSortKey } from '../../core/functionRowSort';
import { DEFAULT_FUNCTION_TABLE_QUERY, FUNCTION_TABLE_PAGE_ROWS, FunctionTablePage, FunctionTableQuery } from '../../core/functionTablePage';
import { groupThousands } from '../../core/pstatsNumbers';
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

// The server sorts and filters every function and sends the first `query.limit` rows; this page shows them.
let rows: readonly FunctionRow[] = [];
let query: FunctionTableQuery = DEFAULT_FUNCTION_TABLE_QUERY;
let highlighted = -1;
const FILTER_DELAY_MS = 150;
/** The number of the last query posted; a page answering an earlier one is not shown (the newer answer follows). */
let askedSeq = 0;

const caption = document.getElementById('caption')!;
const table = document.getElementById('functions') as HTMLTableElement;
const filterBox = document.getElementById('filter') as HTMLInputElement;
const more = document.getElementById('more')!;
const shown = document.getElementById('shown')!;
const showMore = document.getElementById('showMore') as HTMLButtonElement;

function ask(next: FunctionTableQuery): void {
  query = next;
  vscode.postMessage({ type: 'query', query, seq: ++askedSeq });
}

/** Set while keystrokes wait to be sent: the box is then the user's, and no page overwrites it. */
let filterTimer: ReturnType<typeof setTimeout> | undefined;
filterBox.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = setTimeout(() => {
    filterTimer = undefined;
    ask({ ...query, filter: filterBox.value, limit: FUNCTION_TABLE_PAGE_ROWS });
  }, FILTER_DELAY_MS);
});
showMore.addEventListener('click', () => ask({ ...query, limit: query.limit + FUNCTION_TABLE_PAGE_ROWS }));

// Profile strings are data: every cell is set with textContent, never as HTML.
function render(): void {
  table.replaceChildren();
  const head = table.createTHead().insertRow();
  const { sortKey, descending } = query;
  for (const col of COLUMNS) {
    const th = document.createElement('th');
    th.textContent = col.title + (col.key === sortKey ? (descending ? ' ▼' : ' ▲') : '');
    th.className = col.numeric ? 'num' : '';
    th.tabIndex = 0;
    th.setAttribute('role', 'button');
    th.setAttribute('aria-sort', col.key === sortKey ? (descending ? 'descending' : 'ascending') : 'none');
    th.dataset.key = col.key;
    // A click on the sorted column turns its order round; on another, numbers sort largest first, text A to Z.
    const sortBy = () => ask({
      ...query, sortKey: col.key, descending: query.sortKey === col.key ? !query.descending : col.numeric, limit: FUNCTION_TABLE_PAGE_ROWS,
    });
    th.addEventListener('click', sortBy);
    th.addEventListener('keydown', e => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); sortBy(); } });
    head.appendChild(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
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
    if (msg.answers < askedSeq) return;
    const page = msg.page;
    rows = page.rows;
    query = page.query;
    // A filter changed by the extension (a reveal clears one that hides its row; a reloaded view gets its query back).
    if (filterTimer === undefined && filterBox.value !== query.filter) filterBox.value = query.filter;
    showPage(page);
    caption.textContent = page.total > 0 ? tableCaption(msg.label, page)
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

/** The run and its function count; with a filter, how many match it. */
function tableCaption(label: string, page: FunctionTablePage): string {
  const functions = `${label}: ${groupThousands(page.total)} functions`;
  if (page.query.filter === '') return functions;
  const filter = JSON.stringify(page.query.filter);
  return page.matched === 0 ? `${functions}; none matches ${filter}` : `${functions}; ${groupThousands(page.matched)} match ${filter}`;
}

/** The filter box and "Show more" only where there are functions; the button only while rows are left. */
function showPage(page: FunctionTablePage): void {
  filterBox.hidden = page.total === 0;
  more.hidden = page.total === 0 || page.matched === 0;
  shown.textContent = `Showing ${groupThousands(page.rows.length)} of ${groupThousands(page.matched)}`;
  showMore.hidden = page.rows.length >= page.matched;
}

vscode.postMessage({ type: 'ready' });
