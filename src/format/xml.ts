/**
 * Just enough XML for the checkstyle and junit formats: escaping for text and attribute values.
 * Characters XML 1.0 cannot carry at all (control characters a config may hold in a quoted value)
 * are written as a visible \xNN escape instead of making the document unreadable.
 * Example: xmlAttr('say "a<b"\n') -> 'say &quot;a&lt;b&quot;&#10;'.
 */

// C0 controls other than tab/newline/carriage return, U+FFFE/U+FFFF, and lone surrogates.
const NOT_XML = new RegExp(
  [
    /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/.source,
    // A high surrogate with no low one after it, a low surrogate with no high one before it.
    /[\uD800-\uDBFF](?![\uDC00-\uDFFF])/.source,
    /(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.source,
  ].join('|'),
  'g',
);

function visible(c: string): string {
  const code = c.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

export function xmlText(s: string): string {
  return s
    .replace(NOT_XML, visible)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/\r/g, '&#13;');
}

/** For a double-quoted attribute; newlines and tabs are kept as references (a parser would turn them into spaces). */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}

export const XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>';
