import { shanghaiDate } from '../../state-machines/rules/periods.js';
import { errors } from '../errors.js';

/**
 * The longest correction period (补正期限) a clerk may set. No statute fixes a
 * maximum, but the court must decide on docketing within 7 days of receiving a
 * complete complaint (民事诉讼法 art. 126; 最高人民法院关于人民法院登记立案若干问题的规定
 * art. 6-7: incomplete material is named once, in writing, with a period to
 * complete it). A period of years would leave the filing in limbo; 90 days is
 * far beyond any real correction and catches typing errors like 9999-12-31.
 */
export const MAX_CORRECTION_DAYS = 90;

export function assertCorrectionDeadlineInRange(deadline: string, now: Date): void {
  const latest = shanghaiDate(new Date(now.getTime() + MAX_CORRECTION_DAYS * 86_400_000));
  // ISO dates compare as strings.
  if (deadline > latest) {
    throw errors.validation(
      `A correction deadline may be at most ${MAX_CORRECTION_DAYS} days ahead (latest ${latest}).`,
      { latest },
      'CORRECTION_DEADLINE_OUT_OF_RANGE',
    );
  }
}
