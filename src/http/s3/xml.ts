/**
 * S3 XML: rendering responses and parsing bounded request bodies (fast-xml-parser).
 * Entities are not expanded beyond the five predefined ones, and DOCTYPEs are refused, so
 * no XXE or billion-laughs input reaches the handlers.
 */
import { XMLBuilder, XMLParser } from 'fast-xml-parser';
import { CofferError } from '../../shared/index.js';

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const builder = new XMLBuilder({ ignoreAttributes: false, attributeNamePrefix: '@_', suppressEmptyNode: false, processEntities: true });

/** Renders `<?xml ...?><Root xmlns="...">body</Root>`. Arrays become repeated elements. */
export function xmlDocument(root: string, body: Record<string, unknown>, opts: { namespace?: boolean } = {}): string {
  const rootObj: Record<string, unknown> = opts.namespace === false ? { ...body } : { '@_xmlns': S3_NS, ...body };
  return '<?xml version="1.0" encoding="UTF-8"?>\n' + builder.build({ [root]: rootObj });
}

const parser = new XMLParser({
  ignoreAttributes: true,
  removeNSPrefix: true,
  parseTagValue: false,
  trimValues: true,
  processEntities: true,
  ignoreDeclaration: true,
  isArray: (name) => ['Part', 'Object', 'Tag'].includes(name),
});

/** Parses a request body; any malformation is MalformedXML. Returns the root element's content. */
export function parseXmlBody(body: Buffer, root: string): Record<string, unknown> {
  const text = body.toString('utf8');
  if (/<!DOCTYPE|<!ENTITY/i.test(text)) throw new CofferError('http.malformed_xml');
  let doc: unknown;
  try {
    doc = parser.parse(text, true);
  } catch (cause) {
    throw new CofferError('http.malformed_xml', { cause });
  }
  const value = (doc as Record<string, unknown> | undefined)?.[root];
  if (value === undefined) throw new CofferError('http.malformed_xml');
  if (value === '' ) return {};
  if (typeof value !== 'object' || value === null) throw new CofferError('http.malformed_xml');
  return value as Record<string, unknown>;
}

/** ISO-8601 with milliseconds, as S3 lists times. */
export function isoTime(ms: number): string {
  return new Date(ms).toISOString();
}
