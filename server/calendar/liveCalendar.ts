/**
 * The court calendar the running server counts periods on. Services receive this one object
 * at start-up; when an administrator enters an arrangement it swaps the pure calendar inside,
 * so every service counts on the new one at once without being rebuilt.
 */
import { buildCourtCalendar, type CourtCalendar, type YearArrangement } from '../../state-machines/calendar/courtCalendar.js';
import { SHIPPED_ARRANGEMENTS } from '../../state-machines/calendar/shippedArrangements.js';

export class LiveCourtCalendar implements CourtCalendar {
  private current: CourtCalendar = buildCourtCalendar(SHIPPED_ARRANGEMENTS);
  private enteredYears = new Set<number>();

  /** Shipped arrangements, overridden year by year by the entered ones. */
  replace(entered: Iterable<YearArrangement>): void {
    const list = [...entered];
    this.current = buildCourtCalendar([...SHIPPED_ARRANGEMENTS, ...list]);
    this.enteredYears = new Set(list.map((a) => a.year));
  }

  get confirmedYears(): readonly number[] {
    return this.current.confirmedYears;
  }

  isEntered(year: number): boolean {
    return this.enteredYears.has(year);
  }

  isRestDay(date: string): boolean {
    return this.current.isRestDay(date);
  }

  isProvisional(date: string): boolean {
    return this.current.isProvisional(date);
  }
}
