// A small XML tree from saxes, a strict (XML 1.0 well-formedness) parser: malformed documents,
// stray `&`, undeclared entities or characters XML cannot carry throw instead of parsing.
import { SaxesParser } from 'saxes';

export interface XmlElement {
  name: string;
  attributes: Record<string, string>;
  children: XmlElement[];
  text: string;
}

export function parseXml(xml: string): XmlElement {
  const parser = new SaxesParser();
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  const errors: Error[] = [];
  parser.on('error', (e) => void errors.push(e));
  parser.on('opentag', (tag) => {
    const el: XmlElement = { name: tag.name, attributes: {}, children: [], text: '' };
    Object.assign(el.attributes, tag.attributes);
    if (stack.length) stack[stack.length - 1]!.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on('text', (t) => {
    if (stack.length) stack[stack.length - 1]!.text += t;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  if (errors.length) throw errors[0]!;
  if (!root) throw new Error('no root element');
  return root;
}

export function childrenNamed(el: XmlElement, name: string): XmlElement[] {
  return el.children.filter((c) => c.name === name);
}
