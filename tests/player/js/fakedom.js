/*
 * A tiny fake document for the player's Node tests: the core node API the modules use
 * (create, append, insert, remove, clone, text, classes, attributes, style), and a layout
 * model of lines so that the paginator can be driven without a browser:
 *   - a text run takes ceil(length / perLine) lines,
 *   - a table row, a caption and a list item take one line each (rows never wrap),
 *   - containers (table, table sections, lists, page bodies) stack their children.
 * fakeMetrics(capacity) says a page body overflows beyond `capacity` lines.
 */

class FakeNode {
  constructor(doc, nodeType) {
    this.ownerDocument = doc;
    this.nodeType = nodeType;
    this.parentNode = null;
    this.childNodes = [];
  }

  get firstChild() {
    return this.childNodes[0] || null;
  }

  get lastChild() {
    return this.childNodes[this.childNodes.length - 1] || null;
  }

  get nextSibling() {
    if (!this.parentNode) return null;
    const siblings = this.parentNode.childNodes;
    return siblings[siblings.indexOf(this) + 1] || null;
  }

  appendChild(child) {
    return this.insertBefore(child, null);
  }

  insertBefore(child, ref) {
    if (child.nodeType === 11) {
      for (const c of child.childNodes.slice()) this.insertBefore(c, ref);
      return child;
    }
    if (child.parentNode) child.parentNode.removeChild(child);
    const at = ref ? this.childNodes.indexOf(ref) : this.childNodes.length;
    if (at < 0) throw new Error('insertBefore: not a child');
    this.childNodes.splice(at, 0, child);
    child.parentNode = this;
    return child;
  }

  removeChild(child) {
    const at = this.childNodes.indexOf(child);
    if (at < 0) throw new Error('removeChild: not a child');
    this.childNodes.splice(at, 1);
    child.parentNode = null;
    return child;
  }

  replaceChild(next, old) {
    this.insertBefore(next, old);
    return this.removeChild(old);
  }

  contains(node) {
    for (let n = node; n; n = n.parentNode) if (n === this) return true;
    return false;
  }

  get textContent() {
    return this.childNodes.map((c) => c.textContent).join('');
  }

  set textContent(value) {
    for (const c of this.childNodes) c.parentNode = null;
    this.childNodes = [];
    if (value !== '') this.appendChild(new FakeText(this.ownerDocument, String(value)));
  }
}

class FakeText extends FakeNode {
  constructor(doc, data) {
    super(doc, 3);
    this.nodeValue = data;
  }

  get textContent() {
    return this.nodeValue;
  }

  set textContent(value) {
    this.nodeValue = String(value);
  }

  cloneNode() {
    return new FakeText(this.ownerDocument, this.nodeValue);
  }
}

class FakeFragment extends FakeNode {
  constructor(doc) {
    super(doc, 11);
  }
}

class FakeElement extends FakeNode {
  constructor(doc, tag) {
    super(doc, 1);
    this.tagName = tag.toUpperCase();
    this.className = '';
    this.attributes = new Map();
    this.style = {};
    this.dataset = {};
  }

  get classList() {
    const node = this;
    const list = () => node.className.split(/\s+/).filter(Boolean);
    return {
      contains: (c) => list().includes(c),
      add: (...cs) => {
        node.className = [...new Set([...list(), ...cs])].join(' ');
      },
      remove: (...cs) => {
        node.className = list().filter((c) => !cs.includes(c)).join(' ');
      },
      toggle: (c, on) => {
        const want = on === undefined ? !list().includes(c) : !!on;
        if (want) node.classList.add(c);
        else node.classList.remove(c);
        return want;
      }
    };
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  setAttribute(name, value) {
    if (name === 'class') this.className = String(value);
    else this.attributes.set(name, String(value));
  }

  removeAttribute(name) {
    this.attributes.delete(name);
  }

  cloneNode(deep) {
    const copy = new FakeElement(this.ownerDocument, this.tagName);
    copy.className = this.className;
    copy.attributes = new Map(this.attributes);
    copy.style = { ...this.style };
    if (deep) for (const c of this.childNodes) copy.appendChild(c.cloneNode(true));
    return copy;
  }
}

export class FakeDocument {
  createElement(tag) {
    return new FakeElement(this, tag);
  }

  createTextNode(text) {
    return new FakeText(this, String(text));
  }

  createDocumentFragment() {
    return new FakeFragment(this);
  }
}

const STACKED = new Set(['TABLE', 'TBODY', 'THEAD', 'UL', 'OL', 'DIV', 'COLGROUP']);
const ONE_LINE = new Set(['TR', 'CAPTION', 'LI']);

/** Lines taken by `node` at `perLine` characters a line (see the module comment). */
export function lines(node, perLine) {
  if (node.nodeType === 3) return Math.ceil(node.nodeValue.length / perLine);
  if (ONE_LINE.has(node.tagName)) return 1;
  if (node.tagName === 'COL') return 0;
  if (STACKED.has(node.tagName)) {
    return node.childNodes.reduce((sum, c) => sum + (c.nodeType === 1 ? lines(c, perLine) : 0), 0);
  }
  return Math.max(1, Math.ceil(node.textContent.length / perLine));
}

/**
 * The paginator's metrics over the line model: a body overflows beyond `capacity` lines;
 * slice() cuts a block holding plain text by character offsets.
 */
export function fakeMetrics(capacity, perLine = 10) {
  return {
    overflows: (body) => lines(body, perLine) > capacity,
    height: (node) => lines(node, perLine),
    lineHeight: () => 1,
    slice(block, start, end) {
      const out = block.cloneNode(false);
      out.textContent = block.textContent.slice(start, end);
      return out;
    }
  };
}

/** An element of `doc` built from a small tree: ['ul', {start: '3'}, ['li', 'one'], ...]. */
export function h(doc, spec) {
  if (typeof spec === 'string') return doc.createTextNode(spec);
  const [tag, ...rest] = spec;
  const [tagName, cls] = tag.split('.');
  const node = doc.createElement(tagName);
  if (cls) node.className = cls;
  for (const part of rest) {
    if (part && typeof part === 'object' && !Array.isArray(part)) {
      for (const [k, v] of Object.entries(part)) node.setAttribute(k, v);
    } else {
      node.appendChild(h(doc, part));
    }
  }
  return node;
}
