// stackRecords: when a typed table is shown as stacked records (one card per row) rather
// than as a table. A pure function of measured heights (px).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { stackRecords } from '../../../player/static/columns.js';

test('a table whose every row fits a page under its header stays a table', () => {
  assert.equal(stackRecords({ room: 335, head: 49, rows: [255, 85, 128, 170], totals: [] }), false);
  // Exactly full (within a pixel of collapsed borders) still fits.
  assert.equal(stackRecords({ room: 300, head: 50, rows: [251] }), false);
});

test('a row taller than a page under its header makes records (LED boards)', () => {
  assert.equal(stackRecords({ room: 285, head: 134, rows: [85, 255, 85] }), true);
  assert.equal(stackRecords({ room: 300, head: 50, rows: [252] }), true);
});

test('a total row that cannot share a page with the row before it makes records', () => {
  const rows = [170, 250, 43];
  assert.equal(stackRecords({ room: 335, head: 49, rows, totals: [false, false, true] }), true);
  // The same heights without a total row: every row fits, one a page.
  assert.equal(stackRecords({ room: 335, head: 49, rows, totals: [false, false, false] }), false);
  // A total row first has no row before it to keep.
  assert.equal(stackRecords({ room: 335, head: 49, rows: [43, 250], totals: [true, false] }), false);
});

test('a squeezed table (every cell wrapping, names broken) makes records', () => {
  assert.equal(stackRecords({ room: 800, head: 60, rows: [90, 90], squeezed: true }), true);
});

test('nothing to lay out, or no page to measure: a table', () => {
  assert.equal(stackRecords({ room: 335, head: 49, rows: [] }), false);
  assert.equal(stackRecords({ room: 0, head: 49, rows: [400] }), false);
  assert.equal(stackRecords({ head: 49, rows: [400] }), false);
});
