/**
 * Where each statement of a policy document sits, as the IAM policy simulator reports it in
 * MatchedStatements (StartPosition / EndPosition):
 *
 *   Line   1-based; '\n', '\r\n' and '\r' each end a line
 *   Column 1-based, of the character just AFTER the statement's '{' (start) or '}' (end) —
 *          AWS's documented example: {"Version":"2012-10-17","Statement":{...}} on one line
 *          gives Start {1, 38} and End {1, 167}, where '{' is the 37th and '}' the 166th character.
 *
 * A small scanner over the JSON text (strings and escapes skipped); documents that are not a
 * JSON object with a Statement member give no positions.
 */

export interface Position {
  line: number;
  column: number;
}

export interface StatementSpan {
  start: Position;
  end: Position;
}

/** One span per statement, in document order (a single Statement object gives one span). */
export function statementPositions(text: string): StatementSpan[] {
  let i = 0;
  let line = 1;
  let col = 1;
  const advance = (): void => {
    const ch = text[i++];
    if (ch === '\n' || (ch === '\r' && text[i] !== '\n')) {
      line++;
      col = 1;
    } else if (ch !== '\r') col++;
  };
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i] as string)) advance();
  };
  const string = (): string => {
    // At '"': returns the raw content (escapes kept, enough for member names).
    advance();
    const from = i;
    while (i < text.length && text[i] !== '"') {
      if (text[i] === '\\') advance();
      advance();
    }
    const s = text.slice(from, i);
    advance();
    return s;
  };
  /** Skips one JSON value; records spans of objects when `record` is given. */
  const value = (record?: StatementSpan[]): void => {
    ws();
    const ch = text[i];
    if (ch === '"') {
      string();
      return;
    }
    if (ch === '{' || ch === '[') {
      const open = ch;
      const close = ch === '{' ? '}' : ']';
      advance();
      const start = { line, column: col };
      ws();
      while (i < text.length && text[i] !== close) {
        if (open === '{') {
          ws();
          if (text[i] === '"') string();
          ws();
          if (text[i] === ':') advance();
        }
        value(open === '[' ? record : undefined);
        ws();
        if (text[i] === ',') advance();
        ws();
      }
      advance();
      if (open === '{' && record) record.push({ start, end: { line, column: col } });
      return;
    }
    while (i < text.length && !/[\s,\]}]/.test(text[i] as string)) advance();
  };

  ws();
  if (text[i] !== '{') return [];
  advance();
  const spans: StatementSpan[] = [];
  while (i < text.length) {
    ws();
    if (text[i] === '}') break;
    if (text[i] !== '"') return [];
    const name = string();
    ws();
    if (text[i] !== ':') return [];
    advance();
    ws();
    value(name === 'Statement' ? spans : undefined);
    ws();
    if (text[i] === ',') advance();
  }
  return spans;
}
