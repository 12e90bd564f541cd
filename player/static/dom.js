/*
 * Small DOM helpers shared by the player's modules. Every function takes the document or
 * the nodes it works on, and uses only the core node API (no selectors, no layout), so the
 * modules built on them run in Node against the tiny fake document of tests/player/js.
 */

/** A new `tag` element with class `cls` and text `text` (both optional). */
export function el(doc, tag, cls, text) {
  const node = doc.createElement(tag);
  if (cls) node.className = cls;
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

export function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/** Set the text of `node`, touching the DOM only when it changes. */
export function setText(node, text) {
  const value = text === undefined || text === null ? '' : String(text);
  if (node.textContent !== value) node.textContent = value;
}

export function isElement(node) {
  return !!node && node.nodeType === 1;
}

export function tagOf(node) {
  return node.tagName.toUpperCase();
}

export function hasClass(node, cls) {
  return isElement(node) && node.classList.contains(cls);
}

export function elementChildren(node) {
  return Array.prototype.filter.call(node.childNodes, isElement);
}

/** Every element under `root` (not `root` itself), in document order, for which `test` holds. */
export function descendants(root, test) {
  const out = [];
  (function walk(node) {
    for (const child of Array.prototype.slice.call(node.childNodes)) {
      if (!isElement(child)) continue;
      if (test(child)) out.push(child);
      walk(child);
    }
  })(root);
  return out;
}

/** The first element under `root` for which `test` holds, or null. */
export function firstDescendant(root, test) {
  return descendants(root, test)[0] || null;
}

/** The <tr> children of a table section (what `section.rows` gives in a browser). */
export function rowsOf(section) {
  return elementChildren(section).filter((node) => tagOf(node) === 'TR');
}
