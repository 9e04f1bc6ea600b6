/**
 * The clerk's service screen for a case: issue a court document and preview it, choose
 * recipients and channels (only those that can work are offered; the others say why), serve,
 * watch each recipient's delivery log (polled), download the receipt, and record service by
 * post or in person with its proof.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { fetchBlob, get, post } from '../../api/http.js';
import { ErrorBox, SelectField, TextField, useAction, useLoad } from '../../components/common.js';
import { downloadFile } from '../../components/download.js';
import { useI18n } from '../../i18n/i18n.js';

interface ChannelOption { channel: 'inbox' | 'email' | 'sms'; available: boolean; address?: string; reason?: string; reasonZh?: string; reasonEn?: string }
interface Options { mailAvailable: boolean; recipients: { userId: string; name: string; side: string; channels: ChannelOption[] }[] }
interface Issued { documentId: string; title: string; filename: string; kind: string }
interface Step { step: string; at: string }
interface ServiceItem {
  id: string;
  document: { title: string };
  createdAt: string;
  offline?: { method: string };
  recipients: { userId: string; name: string; effect: { effective: boolean; effectiveAt?: string; basis?: string; reasonZh?: string; reason?: string }; receiptId?: string; deliveries: { id: string; channel: string; address: string; status: string; steps: Step[] }[] }[];
}

const KINDS: [string, string, string][] = [
  ['acceptanceNotice', '受理通知书', 'Acceptance notice'],
  ['feeNotice', '交纳诉讼费用通知书', 'Notice to pay court fees'],
  ['evidenceNotice', '举证通知书', 'Notice to produce evidence'],
  ['summons', '传票', 'Summons'],
];
const CHANNEL: Record<string, [string, string]> = { inbox: ['平台站内', 'Platform inbox'], email: ['电子邮件', 'Email'], sms: ['短信', 'SMS'], post: ['邮寄', 'Post'], inPerson: ['直接送达', 'In person'] };
const STEP: Record<string, [string, string]> = { created: ['已创建', 'created'], sent: ['已发送', 'sent'], delivered: ['已到达', 'delivered'], read: ['已阅读', 'read'], acknowledged: ['已确认收悉', 'acknowledged'], acted: ['诉讼行为', 'acted'], failed: ['失败', 'failed'] };
const POLL_MS = 3000;

export function ServicePanel({ caseId }: { caseId: string }) {
  const { pick, dateTime } = useI18n();
  const options = useLoad(() => get<Options>(`/api/cases/${caseId}/service-options`), [caseId]);
  const services = useLoad(() => get<{ services: ServiceItem[] }>(`/api/cases/${caseId}/service`), [caseId]);
  const hearings = useLoad(() => get<{ hearings: { id: string; startsAt: string; kind: string }[] }>(`/api/cases/${caseId}/hearings`), [caseId]);
  const { reload } = services;
  useEffect(() => {
    const timer = setInterval(() => document.visibilityState === 'visible' && reload(), POLL_MS);
    return () => clearInterval(timer);
  }, [reload]);

  const [kind, setKind] = useState('summons');
  const [hearingId, setHearingId] = useState('');
  const [issued, setIssued] = useState<Issued>();
  const [preview, setPreview] = useState<string>();
  const [chosen, setChosen] = useState<Record<string, string[]>>({});
  const { busy, error, run } = useAction();
  useEffect(() => () => (preview ? URL.revokeObjectURL(preview) : undefined), [preview]);

  const issue = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      const res = await post<{ document: Issued }>(`/api/cases/${caseId}/court-documents`, { kind, ...(kind === 'summons' && hearingId ? { hearingId } : {}) });
      setIssued(res.document);
      setPreview(URL.createObjectURL(await fetchBlob(`/api/cases/${caseId}/documents/${res.document.documentId}`)));
    });
  };
  const toggle = (userId: string, channel: string) =>
    setChosen((c) => {
      const now = c[userId] ?? [];
      return { ...c, [userId]: now.includes(channel) ? now.filter((x) => x !== channel) : [...now, channel] };
    });
  const serve = () =>
    void run(async () => {
      if (!issued) return;
      // One serve per set of channels: recipients sharing the same channels are served together.
      const groups = new Map<string, string[]>();
      for (const [userId, channels] of Object.entries(chosen)) {
        if (channels.length === 0) continue;
        const key = [...channels].sort().join(',');
        groups.set(key, [...(groups.get(key) ?? []), userId]);
      }
      for (const [key, userIds] of groups) {
        await post(`/api/cases/${caseId}/service`, { document: { documentId: issued.documentId }, recipients: userIds.map((userId) => ({ userId })), channels: key.split(',') });
      }
      setChosen({});
      reload();
    });

  return (
    <section aria-labelledby="service-title" className="card" data-testid="service-panel">
      <h2 id="service-title">{pick('文书送达', 'Serving documents')}</h2>
      <form onSubmit={issue}>
        <SelectField label={pick('文书', 'Document')} value={kind} onChange={(e) => setKind(e.target.value)} name="kind">
          {KINDS.map(([k, zh, en]) => (
            <option key={k} value={k}>
              {pick(zh, en)}
            </option>
          ))}
        </SelectField>
        {kind === 'summons' && (
          <SelectField label={pick('庭审', 'Hearing')} value={hearingId} onChange={(e) => setHearingId(e.target.value)} name="hearingId" required>
            <option value="">{pick('请选择', 'Choose')}</option>
            {hearings.data?.hearings.map((h) => (
              <option key={h.id} value={h.id}>
                {dateTime(h.startsAt)}
              </option>
            ))}
          </SelectField>
        )}
        <button type="submit" disabled={busy}>
          {pick('生成文书并预览', 'Issue and preview')}
        </button>
      </form>
      {preview && issued && <iframe title={issued.title} src={preview} style={{ width: '100%', height: '50vh' }} />}
      {issued && options.data && (
        <fieldset>
          <legend>{pick(`送达《${issued.title}》：选择受送达人和方式`, `Serve “${issued.title}”: recipients and channels`)}</legend>
          {!options.data.mailAvailable && <p className="notice" role="note">{pick('平台未配置邮件服务器，电子邮件送达不可用。', 'No mail server is configured: email service is unavailable.')}</p>}
          {options.data.recipients.map((r) => (
            <div key={r.userId} data-recipient={r.userId}>
              <strong>{r.name}</strong> <span className="muted">({r.side})</span>
              <ul className="plain">
                {r.channels.map((ch) => (
                  <li key={ch.channel}>
                    <label>
                      <input type="checkbox" disabled={!ch.available} checked={(chosen[r.userId] ?? []).includes(ch.channel)} onChange={() => toggle(r.userId, ch.channel)} name={`${r.userId}-${ch.channel}`} />{' '}
                      {pick(...(CHANNEL[ch.channel] ?? [ch.channel, ch.channel]))}
                      {ch.available ? ` ${ch.address ?? ''}` : ` — ${pick(ch.reasonZh, ch.reasonEn)}`}
                    </label>
                  </li>
                ))}
              </ul>
              {r.channels.every((c) => !c.available) && <p className="muted">{pick('可请当事人同意电子送达，或采用邮寄、直接送达并在下方登记。', 'Ask for consent, or serve by post or in person and record it below.')}</p>}
            </div>
          ))}
          <button type="button" className="primary" disabled={busy || Object.values(chosen).every((c) => c.length === 0)} onClick={serve}>
            {pick('送达', 'Serve')}
          </button>
        </fieldset>
      )}
      <ErrorBox error={error ?? options.error} />
      <h3>{pick('送达记录', 'Delivery log')}</h3>
      <ul className="case-list" data-testid="delivery-log" aria-live="polite">
        {services.data?.services.map((s) => (
          <li key={s.id} className="card">
            <strong>{s.document.title}</strong> <span className="muted">{dateTime(s.createdAt)}</span>
            {s.recipients.map((r) => (
              <div key={r.userId} data-testid="delivery-recipient">
                <p>
                  {r.name}：
                  {r.effect.effective && r.effect.effectiveAt ? (
                    <span data-testid="effective-at">{pick(`送达生效 ${dateTime(r.effect.effectiveAt)}（${r.effect.basis ?? ''}）`, `effective ${dateTime(r.effect.effectiveAt)} (${r.effect.basis ?? ''})`)}</span>
                  ) : (
                    <span>{pick('尚未生效', 'not yet effective')}</span>
                  )}{' '}
                  {r.receiptId && (
                    <button type="button" onClick={() => void downloadFile(`/api/cases/${caseId}/documents/${r.receiptId}`, `receipt-${s.id.slice(0, 8)}.pdf`)}>
                      {pick('下载送达凭证', 'Download receipt')}
                    </button>
                  )}
                </p>
                <ul className="plain">
                  {s.offline && <li>{pick(...(CHANNEL[s.offline.method] ?? ['', '']))}</li>}
                  {r.deliveries.map((d) => (
                    <li key={d.id}>
                      {pick(...(CHANNEL[d.channel] ?? [d.channel, d.channel]))} {d.address}: {d.steps.map((st) => `${pick(...(STEP[st.step] ?? [st.step, st.step]))} ${dateTime(st.at)}`).join(' → ')}
                    </li>
                  ))}
                </ul>
              </div>
            ))}
          </li>
        ))}
      </ul>
      {options.data && <OfflineForm caseId={caseId} recipients={options.data.recipients} issued={issued} onDone={reload} />}
    </section>
  );
}

function OfflineForm({ caseId, recipients, issued, onDone }: { caseId: string; recipients: Options['recipients']; issued?: Issued; onDone: () => void }) {
  const { pick } = useI18n();
  const [userId, setUserId] = useState('');
  const [method, setMethod] = useState('post');
  const [servedAt, setServedAt] = useState('');
  const [file, setFile] = useState<File>();
  const [reason, setReason] = useState('');
  const { busy, error, run } = useAction();
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void run(async () => {
      if (!file || !issued) return;
      const bytes = new Uint8Array(await file.arrayBuffer());
      let bin = '';
      for (const b of bytes) bin += String.fromCharCode(b);
      await post(`/api/cases/${caseId}/service/offline`, {
        document: { documentId: issued.documentId },
        recipient: { userId },
        method,
        servedAt: new Date(servedAt).toISOString(),
        proof: { filename: file.name, contentBase64: btoa(bin) },
        ...(method === 'leftAtResidence' ? { refusal: { reason } } : {}),
      });
      onDone();
    });
  };
  return (
    <form onSubmit={submit} aria-labelledby="offline-title">
      <h3 id="offline-title">{pick('登记邮寄或直接送达', 'Record service by post or in person')}</h3>
      {!issued && <p className="muted">{pick('先在上方生成文书。', 'Issue the document above first.')}</p>}
      <SelectField label={pick('受送达人', 'Recipient')} value={userId} onChange={(e) => setUserId(e.target.value)} required name="offline-recipient">
        <option value="">{pick('请选择', 'Choose')}</option>
        {recipients.map((r) => (
          <option key={r.userId} value={r.userId}>
            {r.name}
          </option>
        ))}
      </SelectField>
      <SelectField label={pick('方式', 'Method')} value={method} onChange={(e) => setMethod(e.target.value)} name="offline-method">
        <option value="post">{pick('邮寄送达（以回执签收日为准）', 'Post (date on the return receipt)')}</option>
        <option value="inPerson">{pick('直接送达（以签收日为准）', 'In person (date signed)')}</option>
        <option value="leftAtResidence">{pick('留置送达（拒绝签收）', 'Left at the residence (refused)')}</option>
      </SelectField>
      <TextField label={pick('签收/留置时间', 'Date and time on the proof')} type="datetime-local" value={servedAt} onChange={(e) => setServedAt(e.target.value)} required name="offline-servedAt" />
      {method === 'leftAtResidence' && <TextField label={pick('拒收情况与见证人', 'Refusal and witness')} value={reason} onChange={(e) => setReason(e.target.value)} required name="offline-refusal" />}
      <label>
        {pick('送达回证/回执（PDF或图片）', 'Proof (PDF or image)')}
        <input type="file" accept="application/pdf,image/png,image/jpeg" onChange={(e) => setFile(e.target.files?.[0])} required name="offline-proof" />
      </label>
      <button type="submit" disabled={busy || !issued}>
        {pick('登记送达', 'Record service')}
      </button>
      <ErrorBox error={error} />
    </form>
  );
}
