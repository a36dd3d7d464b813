// Formatting and time helpers shared by the views. Amounts are integer minor units, energy
// integer Wh and time whole UTC hours, as the API sends them.

export const HOUR_MS = 3_600_000;
export const WEEK_HOURS = 168;

const fractionDigits = new Map();
function minorDigits(currency) {
  if (!fractionDigits.has(currency)) {
    const digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions()
      .maximumFractionDigits;
    fractionDigits.set(currency, digits);
  }
  return fractionDigits.get(currency);
}

/** Minor units as a major amount (e.g. 17500 EUR → 175). */
export function toMajor(minor, currency) {
  return minor / 10 ** minorDigits(currency);
}

export function money(minor, currency) {
  return new Intl.NumberFormat('en', { style: 'currency', currency }).format(
    toMajor(minor, currency),
  );
}

export function integer(value) {
  return new Intl.NumberFormat('en').format(value);
}

export function kwh(wh) {
  return `${new Intl.NumberFormat('en', { maximumFractionDigits: 1 }).format(wh / 1000)} kWh`;
}

export function percent(share) {
  return `${Math.round(share * 100)} %`;
}

/** `2026-03-01T10:00:00Z` → `Sun 1 Mar 10:00 UTC`. */
export function slotLabel(slot) {
  const date = new Date(slot);
  const day = date.toLocaleDateString('en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    timeZone: 'UTC',
  });
  return `${day} ${String(date.getUTCHours()).padStart(2, '0')}:00 UTC`;
}

export function isoSlot(ms) {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

export function shortId(id) {
  return id.length > 12 ? `${id.slice(0, 8)}…` : id;
}

/** A DOM element from a tag, attributes and children (strings become text, never HTML). */
export function el(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === 'class') element.className = value;
    else if (name === 'text') element.textContent = value;
    else if (name.startsWith('on')) element.addEventListener(name.slice(2), value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    element.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return element;
}

/** A table from headers and rows of cells (strings or elements). */
export function table(caption, headers, rows, attributes = {}) {
  return el(
    'table',
    attributes,
    el('caption', {}, caption),
    el(
      'thead',
      {},
      el(
        'tr',
        {},
        headers.map((header) => el('th', { scope: 'col' }, header)),
      ),
    ),
    el(
      'tbody',
      {},
      rows.map((cells) =>
        el(
          'tr',
          {},
          cells.map((cell) => el('td', {}, cell)),
        ),
      ),
    ),
  );
}

export function loading(container, what) {
  container.replaceChildren(el('p', { class: 'loading', role: 'status' }, `Loading ${what}…`));
}
