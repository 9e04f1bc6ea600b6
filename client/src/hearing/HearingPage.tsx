import { useState } from 'react';
import { get } from '../api/http.js';
import type { Hearing } from '../api/types.js';
import { ErrorBox, Loading, useLoad } from '../components/common.js';
import { useI18n } from '../i18n/i18n.js';
import { Link } from '../router.js';
import { DeviceCheck, type ChosenMedia } from './DeviceCheck.js';
import { HearingRoom } from './HearingRoom.js';

export function HearingPage({ hearingId }: { hearingId: string }) {
  const { t, dateTime } = useI18n();
  const { data: hearing, error } = useLoad(() => get<Hearing>(`/api/hearings/${hearingId}`), [hearingId]);
  const [media, setMedia] = useState<ChosenMedia>();
  if (error) return <ErrorBox error={error} />;
  if (!hearing) return <Loading />;
  return (
    <div className="hearing-page">
      <div className="page-head">
        <h1 tabIndex={-1}>{t(`hearingKind.${hearing.kind}`)}</h1>
        <p className="muted">
          <time dateTime={hearing.startsAt}>{dateTime(hearing.startsAt)}</time> · <Link href={`/cases/${hearing.caseId}`}>{t('room.backToCase')}</Link>
        </p>
      </div>
      {media ? <HearingRoom hearingId={hearingId} caseId={hearing.caseId} media={media} header={hearing.case} /> : <DeviceCheck onJoin={setMedia} mediation={hearing.kind === 'mediation'} />}
    </div>
  );
}
