/**
 * Pages anyone may open without logging in: the verification URL printed on documents
 * (/verify/<hash>) and the link sent by email or SMS (/s/<token>). The API stays JSON; these
 * pages make it readable in both languages. Following a link records nothing; only the
 * recipient, logged in or with the one-time code, opens the document (and that is the read).
 */
import { useEffect, useState, type FormEvent } from 'react';
import { ApiError, authToken, get } from '../../api/http.js';
import { ErrorBox, Loading, TextField, useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';
import { Link } from '../../router.js';

interface Verification {
  genuine: boolean;
  type?: string;
  title?: string;
  caseNumber?: string;
  court?: string;
  issuedAt?: string;
  sha256?: string;
  recipient?: { name: string };
  effectiveAt?: string;
  basis?: string;
  servedTo?: { recipient: string; effectiveAt: string | null; basis?: string }[];
  /** The check of the stored file's PDF signature (server/signing): absent or null when there is no file. */
  signature?: SignatureCheck | null;
}

/** What `GET /api/verify/:hash` reports of the court's PDF signature and its timestamp. */
interface SignatureCheck {
  present: boolean;
  valid: boolean;
  integrity: boolean;
  coversWholeDocument: boolean;
  chainValid: boolean;
  signer?: { subject: string; development: boolean };
  timestamp: { present: boolean; valid: boolean; time?: string; authority?: string };
  problem?: string;
}

/** The signature in words: valid or not, who signed, whether the timestamp holds and when. */
function SignatureFacts({ check }: { check: SignatureCheck | null | undefined }) {
  const { pick, dateTime } = useI18n();
  if (!check) return <>{pick('无存档文件可核验签名', 'no stored file to check a signature on')}</>;
  if (!check.present) return <>{pick('此文件没有电子签名', 'this file carries no digital signature')}</>;
  const lines = [
    check.valid ? pick('电子签名有效：文件自签名后未被改动', 'Signature valid: the file has not changed since it was signed') : pick('电子签名无效', 'Signature NOT valid'),
    check.signer ? `${pick('签名人', 'Signed by')}: ${check.signer.subject}${check.signer.development ? pick('（开发用证书，不具法律效力）', ' (development certificate, not for court use)') : ''}` : '',
    check.chainValid ? pick('证书链可信', 'Certificate chain trusted') : pick('证书链不可信', 'Certificate chain NOT trusted'),
    check.timestamp.present
      ? `${check.timestamp.valid ? pick('时间戳有效', 'Timestamp valid') : pick('时间戳无效', 'Timestamp NOT valid')}${check.timestamp.time ? `: ${dateTime(check.timestamp.time)}` : ''}`
      : pick('没有时间戳', 'No timestamp'),
    !check.valid && check.problem ? check.problem : '',
  ].filter(Boolean);
  return (
    <ul className="plain" data-valid={check.valid ? 'true' : 'false'}>
      {lines.map((l) => (
        <li key={l}>{l}</li>
      ))}
    </ul>
  );
}

const BASIS: Record<string, [string, string]> = {
  arrival: ['到达受送达人确认的电子地址', 'arrival at an address the recipient confirmed'],
  'proven-arrival': ['受送达人证明的到达时间', 'arrival time proven by the recipient'],
  acknowledgement: ['受送达人确认收悉', 'the recipient acknowledged receipt'],
  'procedural-act': ['受送达人作出诉讼行为', 'a procedural act of the recipient'],
  'read-receipt': ['系统显示已阅知（推定）', 'read receipt (presumed)'],
  'postal-receipt': ['邮寄回执签收日期', 'date on the postal return receipt'],
  signature: ['受送达人签收日期', 'date the recipient signed'],
  'left-at-residence': ['留置送达日期', 'date left at the residence'],
};

export function VerifyPage({ hash }: { hash: string }) {
  const { pick, dateTime } = useI18n();
  const { data, error } = useLoad(() => get<Verification>(`/api/verify/${encodeURIComponent(hash)}`), [hash]);
  const basis = (b?: string) => (b && BASIS[b] ? pick(BASIS[b][0], BASIS[b][1]) : '');
  return (
    <section>
      <h1 tabIndex={-1}>{pick('文书真伪核验', 'Document verification')}</h1>
      <p className="hash">{hash}</p>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && !data.genuine && (
        <p className="notice error" role="status" data-testid="verify-result">
          {pick('未找到：本平台未签发或送达此文书（或文书已被改动）。', 'Unknown: this platform did not issue or serve this document (or it was changed).')}
        </p>
      )}
      {data?.genuine && (
        <>
          <p className="notice ok" role="status" data-testid="verify-result">
            {pick('真实：此文书由本平台签发或送达。', 'Genuine: this document was issued or served through this platform.')}
          </p>
          <dl className="facts-grid">
            <dt>{pick('文书', 'Document')}</dt>
            <dd>{data.title}</dd>
            <dt>{pick('案号', 'Case number')}</dt>
            <dd>{data.caseNumber}</dd>
            <dt>{pick('法院', 'Court')}</dt>
            <dd>{data.court}</dd>
            {data.issuedAt && (
              <>
                <dt>{pick('签发时间', 'Issued')}</dt>
                <dd>{dateTime(data.issuedAt)}</dd>
              </>
            )}
            {data.recipient && (
              <>
                <dt>{pick('受送达人', 'Served on')}</dt>
                <dd>{data.recipient.name}</dd>
              </>
            )}
            {data.effectiveAt && (
              <>
                <dt>{pick('送达生效时间', 'Service took effect')}</dt>
                <dd data-testid="verify-effective">{`${dateTime(data.effectiveAt)}（${basis(data.basis)}）`}</dd>
              </>
            )}
            <dt>{pick('电子签名', 'Digital signature')}</dt>
            <dd data-testid="verify-signature">
              <SignatureFacts check={data.signature} />
            </dd>
          </dl>
          {data.servedTo && data.servedTo.length > 0 && (
            <>
              <h2>{pick('送达情况', 'Service')}</h2>
              <ul>
                {data.servedTo.map((s, i) => (
                  <li key={i}>
                    {s.recipient}：{s.effectiveAt ? `${pick('送达生效于', 'effective')} ${dateTime(s.effectiveAt)}（${basis(s.basis)}）` : pick('尚未生效', 'not yet effective')}
                  </li>
                ))}
              </ul>
            </>
          )}
        </>
      )}
    </section>
  );
}

