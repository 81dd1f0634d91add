import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { statementPositions } from './statement-positions.js';

describe('statement positions for the policy simulator', () => {
  it("reproduces AWS's documented positions for a one-line policy (simulate-custom-policy example 1)", () => {
    const doc = '{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"dynamodb:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2018-08-16T12:00:00Z"}}}}';
    assert.deepEqual(statementPositions(doc), [{ start: { line: 1, column: 38 }, end: { line: 1, column: 167 } }]);
  });

  it('gives one span per statement of a pretty-printed list, skipping braces inside strings and nested objects', () => {
    const doc = ['{', '  "Version": "2012-10-17",', '  "Statement": [', '    {"Sid": "A{", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},', '    {', '      "Effect": "Deny",', '      "Action": ["s3:Delete*"],', '      "Resource": "*",', '      "Condition": {"Bool": {"aws:SecureTransport": "false"}}', '    }', '  ]', '}'].join('\r\n');
    assert.deepEqual(statementPositions(doc), [
      { start: { line: 4, column: 6 }, end: { line: 4, column: 72 } },
      { start: { line: 5, column: 6 }, end: { line: 10, column: 6 } },
    ]);
  });

  it('gives no positions for a document that is not an object with statements', () => {
    assert.deepEqual(statementPositions('[1,2]'), []);
    assert.deepEqual(statementPositions('{"Version":"2012-10-17"}'), []);
  });
});
