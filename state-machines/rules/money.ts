/**
 * Money as people read it: yuan to the fen. The fee rules compute with exact decimals (fees.ts)
 * and the case log keeps them; every view shows the amount rounded half up to the fen.
 */
import { Decimal } from 'decimal.js';

/** '15911.11101' → '15911.11'; '-0.00101' → '0.00'; text that is not a number comes back as it is. */
export function toFen(amount: string): string {
  let value: Decimal;
  try {
    value = new Decimal(amount.trim());
  } catch {
    return amount;
  }
  if (!value.isFinite()) return amount;
  const fen = value.toDecimalPlaces(2, Decimal.ROUND_HALF_UP);
  return (fen.isZero() ? new Decimal(0) : fen).toFixed(2);
}

/** To the fen with thousands grouped: '1234567.891' → '1,234,567.89'. */
export function groupedFen(amount: string): string {
  const fen = toFen(amount);
  const match = /^(-?)(\d+)(\.\d{2})$/.exec(fen);
  if (!match) return fen;
  const [, sign, whole, fraction] = match;
  return `${sign}${(whole ?? '').replace(/\B(?=(\d{3})+(?!\d))/g, ',')}${fraction}`;
}

/** A breakdown line worth showing: one that is not nothing once rounded to the fen (the rounding line of a fee already at the fen). */
export function shownAtFen(amount: string): boolean {
  return toFen(amount) !== '0.00';
}
