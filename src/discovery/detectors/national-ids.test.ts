import assert from 'node:assert/strict';
import { it } from 'node:test';
import { found, runDetectorCases } from './test-support.js';

runDetectorCases('national and tax identifiers', [
  {
    id: 'USA_SOCIAL_SECURITY_NUMBER', valid: 'Employee SSN: 123-45-6788', value: '123-45-6788',
    invalid: 'Employee SSN: 666-45-6788',
    nearMiss: 'Employee SSN: 123-45-67888',
    noKeyword: { text: 'Reference 123456788 attached', expect: null },
  },
  {
    id: 'USA_SOCIAL_SECURITY_NUMBER', valid: 'social security number 123456788 on the form', value: '123456788',
    invalid: 'social security number 123006788 on the form',
    noKeyword: { text: 'Call back re 123-45-6788 today', expect: 'USA_SOCIAL_SECURITY_NUMBER' },
  },
  {
    id: 'USA_INDIVIDUAL_TAX_IDENTIFICATION_NUMBER', valid: 'ITIN 912-70-1234 issued', value: '912-70-1234',
    invalid: 'ITIN 912-93-1234 issued',
    noKeyword: { text: 'Reference 912701234 attached', expect: null },
  },
  {
    id: 'UK_NATIONAL_INSURANCE_NUMBER', valid: 'NI number: AB 12 34 56 C', value: 'AB 12 34 56 C',
    invalid: 'NI number: GB 12 34 56 C',
    nearMiss: 'NI number: AB 12 34 56 E',
    noKeyword: { text: 'Claimant JG123456A wrote in', expect: 'UK_NATIONAL_INSURANCE_NUMBER' },
  },
  {
    id: 'CANADA_SOCIAL_INSURANCE_NUMBER', valid: 'SIN: 130 692 544', value: '130 692 544',
    invalid: 'SIN: 130 692 545',
    nearMiss: 'SIN: 830 692 544',
    noKeyword: { text: 'Ticket 130 692 544 closed', expect: null },
  },
  {
    id: 'BRAZIL_CPF_NUMBER', valid: 'CPF: 111.444.777-35', value: '111.444.777-35',
    invalid: 'CPF: 111.444.777-36',
    nearMiss: 'CPF: 111.111.111-11',
    noKeyword: { text: 'Pedido 111.444.777-35 enviado', expect: 'BRAZIL_CPF_NUMBER' },
  },
  {
    id: 'BRAZIL_CPF_NUMBER', valid: 'cpf 11144477735', value: '11144477735',
    noKeyword: { text: 'Pedido 11144477735 enviado', expect: null },
  },
  {
    id: 'BRAZIL_CNPJ_NUMBER', valid: 'CNPJ 11.222.333/0001-81', value: '11.222.333/0001-81',
    invalid: 'CNPJ 11.222.333/0001-82',
    noKeyword: { text: 'Empresa 11222333000181 cadastrada', expect: null },
  },
  {
    id: 'INDIA_AADHAAR_NUMBER', valid: 'Aadhaar number 2341 2341 2346', value: '2341 2341 2346',
    invalid: 'Aadhaar number 2341 2341 2347',
    nearMiss: 'Aadhaar number 1341 2341 2346',
    noKeyword: { text: 'Token 2341 2341 2346 issued', expect: null },
  },
  {
    id: 'INDIA_PERMANENT_ACCOUNT_NUMBER', valid: 'PAN: ABCPE1234F', value: 'ABCPE1234F',
    nearMiss: 'PAN: ABCQE1234F',
    noKeyword: { text: 'SKU ABCPE1234F in stock', expect: null },
  },
  {
    id: 'SPAIN_DNI_NUMBER', valid: 'DNI 12345678Z', value: '12345678Z',
    invalid: 'DNI 12345678A',
    noKeyword: { text: 'Ref 12345678-Z ok', expect: 'SPAIN_DNI_NUMBER' },
  },
  {
    id: 'SPAIN_NIE_NUMBER', valid: 'NIE: X1234567L', value: 'X1234567L',
    invalid: 'NIE: X1234567M',
  },
  {
    id: 'ITALY_NATIONAL_IDENTIFICATION_NUMBER', valid: 'Codice fiscale: RSSMRA85T10A562S', value: 'RSSMRA85T10A562S',
    invalid: 'Codice fiscale: RSSMRA85T10A562T',
    nearMiss: 'Codice fiscale: RSSMRA85T99A562S',
    noKeyword: { text: 'Cliente RSSMRA85T10A562S registrato', expect: 'ITALY_NATIONAL_IDENTIFICATION_NUMBER' },
  },
  {
    id: 'FRANCE_NATIONAL_IDENTIFICATION_NUMBER', valid: 'numéro de sécurité sociale 2 95 10 99 126 111 93', value: '2 95 10 99 126 111 93',
    invalid: 'numéro de sécurité sociale 2 95 10 99 126 111 94',
    nearMiss: 'numéro de sécurité sociale 2 95 13 99 126 111 93',
  },
  {
    id: 'GERMANY_TAX_IDENTIFICATION_NUMBER', valid: 'Steuer-ID: 36574261809', value: '36574261809',
    invalid: 'Steuer-ID: 36574261808',
    nearMiss: 'Steuer-ID: 06574261809',
    noKeyword: { text: 'Bestellung 36574261809 versandt', expect: null },
  },
  {
    id: 'NETHERLANDS_BSN_NUMBER', valid: 'BSN: 111222333', value: '111222333',
    invalid: 'BSN: 111222334',
    noKeyword: { text: 'Order 111222333 shipped', expect: null },
  },
]);

it('finds a NINO whose prefix letters follow other digits closely', () => {
  assert.deepEqual(found('ref 5 AB123456C filed'), [['UK_NATIONAL_INSURANCE_NUMBER', 'AB123456C']]);
  assert.deepEqual(found('NI number: AB 12 34 56 C'), [['UK_NATIONAL_INSURANCE_NUMBER', 'AB 12 34 56 C']]);
});
