/**
 * ISO 4217 currencies the marketplace settles in, with their minor-unit exponent (EUR 2: one
 * euro is 100 minor units; JPY 0; KWD 3). A fixed list on purpose: adding a currency is a
 * contract change (contracts/events/defs.schema.json lists the same codes).
 */
export const CURRENCY_EXPONENTS = {
  AED: 2, // UAE dirham
  AUD: 2,
  BGN: 2,
  BHD: 3, // Bahraini dinar
  BRL: 2,
  CAD: 2,
  CHF: 2,
  CLP: 0,
  CNY: 2,
  CZK: 2,
  DKK: 2,
  EGP: 2,
  EUR: 2,
  GBP: 2,
  HKD: 2,
  HUF: 2,
  IDR: 2,
  ILS: 2,
  INR: 2,
  ISK: 0,
  JOD: 3,
  JPY: 0,
  KRW: 0,
  KWD: 3, // Kuwaiti dinar
  MAD: 2,
  MXN: 2,
  MYR: 2,
  NOK: 2,
  NZD: 2,
  OMR: 3, // Omani rial
  PLN: 2,
  QAR: 2, // Qatari riyal
  RON: 2,
  SAR: 2, // Saudi riyal
  SEK: 2,
  SGD: 2,
  THB: 2,
  TRY: 2,
  TWD: 2,
  USD: 2,
  ZAR: 2,
} as const;

export type CurrencyCode = keyof typeof CURRENCY_EXPONENTS;

export const CURRENCY_CODES = Object.keys(CURRENCY_EXPONENTS) as CurrencyCode[];
