// The Service Worker keeps every module of the player offline: its SHELL list names each file
// main.js imports (directly or not), and every file it names exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const STATIC = fileURLToPath(new URL('../../../player/static/', import.meta.url));
const TEMPLATE = fileURLToPath(new URL('../../../player/templates/player.html', import.meta.url));

/** Every file reachable from `entry` through static imports, relative to player/static. */
function importGraph(entry) {
  const seen = new Set();
  const todo = [entry];
  while (todo.length) {
    const file = todo.pop();
    if (seen.has(file)) continue;
    seen.add(file);
    const source = readFileSync(join(STATIC, file), 'utf8');
    for (const m of source.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+'(\.[^']+)'|^\s*import\s+'(\.[^']+)'/gm)) {
      todo.push(relative(STATIC, join(dirname(join(STATIC, file)), m[1] || m[2])));
    }
  }
  return seen;
}

function shellList() {
  const sw = readFileSync(join(STATIC, 'sw.js'), 'utf8');
  const list = sw.match(/var SHELL = \[([\s\S]*?)\];/)[1];
  return new Set(Array.from(list.matchAll(/withVersion\('static\/([^']+)'\)/g), (m) => m[1]));
}

test('sw.js precaches every module main.js imports, and only files that exist', () => {
  const graph = importGraph('main.js');
  assert.ok(graph.size >= 15, [...graph].join(', '));
  for (const file of ['paginator.js', 'store.js', 'socket.js', 'rotation.js', 'renderers.js', 'vendor/idb.js']) {
    assert.ok(graph.has(file), file);
  }
  const shell = shellList();
  for (const file of graph) assert.ok(shell.has(file), file + ' is not in sw.js SHELL');
  for (const file of shell) assert.ok(existsSync(join(STATIC, file)), file + ' does not exist');
  assert.ok(!shell.has('player.js'));
});

test('the shell cache has a new name for the module files (old copies are dropped)', () => {
  const sw = readFileSync(join(STATIC, 'sw.js'), 'utf8');
  assert.match(sw, /var SHELL_CACHE = 'signage-shell-v2';/);
  assert.match(sw, /var KEEP = \[SHELL_CACHE, ASSET_CACHE\];/);
});

test('the page loads main.js as a module after the classic scripts it uses', () => {
  const html = readFileSync(TEMPLATE, 'utf8');
  const scripts = Array.from(html.matchAll(/<script[^>]*>/g), (m) => m[0]);
  assert.equal(scripts.length, 4);
  assert.match(scripts[3], /^<script type="module" src="\{\{ static \}\}main\.js\?v=\{\{ player_version \}\}">$/);
  assert.ok(scripts.slice(0, 3).every((s) => / defer>$/.test(s) && !/type="module"/.test(s)));
  assert.match(html, /data-definitions="\{\{ definitions \}\}"/);
});
