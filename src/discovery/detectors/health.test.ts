import { runDetectorCases } from './test-support.js';

runDetectorCases('health identifiers', [
  {
    id: 'USA_NATIONAL_PROVIDER_IDENTIFIER', valid: 'Prescriber NPI: 1234567893', value: '1234567893',
    invalid: 'Prescriber NPI: 1234567894',
    nearMiss: 'Prescriber NPI: 3234567893',
    noKeyword: { text: 'Invoice 1234567893 paid', expect: null },
  },
  {
    id: 'US_DRUG_ENFORCEMENT_AGENCY_NUMBER', valid: 'DEA number AB1234563', value: 'AB1234563',
    invalid: 'DEA number AB1234564',
    nearMiss: 'DEA number A11234563',
    noKeyword: { text: 'Part AB1234563 ordered', expect: null },
  },
  {
    id: 'USA_MEDICARE_BENEFICIARY_IDENTIFIER', valid: 'Medicare number: 1EG4-TE5-MK73', value: '1EG4-TE5-MK73',
    nearMiss: 'Medicare number: 1EG4-TS5-MK73',
    noKeyword: { text: 'Serial 1EG4TE5MK73 shipped', expect: null },
  },
  {
    id: 'UK_NHS_NUMBER', valid: 'NHS number 943 476 5919', value: '943 476 5919',
    invalid: 'NHS number 943 476 5918',
    noKeyword: { text: 'Booking 943 476 5919 confirmed', expect: null },
  },
  {
    id: 'USA_HEALTH_INSURANCE_CLAIM_NUMBER', valid: 'HICN: 123456788A', value: '123456788A',
    noKeyword: { text: 'Part 123456788A shipped', expect: null },
  },
  {
    id: 'HEALTH_INSURANCE_MEMBER_ID', valid: 'Member ID: XEH123456789', value: 'XEH123456789',
    nearMiss: 'Member ID: XEH12',
    noKeyword: { text: 'Product XEH123456789 listed', expect: null },
  },
]);
