// DOM and DICOM JSON helpers shared by the patient portal and the share-link page.

/** An element with attributes (on* are listeners) and children (strings become text). */
export function el(name, attrs = {}, ...children) {
  const node = document.createElement(name);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') node.className = value;
    else if (key.startsWith('on')) node.addEventListener(key.slice(2), value);
    else node.setAttribute(key, value === true ? '' : value);
  }
  for (const child of children.flat()) {
    if (child !== null && child !== undefined) node.append(child instanceof Node ? child : String(child));
  }
  return node;
}

/** The first value of a DICOM JSON attribute. */
export const first = (item, t) => item[t]?.Value?.[0];

/** A DICOM DA value (YYYYMMDD) as a long local date. */
export function dicomDate(value) {
  if (!value || value.length !== 8) return 'Date unknown';
  const d = new Date(Date.UTC(+value.slice(0, 4), +value.slice(4, 6) - 1, +value.slice(6, 8)));
  return d.toLocaleDateString(undefined, { year: 'numeric', month: 'long', day: 'numeric', timeZone: 'UTC' });
}
