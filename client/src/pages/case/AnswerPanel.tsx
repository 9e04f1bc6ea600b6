import { useState, type FormEvent } from 'react';
import { uploadForm, type UploadProgress } from '../../api/http.js';
import type { CaseView } from '../../api/types.js';
import { ErrorBox, useAction } from '../../components/common.js';
import { SingleFileField } from '../../components/FilePicker.js';
import { useI18n } from '../../i18n/i18n.js';

/** The defendant files the answer (答辩状) while the answer period runs; a clerk enters one delivered on paper. */
export function AnswerPanel({ c, onChanged }: { c: CaseView; onChanged: (c: CaseView) => void }) {
  const { t } = useI18n();
  const [file, setFile] = useState<File>();
  const [problem, setProblem] = useState<string>();
  const [progress, setProgress] = useState<UploadProgress>();
  const { busy, error, run } = useAction();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!file) {
      setProblem(t('answer.fileRequired'));
      return;
    }
    setProblem(undefined);
    const form = new FormData();
    form.append('answer', file, file.name);
    await run(async () => onChanged(await uploadForm<CaseView>(`/api/cases/${c.id}/answer`, form, setProgress)));
  };

  return (
    <section className="card attention" aria-labelledby="answer-title" data-testid="answer-panel">
      <h2 id="answer-title">{t(c.you === 'court' ? 'answer.paperTitle' : 'answer.title')}</h2>
      <p>{t(c.you === 'court' ? 'answer.paperLead' : 'answer.lead')}</p>
      <form onSubmit={submit} noValidate aria-busy={busy}>
        <SingleFileField
          label={t('answer.file')}
          name="answer"
          onFile={(f) => {
            setFile(f);
            setProblem(undefined);
          }}
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
