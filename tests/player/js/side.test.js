// The side region's and the ticker's texts, the frame's fit and the preview sheet's geometry:
// pure functions of the item, the manifest, the time and the server's layout definitions.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { defaultLayout, fitBox, knownLayout, layoutSize } from '../../../player/static/frame.js';
import { SHEET_GAP, sheetGeometry, sheetLabel } from '../../../player/static/preview.js';
import { Rotation } from '../../../player/static/rotation.js';
import {
  CALM_LINE, SEAL_LABEL, TICKER_SEP, categoryText, orgName, pageIndicator, qrTarget, sealText,
  tickerSeconds, tickerText, validityText
} from '../../../player/static/side.js';
import { clockText, dateText, inWindow, isoWithOffset, validTimeZone } from '../../../player/static/time.js';

const TZ = 'Asia/Shanghai';
const NOW = Date.parse('2026-11-23T09:00:00+08:00');
/** What the server puts in data-definitions (screens/layouts.py), in its order. */
const DEFS = {
  layouts: {
    landscape: { width: 1920, height: 1080, label: '横屏' },
    led: { width: 960, height: 480, label: 'LED 屏' },
    portrait: { width: 1080, height: 1920, label: '竖屏' }
  },
  default_duration_s: 15
};

test('the QR address carries the screen code', () => {
  assert.equal(qrTarget({ qr_url: 'http://x/f/AB12' }, 'SCR5X'), 'http://x/f/AB12?s=SCR5X');
  assert.equal(qrTarget({ qr_url: 'http://x/f/AB12?a=1' }, 'S 1'), 'http://x/f/AB12?a=1&s=S%201');
  assert.equal(qrTarget({ qr_url: 'http://x/f/AB12' }, ''), 'http://x/f/AB12');
  assert.equal(qrTarget({}, 'SCR5X'), '');
  assert.equal(qrTarget(null, 'SCR5X'), '');
});

test('the seal line: who of the supervision committee sealed it, without the post', () => {
  const seal = { name: '刘长顺（村务监督委员会主任）', at: '2026-11-23T23:30:00+08:00' };
  assert.equal(sealText({ seal }), SEAL_LABEL + ' 刘长顺');
  assert.equal(sealText({ seal: { name: '刘长顺 (主任)' } }), SEAL_LABEL + ' 刘长顺');
  assert.equal(sealText({ seal: { name: '刘长顺' } }), SEAL_LABEL + ' 刘长顺');
  assert.equal(sealText({ seal: { name: '（主任）' } }), '');
  assert.equal(sealText({ seal: { name: '' } }), '');
  assert.equal(sealText({}), '');
  assert.equal(sealText(null), '');
});

test('validity: the last day of an exclusive midnight, the time otherwise, else publication', () => {
  assert.equal(validityText({ valid_until: '2027-01-01T00:00:00+08:00' }, TZ), '公开至 2026年12月31日');
  assert.equal(validityText({ valid_until: '2026-12-31T17:30:00+08:00' }, TZ), '公开至 2026年12月31日 17:30');
  assert.equal(validityText({ valid_until: null, published_at: '2026-10-12T21:00:00+08:00' }, TZ), '公布于 2026年10月12日');
  assert.equal(validityText({ valid_until: '2027-01-01T00:00:00+08:00' }, 'UTC'), '公开至 2026年12月31日 16:00');
  assert.equal(validityText({}, TZ), '');
});

test('category, notice, page indicator and organisation', () => {
  assert.equal(categoryText({ category_label: '村务' }), '村务');
  assert.equal(categoryText({ category_label: '村务', notice: { kind: 'x' } }), '村务 · 公示');
  assert.equal(categoryText({ notice: { kind: 'x' } }), '公示');
  assert.equal(categoryText(null), '');
  assert.equal(pageIndicator({ page: 1, pages: [1, 2, 3] }), '第 2/3 页');
  assert.equal(pageIndicator({ page: 0, pages: [1] }), '');
  assert.equal(pageIndicator(null), '');
  assert.equal(orgName({ org: { name: '集义村' } }, { org_name: '别处' }), '集义村');
  assert.equal(orgName(null, { org_name: '别处' }), '别处');
  assert.equal(orgName(null, {}), '');
});

