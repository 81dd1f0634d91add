/** Streaming XML (saxes) for the parts of Office Open XML packages. */
import { SaxesParser } from 'saxes';
import { decodeChars } from './decode.js';

export interface XmlHandlers {
  open?(name: string, attrs: Record<string, string>, selfClosing: boolean): void;
  text?(text: string): void;
  close?(name: string): void;
}

/**
 * Feeds XML bytes to a SAX parser and yields after each chunk, so the caller can hand on what
 * its handlers collected without holding the part in memory.
 */
export async function* feedXml(bytes: AsyncIterable<Buffer>, handlers: XmlHandlers): AsyncGenerator<void> {
  const parser = new SaxesParser({ xmlns: false, position: false });
  if (handlers.open) { const open = handlers.open; parser.on('opentag', (t) => open(t.name, t.attributes as Record<string, string>, t.isSelfClosing)); }
  if (handlers.text) { parser.on('text', handlers.text); parser.on('cdata', handlers.text); }
  if (handlers.close) { const close = handlers.close; parser.on('closetag', (t) => close(t.name)); }
  for await (const s of decodeChars(bytes, 'utf-8')) {
    parser.write(s);
    yield;
  }
  parser.close();
  yield;
}
