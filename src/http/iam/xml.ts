/** XML for the IAM query protocol: escaped elements, the <Op>Response envelope and ErrorResponse. */

export const IAM_NAMESPACE = 'https://iam.amazonaws.com/doc/2010-05-08/';

export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c] as string);
}

/** <name>value</name>, or '' when the value is null/undefined. */
export function el(name: string, value: string | number | boolean | null | undefined): string {
  return value === null || value === undefined ? '' : `<${name}>${esc(String(value))}</${name}>`;
}

/** <name>inner</name> with already-built inner XML. */
export function wrap(name: string, inner: string): string {
  return `<${name}>${inner}</${name}>`;
}

/** <name><member>…</member>…</name>. */
export function members(name: string, items: readonly string[]): string {
  return `<${name}>${items.map((i) => `<member>${i}</member>`).join('')}</${name}>`;
}

/** IsTruncated and, when truncated, Marker. */
export function paging(page: { isTruncated: boolean; marker?: string }): string {
  return el('IsTruncated', page.isTruncated) + (page.isTruncated ? el('Marker', page.marker) : '');
}

export function responseXml(action: string, result: string | null, requestId: string): string {
  const body = result === null ? '' : `<${action}Result>${result}</${action}Result>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${IAM_NAMESPACE}">${body}<ResponseMetadata><RequestId>${esc(requestId)}</RequestId></ResponseMetadata></${action}Response>`;
}

export function errorResponseXml(type: 'Sender' | 'Receiver', code: string, message: string, requestId: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<ErrorResponse xmlns="${IAM_NAMESPACE}"><Error><Type>${type}</Type><Code>${esc(code)}</Code><Message>${esc(message)}</Message></Error><RequestId>${esc(requestId)}</RequestId></ErrorResponse>`;
}
