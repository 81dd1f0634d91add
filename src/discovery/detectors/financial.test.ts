import assert from 'node:assert/strict';
import { it } from 'node:test';
import { found, runDetectorCases } from './test-support.js';

runDetectorCases('financial identifiers', [
  {
    id: 'CREDIT_CARD_NUMBER', valid: 'Paid with credit card 4111 1111 1111 1111 yesterday', value: '4111 1111 1111 1111',
    invalid: 'Paid with credit card 4111 1111 1111 1112 yesterday',
    nearMiss: 'Paid with credit card 4111 1111 1111 111 yesterday',
    noKeyword: { text: 'Reference 5555-5555-5555-4444 attached', expect: 'CREDIT_CARD_NUMBER_(NO_KEYWORD)' },
  },
  {
    id: 'CREDIT_CARD_NUMBER', valid: 'Amex card no. 378282246310005 on file', value: '378282246310005',
    nearMiss: 'Amex card no. 3782 8224 6310 005 on file',
  },
  {
    id: 'CREDIT_CARD_EXPIRATION', valid: 'Card number 4111 1111 1111 1111, exp 12/27', value: '12/27',
    nearMiss: 'Card number 4111 1111 1111 1111, exp 13/27',
    noKeyword: { text: 'Card number 4111 1111 1111 1111, 12/27', expect: null },
  },
  {
    id: 'CREDIT_CARD_SECURITY_CODE', valid: 'Card number 4111 1111 1111 1111 exp 12/27 CVV 123', value: '123',
    nearMiss: 'Our office CVV 123 has no card nearby at all, only words here and there.',
    noKeyword: { text: 'Card number 4111 1111 1111 1111 exp 12/27, 123', expect: null },
  },
  {
    id: 'CREDIT_CARD_MAGNETIC_STRIPE', valid: 'track: %B4111111111111111^DOE/JOHN^2712101000000000000?', value: '%B4111111111111111^DOE/JOHN^2712101000000000000?',
    invalid: 'track: %B4111111111111112^DOE/JOHN^2712101000000000000?',
  },
  {
    id: 'INTERNATIONAL_BANK_ACCOUNT_NUMBER', valid: 'IBAN: DE89 3704 0044 0532 0130 00 (Commerzbank)', value: 'DE89 3704 0044 0532 0130 00',
    invalid: 'IBAN: DE88 3704 0044 0532 0130 00',
    nearMiss: 'IBAN: DE89 3704 0044 0532 0130 0',
    noKeyword: { text: 'Pay GB82WEST12345698765432 today', expect: 'INTERNATIONAL_BANK_ACCOUNT_NUMBER' },
  },
  {
    id: 'ABA_ROUTING_NUMBER', valid: 'Routing number: 021000021', value: '021000021',
    invalid: 'Routing number: 021000022',
    nearMiss: 'Routing number: 0210000210',
    noKeyword: { text: 'Ticket 021000021 closed', expect: null },
  },
  {
    id: 'BANK_ACCOUNT_NUMBER', valid: 'Checking account number 00123456789 at the branch', value: '00123456789',
    nearMiss: 'Checking account number 1234567 at the branch',
    noKeyword: { text: 'Order 00123456789 shipped', expect: null },
  },
  {
    id: 'SWIFT_CODE', valid: 'SWIFT/BIC: DEUTDEFF500', value: 'DEUTDEFF500',
    invalid: 'SWIFT/BIC: DEUTQQFF500',
    nearMiss: 'SWIFT/BIC: DEUTDEF',
    noKeyword: { text: 'Code DEUTDEFF500 noted', expect: null },
  },
]);

it('keeps the IBAN and not the card-shaped digits inside it', () => {
  assert.deepEqual(found('IBAN DE18 3566 6310 4987 1261 52 is invalid, so nothing'), []);
});
