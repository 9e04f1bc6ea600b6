import { useId, useState, type ChangeEvent } from 'react';
import type { DocumentKind } from '../api/types.js';
import type { UploadProgress } from '../api/http.js';
import { ACCEPT, checkFile, MAX_UPLOAD_BYTES } from '../files/fileCheck.js';
import { useI18n } from '../i18n/i18n.js';
import { formatBytes, ProgressBar } from './common.js';

export interface PickedFile {
  kind: DocumentKind;
  file: File;
}

/** One kind of material (complaint, evidence, ID proof): pick files, see them checked, remove them. */
export function FilePicker({ kind, files, onChange, required }: { kind: DocumentKind; files: PickedFile[]; onChange: (files: PickedFile[]) => void; required?: boolean }) {
  const { t } = useI18n();
  const id = useId();
  const [rejected, setRejected] = useState<string[]>([]);
  const mine = files.filter((f) => f.kind === kind);

  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const chosen = [...(e.target.files ?? [])];
    e.target.value = '';
    const ok: PickedFile[] = [];
    const bad: string[] = [];
    for (const file of chosen) {
      const problem = await checkFile(file);
      if (!problem) ok.push({ kind, file });
      else if (problem.code === 'tooLarge') bad.push(t('upload.tooLarge', { name: file.name, max: formatBytes(MAX_UPLOAD_BYTES) }));
      else if (problem.code === 'empty') bad.push(t('upload.empty', { name: file.name }));
      else bad.push(t('upload.badType', { name: file.name }));
    }
    setRejected(bad);
    onChange([...files, ...ok]);
  };

  return (
    <fieldset className="file-picker">
      <legend>
        {t(`docKind.${kind}`)}
        {required && <span className="required"> {t('common.required')}</span>}
      </legend>
      <label htmlFor={id} className="button">
        {t('upload.choose')}
      </label>
      <input id={id} className="visually-hidden-file" type="file" multiple accept={ACCEPT} data-kind={kind} onChange={(e) => void pick(e)} aria-describedby={`${id}-hint`} />
      <p id={`${id}-hint`} className="hint">
        {t('upload.hint', { max: formatBytes(MAX_UPLOAD_BYTES) })}
      </p>
      {rejected.length > 0 && (
        <ul className="error-box" role="alert">
          {rejected.map((r) => (
            <li key={r}>{r}</li>
          ))}
        </ul>
      )}
      {mine.length > 0 && (
        <ul className="file-list">
          {mine.map((f) => (
            <li key={`${f.file.name}-${f.file.size}-${f.file.lastModified}`}>
              <span>{f.file.name}</span> <span className="muted">{formatBytes(f.file.size)}</span>{' '}
              <button type="button" className="link-button" onClick={() => onChange(files.filter((x) => x !== f))} aria-label={t('upload.removeNamed', { name: f.file.name })}>
                {t('upload.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
    </fieldset>
  );
}

/**
 * Per-file bars from the one request's progress: the files travel in order in
 * the multipart body, so the bytes sent so far fill them one after another.
 */
export function UploadBars({ files, progress }: { files: PickedFile[]; progress: UploadProgress }) {
  const { t } = useI18n();
  const totalFiles = files.reduce((n, f) => n + f.file.size, 0);
  // The body also carries boundaries and the JSON part; scale so the last byte fills the last bar.
  const scale = progress.total > 0 ? totalFiles / progress.total : 1;
  let before = 0;
  return (
    <div className="upload-bars" aria-live="polite">
      <ProgressBar label={t('upload.total')} value={progress.loaded} max={progress.total || 1} />
      {files.map((f) => {
        const sent = Math.min(f.file.size, Math.max(0, progress.loaded * scale - before));
        before += f.file.size;
        return <ProgressBar key={`${f.kind}-${f.file.name}-${f.file.size}`} label={f.file.name} value={sent} max={f.file.size} />;
      })}
    </div>
  );
}

export function toFormData(files: PickedFile[], json?: unknown): FormData {
  const form = new FormData();
  if (json !== undefined) form.append('case', JSON.stringify(json));
  for (const f of files) form.append(f.kind, f.file, f.file.name);
  return form;
}
