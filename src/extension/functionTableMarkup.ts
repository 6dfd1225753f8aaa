/**
 * The function table's fixed markup, which src/webview/functionTable fills from messages. Kept apart from the view
 * (no `vscode` import) so the webview's browser test loads the same page.
 */
export const FUNCTION_TABLE_BODY =
  '<div id="toolbar"><div id="caption">No profile yet.</div>' +
  '<input id="filter" type="search" placeholder="Filter by function or file" aria-label="Filter functions by name or file"></div>' +
  '<div id="rows"><table id="functions" aria-label="Profiled functions"></table>' +
  '<div id="more"><span id="shown"></span> <button id="showMore" type="button">Show more</button></div></div>';
