/** S3's XML: building responses, and reading the small request documents clients send. */

export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`,
  );
}

/** A child element: a text value, nested children, or nothing (skipped). */
export type XmlContent = string | number | boolean | XmlElement[] | undefined;
export type XmlElement = [name: string, content: XmlContent];

function render([name, content]: XmlElement): string {
  if (content === undefined) return '';
  const inner = Array.isArray(content) ? content.map(render).join('') : escapeXml(String(content));
  return `<${name}>${inner}</${name}>`;
}

/** A whole S3 response document, with S3's namespace on the root. */
export function xmlDocument(root: string, children: XmlElement[], namespace = true): string {
  const xmlns = namespace ? ' xmlns="http://s3.amazonaws.com/doc/2006-03-01/"' : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${xmlns}>${children.map(render).join('')}</${root}>`;
}

/** S3's timestamps in XML: ISO-8601 with milliseconds. */
export function xmlTime(time: string): string {
  return new Date(time).toISOString();
}

/** A parsed element: its name (namespace prefix dropped), text and children. */
export interface XmlNode {
  name: string;
  text: string;
  children: XmlNode[];
}

function unescapeXml(text: string): string {
  return text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, entity: string) => {
    const named: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
    if (entity.startsWith('#x') || entity.startsWith('#X'))
      return String.fromCodePoint(Number.parseInt(entity.slice(2), 16));
    if (entity.startsWith('#')) return String.fromCodePoint(Number(entity.slice(1)));
    return named[entity.toLowerCase()] ?? '';
  });
}

/**
 * Parses the element structure of a small, well-formed document (DeleteObjects, CORS and
 * versioning configurations). Attributes, comments and processing instructions are ignored.
 * Throws on unbalanced tags, which callers turn into MalformedXML.
 */
export function parseXml(source: string): XmlNode {
  const root: XmlNode = { name: '#document', text: '', children: [] };
  const stack: XmlNode[] = [root];
  const tag =
    /<(\/?)([^\s>/!?]+)[^>]*?(\/?)>|<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[([\s\S]*?)\]\]>|<![^>]*>/g;
  let last = 0;
  for (let match = tag.exec(source); match !== null; match = tag.exec(source)) {
    const current = stack[stack.length - 1] as XmlNode;
    current.text += unescapeXml(source.slice(last, match.index));
    last = tag.lastIndex;
    const [, closing, rawName, selfClosing, cdata] = match;
    if (cdata !== undefined) {
      current.text += cdata;
      continue;
    }
    if (rawName === undefined) continue;
    const name = rawName.includes(':') ? rawName.slice(rawName.indexOf(':') + 1) : rawName;
    if (closing) {
      if (stack.length < 2 || current.name !== name) throw new Error(`unexpected </${name}>`);
      stack.pop();
    } else {
      const node: XmlNode = { name, text: '', children: [] };
      current.children.push(node);
      if (!selfClosing) stack.push(node);
    }
  }
  if (stack.length !== 1) throw new Error('unclosed element');
  return root;
}

export function childrenNamed(node: XmlNode, name: string): XmlNode[] {
  return node.children.filter((child) => child.name === name);
}

export function childText(node: XmlNode, name: string): string | undefined {
  return node.children.find((child) => child.name === name)?.text;
}
