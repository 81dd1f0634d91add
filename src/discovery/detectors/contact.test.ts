import assert from 'node:assert/strict';
import { it } from 'node:test';
import { found, runDetectorCases } from './test-support.js';
import { parseDob } from './contact.js';

runDetectorCases('contact and location data', [
  {
    id: 'EMAIL_ADDRESS', valid: 'Write to jane.doe+billing@acme-corp.com today', value: 'jane.doe+billing@acme-corp.com',
    invalid: 'see icon@2x.png for the logo',
    nearMiss: 'user@localhost is not an address',
    noKeyword: { text: 'jane@example.org', expect: 'EMAIL_ADDRESS' },
  },
  {
    id: 'PHONE_NUMBER', valid: 'Tel: (415) 555-2671', value: '(415) 555-2671',
    invalid: 'Tel: (415) 055-2671',
    nearMiss: 'Released 2024-03-14 10:00',
    noKeyword: { text: 'Order (415) 555-2671 shipped', expect: null },
  },
  {
    id: 'PHONE_NUMBER', valid: 'mobile +44 7911 123456', value: '+44 7911 123456',
    noKeyword: { text: 'Reach us at +49 30 901820 anytime', expect: 'PHONE_NUMBER' },
  },
  {
    id: 'IP_ADDRESS', valid: 'client IP 203.0.113.42 blocked', value: '203.0.113.42',
    invalid: 'client IP 203.0.113.420 blocked',
    nearMiss: 'upgraded to version 10.2.3.4 today',
    noKeyword: { text: 'Connection from 198.51.100.7 refused', expect: 'IP_ADDRESS' },
  },
  {
    id: 'IP_ADDRESS', valid: 'server ip 1.2.3.4', value: '1.2.3.4',
    noKeyword: { text: 'Installed 1.2.3.4 yesterday', expect: null },
  },
  {
    id: 'IPV6_ADDRESS', valid: 'remote 2001:db8:85a3::8a2e:370:7334 connected', value: '2001:db8:85a3::8a2e:370:7334',
    nearMiss: 'meeting at 10:30:45 today',
  },
  {
    id: 'LATITUDE_LONGITUDE', valid: 'GPS 48.858370, 2.294481', value: '48.858370, 2.294481',
    nearMiss: 'GPS 48.85, 2.29',
    noKeyword: { text: 'Total 48.8583', expect: null },
  },
  {
    id: 'DATE_OF_BIRTH', valid: 'Date of birth: 14/03/1985', value: '14/03/1985',
    invalid: 'Date of birth: 31/02/1985',
    nearMiss: 'Date of birth: 14/03/2999',
    noKeyword: { text: 'Meeting on 14/03/1985 went well', expect: null },
  },
  { id: 'DATE_OF_BIRTH', valid: 'She was born on 7 March 1990.', value: '7 March 1990' },
  {
    id: 'ADDRESS', valid: 'Ship to 742 Evergreen Terrace, Springfield, IL 62704', value: '742 Evergreen Terrace, Springfield, IL 62704',
    invalid: 'Ship to 742 Evergreen Terrace, Springfield, ZZ 62704',
    noKeyword: { text: 'Our office: 10 Downing Street, London SW1A 2AA', expect: 'ADDRESS' },
  },
  {
    id: 'ADDRESS', valid: 'Home address: 221 Baker Street', value: '221 Baker Street',
    noKeyword: { text: 'We met near 221 Baker Street once', expect: null },
  },
]);

it('parses numeric and month-name dates of birth and rejects impossible ones', () => {
  for (const ok of ['1985-03-14', '03/14/1985', '14.03.1985', '7 March 1990', 'March 7, 1990', '7 Mar 1990']) assert.equal(parseDob(ok), true, ok);
  for (const bad of ['1985-13-14', '31/02/1985', '1885-01-01', 'Smarch 7, 1990']) assert.equal(parseDob(bad), false, bad);
});

it('treats a CSV column named dob as the keyword for a bare date', () => {
  assert.deepEqual(found('1985-03-14', ['dob']), [['DATE_OF_BIRTH', '1985-03-14']]);
  assert.deepEqual(found('1985-03-14', ['created_at']), []);
});

it('finds month-name dates of birth however the year is introduced, and no bare year', () => {
  for (const [t, v] of [
    ['Date of birth: March 14, 1985', 'March 14, 1985'],
    ['Date of birth: March 14th, 1985', 'March 14th, 1985'],
    ['DOB: 14th of March, 1985', '14th of March, 1985'],
    ['DOB: 14 Sept. 1985', '14 Sept. 1985'],
    ['DOB:\u00a014\u00a0March\u00a01985', '14\u00a0March\u00a01985'],
  ] as const) assert.deepEqual(found(t), [['DATE_OF_BIRTH', v]], t);
  for (const t of ['Date of birth unknown, summary 1985', 'DOB: in 1985', 'born in the year 1985']) assert.deepEqual(found(t), [], t);
});

it('finds coordinates and addresses whose digit runs carry their dots or degree signs', () => {
  assert.deepEqual(found('GPS: 51°30\'26"N, 0°7\'39"W at the gate'), [['LATITUDE_LONGITUDE', '51°30\'26"N, 0°7\'39"W']]);
  assert.deepEqual(found('coordinates 48.85837, 2.294481 were logged'), [['LATITUDE_LONGITUDE', '48.85837, 2.294481']]);
  assert.deepEqual(found('client IP 203.0.113.9 connected'), [['IP_ADDRESS', '203.0.113.9']]);
  assert.deepEqual(found('GPS 4885837 and client 2030113'), []);
});
