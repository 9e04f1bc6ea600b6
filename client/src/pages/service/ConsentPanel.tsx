/**
 * A party's consent to electronic service on a case (C1 Art. 29): the ground (A-D), the
 * addresses, confirming each one; earlier versions listed; the current one can be revoked.
 */
import { useState, type FormEvent } from 'react';
import { get, post, request } from '../../api/http.js';
import { useSession } from '../../api/session.js';
import { ErrorBox, TextField, useAction, useLoad } from '../../components/common.js';
import { useI18n } from '../../i18n/i18n.js';

interface Address { channel: 'inbox' | 'email' | 'sms'; value: string; confirmedByRecipient: boolean }
interface ConsentView { version: number; active: boolean; ground: string; addresses: Address[]; recordedAt: string; revokedAt?: string }

const GROUNDS: [string, string, string][] = [
  ['A', '事先约定：当事人事先书面约定以电子方式送达', 'A: agreed in advance in writing to electronic service'],
  ['B', '诉讼中同意：在诉讼过程中同意电子送达', 'B: agreed during the proceedings'],
  ['C', '提交诉讼材料时主动提供电子地址并确认', 'C: gave and confirmed an electronic address when filing'],
  ['D', '已通过电子方式接收送达并作出诉讼行为', 'D: accepted an electronic service already made by acting on it'],
];

export function ConsentPanel({ caseId }: { caseId: string }) {
  const { pick, dateTime } = useI18n();
  const { user } = useSession();
  const me = user?.id ?? '';
  const { data, reload } = useLoad(() => get<{ current: ConsentView[]; versions: ConsentView[] }>(`/api/cases/${caseId}/service-consent`), [caseId]);
  const [ground, setGround] = useState('B');
  const [inbox, setInbox] = useState(true);
  const [inboxOk, setInboxOk] = useState(true);
  const [email, setEmail] = useState('');
  const [emailOk, setEmailOk] = useState(false);
  const [phone, setPhone] = useState('');
  const [phoneOk, setPhoneOk] = useState(false);
  const { busy, error, run } = useAction();
  const current = data?.current[0];

  const submit = (e: FormEvent) => {
    e.preventDefault();
    const addresses: Address[] = [
      ...(inbox ? [{ channel: 'inbox' as const, value: me, confirmedByRecipient: inboxOk }] : []),
      ...(email.trim() ? [{ channel: 'email' as const, value: email.trim(), confirmedByRecipient: emailOk }] : []),
      ...(phone.trim() ? [{ channel: 'sms' as const, value: phone.trim(), confirmedByRecipient: phoneOk }] : []),
    ];
    void run(async () => {
      await request(`/api/cases/${caseId}/service-consent`, { method: 'PUT', body: { userId: me, ground, channel: 'platform', addresses } });
      reload();
    });
  };
  const revoke = () =>
    void run(async () => {
      await post(`/api/cases/${caseId}/service-consent/revoke`, { userId: me });
      reload();
    });

  return (
    <section aria-labelledby="consent-title" className="card" data-testid="consent-panel">
      <h2 id="consent-title">{pick('电子送达同意与送达地址确认', 'Consent to electronic service and service addresses')}</h2>
      <p role="status" data-testid="consent-status">
        {current?.active ? pick(`已同意电子送达（第${current.version}版，${current.ground}项）`, `You consented to electronic service (version ${current.version}, ground ${current.ground})`) : pick('您尚未同意电子送达（或已撤回）：法院将以邮寄或直接送达等方式送达。', 'You have not consented to electronic service (or revoked it): the court serves by post or in person.')}
      </p>
      <form onSubmit={submit}>
        <fieldset>
          <legend>{pick('同意的依据', 'Ground of consent')}</legend>
          {GROUNDS.map(([g, zh, en]) => (
            <label key={g} className="radio">
              <input type="radio" name="consent-ground" value={g} checked={ground === g} onChange={() => setGround(g)} /> {pick(zh, en)}
            </label>
          ))}
        </fieldset>
        <fieldset>
          <legend>{pick('送达地址', 'Addresses')}</legend>
          <label>
            <input type="checkbox" name="consent-inbox" checked={inbox} onChange={(e) => setInbox(e.target.checked)} /> {pick('平台站内送达（本人账户）', 'Platform inbox (my account)')}
          </label>
          {inbox && (
            <label>
              <input type="checkbox" name="consent-inbox-confirm" checked={inboxOk} onChange={(e) => setInboxOk(e.target.checked)} /> {pick('我确认此地址', 'I confirm this address')}
            </label>
          )}
          <TextField label={pick('电子邮箱', 'Email')} type="email" name="consent-email" value={email} onChange={(e) => setEmail(e.target.value)} />
          {email.trim() && (
            <label>
              <input type="checkbox" name="consent-email-confirm" checked={emailOk} onChange={(e) => setEmailOk(e.target.checked)} /> {pick('我确认此邮箱', 'I confirm this email address')}
            </label>
          )}
          <TextField label={pick('手机号码（短信）', 'Mobile number (SMS)')} type="tel" name="consent-phone" value={phone} onChange={(e) => setPhone(e.target.value)} />
          {phone.trim() && (
            <label>
              <input type="checkbox" name="consent-phone-confirm" checked={phoneOk} onChange={(e) => setPhoneOk(e.target.checked)} /> {pick('我确认此号码', 'I confirm this number')}
            </label>
          )}
        </fieldset>
        <button type="submit" className="primary" disabled={busy || (!inbox && !email.trim() && !phone.trim())}>
          {pick('同意电子送达', 'Consent to electronic service')}
        </button>
        {current?.active && (
          <button type="button" disabled={busy} onClick={revoke}>
            {pick('撤回同意', 'Revoke consent')}
          </button>
        )}
      </form>
      <ErrorBox error={error} />
      {data && data.versions.length > 0 && (
        <details>
          <summary>{pick('历史版本', 'Earlier versions')}</summary>
          <ol data-testid="consent-versions">
            {data.versions.map((v) => (
              <li key={v.version}>
                {pick(`第${v.version}版`, `Version ${v.version}`)} · {v.ground} · {dateTime(v.recordedAt)} · {v.addresses.map((a) => `${a.channel}${a.confirmedByRecipient ? '✓' : ''}`).join(', ')}
                {v.revokedAt ? ` · ${pick('已撤回', 'revoked')}` : ''}
              </li>
            ))}
          </ol>
        </details>
      )}
    </section>
  );
}
