import { runDetectorCases } from './test-support.js';

runDetectorCases('passports and driving licences', [
  {
    id: 'USA_PASSPORT_NUMBER', valid: 'Passport number: 912345678', value: '912345678',
    nearMiss: 'Passport number: 11111111',
    noKeyword: { text: 'Case 912345678 closed', expect: null },
  },
  { id: 'UK_PASSPORT_NUMBER', valid: 'UK passport number 912345678', value: '912345678', nearMiss: 'UK passport number 9123456' },
  { id: 'CANADA_PASSPORT_NUMBER', valid: 'Canadian passport: AB123456', value: 'AB123456', noKeyword: { text: 'Seat AB123456 booked', expect: null } },
  { id: 'FRANCE_PASSPORT_NUMBER', valid: 'Numéro de passeport 12AB34567', value: '12AB34567' },
  { id: 'GERMANY_PASSPORT_NUMBER', valid: 'Reisepass C01X00T47', value: 'C01X00T47', nearMiss: 'Reisepass A01X00T47' },
  {
    id: 'DRIVERS_LICENSE', valid: "Driver's license number: D1234567", value: 'D1234567',
    noKeyword: { text: 'Ticket D1234567 opened', expect: null },
  },
  {
    id: 'UK_DRIVERS_LICENSE', valid: 'Driving licence number MORGA657054SM9IJ', value: 'MORGA657054SM9IJ',
    nearMiss: 'Driving licence number MORGA653354SM9IJ',
    noKeyword: { text: 'Ref MORGA657054SM9IJ', expect: null },
  },
  { id: 'CANADA_DRIVERS_LICENSE', valid: 'Ontario licence number A1234-56789-12345', value: 'A1234-56789-12345' },
  { id: 'GERMANY_DRIVERS_LICENSE', valid: 'Führerschein B072RRE2I55', value: 'B072RRE2I55' },
  { id: 'FRANCE_DRIVERS_LICENSE', valid: 'Permis de conduire 123456789012', value: '123456789012' },
]);
