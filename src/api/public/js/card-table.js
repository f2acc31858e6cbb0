// @ts-check
// Tables that turn into cards on a phone (app.css, table.cards): each row a block, each value beside its column's name,
// so the last columns are on the screen instead of hidden past its edge in a box that scrolls sideways.
import { el } from './dom.js';

/**
 * Each cell carries its column's name (data-label), which the phone layout shows before the value.
 * @param {string[]} headers
 * @param {HTMLElement} row
 * @returns {HTMLElement}
 */
export function labelCells(headers, row) {
  [...row.children].forEach((cell, i) => {
    if (cell instanceof HTMLElement && headers[i]) cell.dataset.label = headers[i];
  });
  return row;
}

/**
 * One header row, then the rows given, their cells labelled.
 * @param {string} className
 * @param {string[]} headers
 * @param {HTMLElement[]} rows
 * @param {Record<string, string>} [attrs] more attributes of the table (an id)
 */
export function cardTable(className, headers, rows, attrs = {}) {
  for (const row of rows) labelCells(headers, row);
  return el(
    'table',
    { ...attrs, class: `${className} cards` },
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headers.map((h) => el('th', {}, h)),
      ),
    ),
    el('tbody', {}, rows),
  );
}
