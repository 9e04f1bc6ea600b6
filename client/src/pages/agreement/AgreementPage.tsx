import { useEffect, useState } from 'react';
import { fetchBlob, get, post } from '../../api/http.js';
import { useSession } from '../../api/session.js';
import type { Agreement, AgreementVerification } from '../../api/types.js';
import { ErrorBox, Loading, TextField, useLoad, useAction } from '../../components/common.js';
import { downloadFile, sha256Hex } from '../../components/download.js';
import { useI18n } from '../../i18n/i18n.js';
import { useNotifications } from '../../notifications/notificationCentre.js';
import { Link } from '../../router.js';

// No push tells the page that someone else signed; while signatures are awaited it looks again often.
const POLL_MS = 3000;

function Signatories({ a }: { a: Agreement }) {
  const { t, dateTime } = useI18n();
  return (
    <ul className="people signatories" data-testid="signatories">
      {a.signatories.map((s) => (
        <li key={s.userId} data-user-id={s.userId} data-signed={s.signedAt ? 'yes' : 'no'}>
          <strong data-name>{s.name}</strong>
          {s.signedAt ? (
            <span className="ok-text">{t('agreement.signedAt', { at: dateTime(s.signedAt) })}</span>
          ) : (
            <span className="muted">{t('agreement.notSigned')}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * Signing binds the signer to the exact PDF: the browser downloads it, hashes
 * it, and sends that hash; the server refuses if it is not the stored text.
 */
function SignPanel({ a, onSigned }: { a: Agreement; onSigned: (a: Agreement) => void }) {
  const { t } = useI18n();
  const [read, setRead] = useState(false);
  // Signing asks for the password again, so a session left open cannot sign for its owner.
  const [password, setPassword] = useState('');
  const { busy, error, run } = useAction();
  const sign = async () => {
    await run(async () => {
      const documentSha256 = await sha256Hex(await fetchBlob(a.pdf));
      const res = await post<{ agreement: Agreement }>(`/api/agreements/${a.id}/sign`, { documentSha256, password });
      onSigned(res.agreement);
    });
  };
  return (
    <section className="card attention" aria-labelledby="sign-title" data-testid="sign-panel">
      <h2 id="sign-title">{t('agreement.signTitle')}</h2>
      <p>{t('agreement.signLead')}</p>
      <label className="checkbox-line">
        <input type="checkbox" checked={read} onChange={(e) => setRead(e.target.checked)} /> {t('agreement.haveRead')}
      </label>
      <TextField
        label={t('agreement.password')}
        hint={t('agreement.passwordHint')}
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={(e) => setPassword(e.target.value)}
        required
      />
      <ErrorBox error={error} />
      <button type="button" className="primary" disabled={!read || !password || busy} onClick={() => void sign()}>
        {t('agreement.sign')}
      </button>
    </section>
  );
}

function Verify({ a }: { a: Agreement }) {
  const { t, dateTime } = useI18n();
  const [result, setResult] = useState<AgreementVerification>();
  const [error, setError] = useState<unknown>();
  const check = () => {
    setError(undefined);
    get<AgreementVerification>(`/api/agreements/${a.id}/verify`).then(setResult, setError);
  };
  const validCount = result?.signatures.filter((s) => s.valid).length ?? 0;
  return (
    <section aria-labelledby="verify-title">
      <h2 id="verify-title">{t('agreement.verifyTitle')}</h2>
      <button type="button" onClick={check}>
        {t('agreement.verify')}
      </button>
      <ErrorBox error={error} />
      {result && (
        <div role="status" data-testid="verify-result" className={`notice ${result.valid ? 'ok' : 'warn'}`}>
          <p>{result.documentValid ? t('agreement.documentIntact') : t('agreement.documentAltered')}</p>
          <p>{t('agreement.validSignatures', { n: validCount, total: a.signatories.length })}</p>
          {result.signature && (
            <p data-testid="court-signature">
              {result.signature.valid && result.signature.timestamp.valid
                ? t('agreement.courtSignatureValid', { at: dateTime(result.signature.timestamp.time) })
                : t('agreement.courtSignatureInvalid')}
            </p>
          )}
        </div>
      )}
    </section>
  );
}

export function AgreementPage({ agreementId }: { agreementId: string }) {
  const { t, dateTime, date } = useI18n();
  const { user, hasRole } = useSession();
  const { data: a, error, reload, setData } = useLoad(() => get<Agreement>(`/api/agreements/${agreementId}`), [agreementId]);
  const { latest } = useNotifications();
  // The signatories and the drafter are told live when it takes effect: look again at once.
  useEffect(() => {
    if (latest?.link === `/agreements/${agreementId}`) reload();
  }, [latest, agreementId, reload]);
  const [downloadError, setDownloadError] = useState<unknown>();
  const draft = a?.status === 'draft';
  useEffect(() => {
    if (!draft) return;
    const timer = setInterval(() => {
      if (document.visibilityState === 'visible') reload();
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [draft, reload]);

  if (error && !a) return <ErrorBox error={error} />;
  if (!a) return <Loading />;
  const mine = a.signatories.find((s) => s.userId === user?.id);
  const signed = a.signatories.filter((s) => s.signedAt).length;
  return (
    <article>
      <header className="page-head">
        <h1 tabIndex={-1}>{a.title}</h1>
        <span className={`badge${a.status === 'effective' ? ' badge-settled' : ''}`} data-testid="agreement-status">
          {a.status === 'effective' ? t('agreement.effective') : t('agreement.awaiting')}
        </span>
      </header>
      <p className="muted">
        {t('agreement.meta', { number: a.caseNumber ?? '—', drafter: a.drafter.name, at: dateTime(a.createdAt) })}
        {hasRole('clerk', 'judge', 'mediator', 'admin') && (
          <>
            {' · '}
            <Link href={`/cases/${a.caseId}`}>{t('room.backToCase')}</Link>
          </>
        )}
      </p>
      {a.status === 'effective' && a.effectiveAt && (
        <p className="notice ok" role="status">
          {t('agreement.effectiveSince', { at: dateTime(a.effectiveAt) })}
        </p>
      )}
      <h2>{t('agreement.terms')}</h2>
      <ol className="terms">
        {a.terms.map((term, i) => (
          <li key={i}>{term}</li>
        ))}
      </ol>
      <section aria-labelledby="signatories-title">
        <h2 id="signatories-title">{t('agreement.signatoriesProgress', { n: signed, total: a.signatories.length })}</h2>
        <Signatories a={a} />
      </section>
      {draft && mine && !mine.signedAt && <SignPanel a={a} onSigned={setData} />}
      <section aria-labelledby="pdf-title">
        <h2 id="pdf-title">{t('agreement.document')}</h2>
        <p className="hint">{t('agreement.fingerprint', { sha: a.documentSha256, date: date(a.createdAt) })}</p>
        <button type="button" onClick={() => downloadFile(a.pdf, `agreement-${a.id}.pdf`).catch(setDownloadError)}>
          {t('agreement.downloadPdf')}
        </button>
        {a.signedPdf && (
          <button type="button" onClick={() => downloadFile(a.signedPdf ?? '', `agreement-${a.id}-signed.pdf`).catch(setDownloadError)}>
            {t('agreement.downloadSignedPdf')}
          </button>
        )}
        <ErrorBox error={downloadError} />
      </section>
      <Verify a={a} />
    </article>
  );
}