interface LinkInfo {
  title: string;
  caseNumber: string;
  court: string;
  sha256: string;
  servedAt: string;
  codeUsable: boolean;
  deliveryId: string;
}

export function LinkPage({ token }: { token: string }) {
  const { pick, dateTime } = useI18n();
  const { data, error } = useLoad(() => get<{ link: LinkInfo }>(`/api/links/${encodeURIComponent(token)}`), [token]);
  const [code, setCode] = useState('');
  const [pdf, setPdf] = useState<string>();
  const [openError, setOpenError] = useState<unknown>();
  useEffect(() => () => (pdf ? URL.revokeObjectURL(pdf) : undefined), [pdf]);
  const loggedIn = Boolean(authToken());

  const open = async (withCode?: string) => {
    setOpenError(undefined);
    const token0 = authToken();
    const res = await fetch(`/api/links/${encodeURIComponent(token)}/open`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token0 ? { authorization: `Bearer ${token0}` } : {}) },
      body: JSON.stringify(withCode ? { code: withCode } : {}),
    });
    if (!res.ok) {
      const body = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string } } | undefined;
      setOpenError(new ApiError(res.status, body?.error?.code ?? `HTTP_${res.status}`, body?.error?.message ?? res.statusText));
      return;
    }
    setPdf(URL.createObjectURL(await res.blob()));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void open(code.trim());
  };

  return (
    <section>
      <h1 tabIndex={-1}>{pick('电子送达', 'Electronic service')}</h1>
      <ErrorBox error={error} />
      {!data && !error && <Loading />}
      {data && (
        <>
          <p data-testid="link-summary">
            {pick(`${data.link.court}向您送达《${data.link.title}》，案号${data.link.caseNumber}。`, `${data.link.court} served “${data.link.title}” (case ${data.link.caseNumber}) on you.`)}
          </p>
          <p className="muted">{pick(`送达时间：${dateTime(data.link.servedAt)}`, `Served: ${dateTime(data.link.servedAt)}`)}</p>
          <p className="muted">{pick('仅打开本页面不记录为已阅知；登录或输入查阅码打开文书后才记录。', 'Opening this page records nothing; the document counts as read once you open it, logged in or with the code.')}</p>
          {loggedIn ? (
            <div className="button-row">
              <button type="button" className="primary" onClick={() => void open()}>
                {pick('打开文书', 'Open the document')}
              </button>
              <Link href={`/inbox/${data.link.deliveryId}`}>{pick('在送达文书中查看', 'See it in my inbox')}</Link>
            </div>
          ) : (
            <>
              {data.link.codeUsable ? (
                <form onSubmit={submit}>
                  <TextField label={pick('查阅码（随链接发送的6位数字）', 'One-time code (6 digits sent with the link)')} inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" value={code} onChange={(e) => setCode(e.target.value)} required />
                  <button type="submit" className="primary">
                    {pick('打开文书', 'Open the document')}
                  </button>
                </form>
              ) : (
                <p role="status">{pick('查阅码已使用。请登录后查阅。', 'The one-time code was used. Log in to open the document.')}</p>
              )}
              <p>
                <Link href="/login">{pick('登录', 'Log in')}</Link>
              </p>
            </>
          )}
          <ErrorBox error={openError} />
          {pdf && <iframe title={data.link.title} src={pdf} className="pdf-preview" style={{ width: '100%', height: '70vh' }} />}
        </>
      )}
    </section>
  );
}
