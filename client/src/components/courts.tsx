import { get } from '../api/http.js';
import { useI18n } from '../i18n/i18n.js';
import { useLoad } from './common.js';

export interface CourtOption {
  id: string;
  code: string;
  nameZh: string;
  nameEn: string;
}

/** The platform's courts (GET /api/courts), for the filing form and the identity review. */
export function useCourts(): CourtOption[] {
  const { data } = useLoad(() => get<{ courts: CourtOption[] }>('/api/courts'), []);
  return data?.courts ?? [];
}

/** The options of a court <select>; until the list arrives, the court already chosen stays shown by its id. */
export function CourtOptions({ courts, value }: { courts: CourtOption[]; value: string }) {
  const { pick } = useI18n();
  return (
    <>
      {!courts.some((c) => c.id === value) && <option value={value}>{value}</option>}
      {courts.map((c) => (
        <option key={c.id} value={c.id}>
          {pick(c.nameZh, c.nameEn)}（{c.code}）
        </option>
      ))}
    </>
  );
}
