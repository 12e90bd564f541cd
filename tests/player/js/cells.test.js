// The table-cell rule against the vectors content/numbers.py is tested with
// (tests/unit/content/table_cells.json): a screen and a phone read an amount one way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

import * as cells from '../../../player/static/cells.js';

const VECTORS = JSON.parse(readFileSync(new URL('../../unit/content/table_cells.json', import.meta.url), 'utf8'));

for (const [group, fn] of [
  ['money', cells.formatMoney],
  ['numeric', cells.isNumeric],
  ['text', cells.numberText],
  ['short', cells.isShort],
  ['money_headers', cells.isMoneyHeader],
  ['total_rows', cells.isTotalRow]
]) {
  test(`cells: ${group} (${VECTORS[group].length} vectors)`, () => {
    assert.ok(VECTORS[group].length > 3);
    for (const vector of VECTORS[group]) {
      assert.deepEqual(fn(vector[0]), vector[vector.length - 1], JSON.stringify(vector));
    }
  });
}

test('cells: captions repeating the title', () => {
  for (const [caption, title, expected] of VECTORS.captions) {
    assert.equal(cells.captionRepeatsTitle(caption, title), expected, caption + ' / ' + title);
  }
});

test('cells: column kinds and what each cell shows', () => {
  assert.ok(VECTORS.columns.length > 1);
  for (const t of VECTORS.columns) {
    const kinds = cells.columnKinds(t.columns, t.rows);
    assert.deepEqual(kinds, t.kinds);
    assert.deepEqual(t.rows.map((r) => r.map((x, i) => cells.cellDisplay(x, kinds[i]))), t.display);
  }
});