test('ticker: lines in their window; on the ticker layout the titles too', () => {
  const rotation = new Rotation();
  rotation.setManifest({
    version: 'v',
    items: [
      { id: 1, title: '停水通知' },
      { id: 2, title: '未开始', valid_from: '2026-11-23T10:00:00+08:00' }
    ],
    ticker: [
      { text: '今日停水', valid_from: null, valid_until: '2026-11-23T16:00:00+08:00' },
      { text: '已过期', valid_until: '2026-11-23T08:00:00+08:00' }
    ]
  });
  assert.equal(tickerText(rotation, 'landscape', NOW), '今日停水');
  assert.equal(tickerText(rotation, 'ticker', NOW), '今日停水' + TICKER_SEP + '停水通知');
  assert.equal(tickerText(new Rotation(), 'ticker', NOW), '');
  assert.equal(tickerSeconds(300), 8);
  assert.equal(tickerSeconds(3000), 20);
  assert.ok(CALM_LINE.length > 0);
});

test('layouts come from the server definitions: default first, unknown names fall back', () => {
  assert.equal(defaultLayout(DEFS), 'landscape');
  assert.equal(knownLayout(DEFS, 'portrait'), 'portrait');
  assert.equal(knownLayout(DEFS, 'toString'), 'landscape');
  assert.equal(knownLayout(DEFS, undefined), 'landscape');
  assert.deepEqual(layoutSize(DEFS, 'led'), [960, 480]);
  assert.deepEqual(layoutSize(DEFS, 'nope'), [1920, 1080]);
});

test('fit: the design scaled to the viewport, centred and letterboxed', () => {
  assert.deepEqual(fitBox([1920, 1080], 1366, 768), {
    width: '1920px', height: '1080px', transform: 'translate(0px,0px) scale(0.7111111111111111)'
  });
  assert.equal(fitBox([1080, 1920], 1920, 1080).transform, 'translate(656px,0px) scale(0.5625)');
  assert.equal(fitBox([960, 480], 0, 0).transform, 'translate(0px,0px) scale(1)');
});

test('preview sheet: columns that fit, pages scaled, labels with the layout short name', () => {
  const g = sheetGeometry([1920, 1080], 3, 700);
  assert.equal(g.cols, 2);
  assert.equal(g.w, Math.floor((700 - SHEET_GAP) / 2));
  assert.equal(g.h, Math.round(1080 * g.w / 1920));
  assert.deepEqual(g.places[2], { x: 0, y: 28 + g.h + SHEET_GAP });
  assert.equal(g.height, 2 * (28 + g.h + SHEET_GAP) - SHEET_GAP);
  assert.equal(sheetGeometry([1080, 1920], 3, 700).cols, 3, 'portrait pages may be narrower');
  assert.equal(sheetGeometry([1920, 1080], 1, 5000).w, 1920, 'never larger than the design');
  assert.equal(sheetLabel(DEFS.layouts.landscape.label, 0, 3), '横屏 第1/3页');
  assert.equal(sheetLabel('LED 屏', 0, 1), 'LED 屏');
});

test('time: windows, the screen zone, ISO with its offset', () => {
  assert.equal(inWindow({ valid_from: '2026-11-23T09:00:00+08:00', valid_until: null }, NOW), true);
  assert.equal(inWindow({ valid_from: null, valid_until: '2026-11-23T09:00:00+08:00' }, NOW), false);
  assert.equal(inWindow({ valid_from: 'garbage', valid_until: '' }, NOW), true);
  assert.equal(dateText(NOW, TZ), '2026年11月23日 星期一');
  assert.equal(clockText(NOW, TZ), '09:00');
  assert.equal(clockText(NOW, 'Europe/Berlin'), '02:00');
  assert.equal(isoWithOffset(NOW + 999, 'America/New_York'), '2026-11-22T20:00:00-05:00');
  assert.equal(validTimeZone('Mars/Base'), 'Asia/Shanghai');
  assert.equal(validTimeZone(''), 'Asia/Shanghai');
  assert.equal(validTimeZone('UTC'), 'UTC');
});
