import { useState } from 'react';
import type { CaseView } from '../../api/types.js';
import { ErrorBox, formatBytes } from '../../components/common.js';
import { downloadFile } from '../../components/download.js';
import { useI18n } from '../../i18n/i18n.js';

export function Documents({ c }: { c: CaseView }) {
  const { t, dateTime } = useI18n();
  const [error, setError] = useState<unknown>();
  return (
    <section aria-labelledby="docs-title">
      <h2 id="docs-title">{t('case.documents')}</h2>
      <ErrorBox error={error} />
      <ul className="doc-list">
        {c.documents.map((d) => (
          <li key={d.id}>
            <span className="doc-kind">{t(`docKind.${d.kind}`)}</span>
            <button type="button" className="link-button" onClick={() => downloadFile(`/api/cases/${c.id}/documents/${d.id}`, d.filename).catch(setError)} aria-label={t('case.downloadNamed', { name: d.filename })}>
              {d.filename}
            </button>
            <span className="muted">
              {formatBytes(d.size)} · {dateTime(d.uploadedAt)}
            </span>
            {!d.readable && <span className="badge badge-rejected">{t('case.unreadable')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
