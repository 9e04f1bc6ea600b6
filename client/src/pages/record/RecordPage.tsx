import { useState } from 'react';
import type { HearingRecordView, RecordActView } from '../../../../protocol/recordViews.js';
import { get, post } from '../../api/http.js';
import { useSession } from '../../api/session.js';
import { ErrorBox, Loading, TextArea, TextField, useAction, useLoad } from '../../components/common.js';
import { downloadFile } from '../../components/download.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';

function time(iso: string): string {
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit' }).format(new Date(iso));
}

function Acts({ record }: { record: HearingRecordView }) {
  const { t, dateTime } = useI18n();
  const byUser = new Map<string, RecordActView>(record.acts.map((a) => [a.userId, a]));
  return (
    <ul className="people signatories" data-testid="record-signatories">
      {record.signatories.map((s) => {
        const act = byUser.get(s.userId);
        return (
          <li key={s.userId} data-user-id={s.userId} data-act={act?.kind ?? 'pending'}>
            <strong>{s.name}</strong>{' '}
            {!act && <span className="muted">{t('recordPage.pending')}</span>}
            {act?.kind === 'signed' && <span className="ok-text">{t('recordPage.signedAt', { at: dateTime(act.at) })}</span>}
            {act?.kind === 'objected' && (
              <span>
                {t('recordPage.objectedAt', { at: dateTime(act.at) })}
                <blockquote>{act.objection}</blockquote>
              </span>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** A party signs the text it has read, or writes its objection; either way it enters its password again. */
function SignPanel({ record, onDone }: { record: HearingRecordView; onDone: (r: HearingRecordView) => void }) {
  const { t } = useI18n();
  const [read, setRead] = useState(false);
  const [password, setPassword] = useState('');
  const [objecting, setObjecting] = useState(false);
  const [objection, setObjection] = useState('');
  const { busy, error, run } = useAction();
  const act = (kind: 'signed' | 'objected') =>
    run(async () => {
      const body = kind === 'signed' ? { kind, textSha256: record.textSha256, password } : { kind, textSha256: record.textSha256, password, objection };
      onDone(await post<HearingRecordView>(`/api/hearings/${record.hearingId}/record/sign`, body));
    });
  return (
    <section className="card attention" aria-labelledby="record-sign-title" data-testid="record-sign-panel">
      <h2 id="record-sign-title">{t('recordPage.signTitle')}</h2>
      <p>{t('recordPage.signLead')}</p>
      <label className="checkbox-line">
        <input type="checkbox" checked={read} onChange={(e) => setRead(e.target.checked)} data-testid="record-have-read" /> {t('recordPage.haveRead')}
      </label>
      <TextField label={t('agreement.password')} hint={t('agreement.passwordHint')} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} required />
      <label className="checkbox-line">
        <input type="checkbox" checked={objecting} onChange={(e) => setObjecting(e.target.checked)} data-testid="record-objecting" /> {t('recordPage.iObject')}
      </label>
      {objecting && <TextArea label={t('recordPage.objection')} hint={t('recordPage.objectionHint')} value={objection} maxLength={5000} onChange={(e) => setObjection(e.target.value)} rows={4} data-testid="record-objection" />}
      <ErrorBox error={error} />
      {objecting ? (
        <button type="button" className="primary" disabled={!read || !password || !objection.trim() || busy} onClick={() => void act('objected')} data-testid="record-object">
          {t('recordPage.object')}
        </button>
      ) : (
        <button type="button" className="primary" disabled={!read || !password || busy} onClick={() => void act('signed')} data-testid="record-sign">
          {t('recordPage.sign')}
        </button>
      )}
    </section>
  );
}

/** The record after the hearing: parties read and sign it; the clerk closes it and files it on the case. */
export function RecordPage({ hearingId }: { hearingId: string }) {
  const { t, dateTime } = useI18n();
  const { user, hasRole } = useSession();
  const { data: record, error, setData } = useLoad(() => get<HearingRecordView>(`/api/hearings/${hearingId}/record`), [hearingId]);
  const close = useAction();
  const [downloadError, setDownloadError] = useState<unknown>();
  if (error && !record) return <ErrorBox error={error} />;
  if (!record) return <Loading />;
  const mine = record.signatories.some((s) => s.userId === user?.id) && !record.acts.some((a) => a.userId === user?.id);
  const allActed = record.signatories.every((s) => record.acts.some((a) => a.userId === s.userId));
  const staff = hasRole('clerk', 'judge', 'mediator');
  return (
    <article>
      <header className="page-head">
        <h1 tabIndex={-1}>{record.kind === 'mediation' ? t('record.titleMediation') : t('record.title')}</h1>
        <span className="badge" data-testid="record-status">
          {t(`recordPage.status.${record.status}`)}
        </span>
      </header>
      <p className="muted">
        <Link href={`/cases/${record.caseId}`}>{t('room.backToCase')}</Link>
      </p>
      <ol className="record-read" data-testid="record-text-read">
        {record.paragraphs.map((p) => (
          <li key={p.id} data-testid="record-read-paragraph">
            <span className="record-time">{time(p.at)}</span> <strong>{`${t(`role.${p.speaker.role}`)} ${p.speaker.name}`}</strong>：{p.text}
          </li>
        ))}
      </ol>
      {record.paragraphs.length === 0 && <p className="muted">{t('recordPage.empty')}</p>}
      <p className="hint">{t('recordPage.fingerprint', { sha: record.textSha256 })}</p>
      <section aria-labelledby="record-acts-title">
        <h2 id="record-acts-title">{t('recordPage.signatures')}</h2>
        <Acts record={record} />
      </section>
      {record.hearingState === 'closed' && record.status !== 'filed' && mine && <SignPanel record={record} onDone={setData} />}
      {staff && record.status !== 'filed' && record.hearingState === 'closed' && (
        <section className="card" aria-labelledby="record-close-title">
          <h2 id="record-close-title">{t('recordPage.closeTitle')}</h2>
          <p>{allActed ? t('recordPage.closeReady') : t('recordPage.closeWaiting')}</p>
          <ErrorBox error={close.error} />
          <button type="button" className="primary" disabled={!allActed || close.busy} onClick={() => void close.run(async () => setData(await post<HearingRecordView>(`/api/hearings/${hearingId}/record/close`)))} data-testid="record-close">
            {t('recordPage.close')}
          </button>
        </section>
      )}
      {record.filed && (
        <section className="notice ok" role="status" data-testid="record-filed">
          <p>{t('recordPage.filedAt', { at: dateTime(record.filed.filedAt) })}</p>
          <p className="hint">SHA-256: {record.filed.sha256}</p>
          <button type="button" onClick={() => downloadFile(record.filed?.pdf ?? '', `hearing-record-${hearingId}.pdf`).catch(setDownloadError)}>
            {t('recordPage.download')}
          </button>{' '}
          <Link href={`/verify/${record.filed.sha256}`} data-testid="record-verify-link">
            {t('recordPage.verify')}
          </Link>
          <ErrorBox error={downloadError} />
        </section>
      )}
    </article>
  );
}
