import type { FormEvent } from 'react';
import type { CaseView } from '../../api/types.js';
import { ErrorBox } from '../../components/common.js';
import { SingleFileField, useSingleFileUpload } from '../../components/FilePicker.js';
import { useI18n } from '../../i18n/i18n.js';

/** The defendant files the answer (答辩状) while the answer period runs; a clerk enters one delivered on paper. */
export function AnswerPanel({ c, onChanged }: { c: CaseView; onChanged: (c: CaseView) => void }) {
  const { t } = useI18n();
  const { choose, send, problem, progress, busy, error } = useSingleFileUpload(`/api/cases/${c.id}/answer`, onChanged);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await send('answer', t('answer.fileRequired'));
  };

  return (
    <section className="card attention" aria-labelledby="answer-title" data-testid="answer-panel">
      <h2 id="answer-title">{t(c.you === 'court' ? 'answer.paperTitle' : 'answer.title')}</h2>
      <p>{t(c.you === 'court' ? 'answer.paperLead' : 'answer.lead')}</p>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <SingleFileField
          label={t('answer.file')}
          name="answer"
          onFile={choose}
          error={problem}
          progress={progress}
        />
        <ErrorBox error={error} />
        <button type="submit" className="primary" disabled={busy}>
          {t('answer.submit')}
        </button>
      </form>
    </section>
  );
}
