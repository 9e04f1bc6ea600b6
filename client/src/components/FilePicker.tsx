import { useId, useState, type ChangeEvent } from 'react';
import type { CaseView, DocumentKind } from '../api/types.js';
import { uploadForm, type UploadProgress } from '../api/http.js';
import { ACCEPT, checkFile, MAX_UPLOAD_BYTES, type FileProblem } from '../files/fileCheck.js';
import { useI18n } from '../i18n/i18n.js';
import { formatBytes, ProgressBar, TextField, useAction } from './common.js';

function problemText(t: ReturnType<typeof useI18n>['t'], file: File, problem: FileProblem): string {
  if (problem.code === 'tooLarge') return t('upload.tooLarge', { name: file.name, max: formatBytes(MAX_UPLOAD_BYTES) });
  if (problem.code === 'empty') return t('upload.empty', { name: file.name });
  return t('upload.badType', { name: file.name });
}

/**
 * One file for a form (a decision, an answer): checked by its bytes when picked, as the
 * material pickers are, and sent with a progress bar. `pdfOnly` refuses images.
 */
export function SingleFileField({ label, name, pdfOnly, onFile, error, progress }: { label: string; name: string; pdfOnly?: boolean; onFile: (file: File | undefined) => void; error?: string; progress?: UploadProgress }) {
  const { t } = useI18n();
  const [problem, setProblem] = useState<string>();
  const pick = async (e: ChangeEvent<HTMLInputElement>) => {
    const file = e.target.files?.[0];
    const found = file && ((await checkFile(file)) ?? (pdfOnly && !(await isPdf(file)) ? ({ code: 'type' } as const) : undefined));
    setProblem(file && found ? problemText(t, file, found) : undefined);
    onFile(file && !found ? file : undefined);
  };
  return (
    <>
      <TextField label={label} name={name} type="file" accept={pdfOnly ? 'application/pdf,.pdf' : ACCEPT} onChange={(e) => void pick(e)} error={problem ?? error} />
      {progress && <ProgressBar label={t('upload.total')} value={progress.loaded} max={progress.total || 1} />}
    </>
  );
}

/**
 * The state of a one-file form: the chosen file, why it cannot be sent, upload progress,
 * and `send`, which posts it as `field` to `path` and hands the case that comes back to `onSent`.
 */
export function useSingleFileUpload(path: string, onSent: (c: CaseView) => void) {
  const [file, setFile] = useState<File>();
  const [problem, setProblem] = useState<string>();
  const [progress, setProgress] = useState<UploadProgress>();
  const { busy, error, run } = useAction();
  const choose = (chosen: File | undefined) => {
    setFile(chosen);
    setProblem(undefined);
  };
  /** `missing` is what to say when no file was chosen. */
  const send = async (field: string, missing: string) => {
    if (!file) {
      setProblem(missing);
      return;
    }
    setProblem(undefined);
    const form = new FormData();
    form.append(field, file, file.name);
    await run(async () => onSent(await uploadForm<CaseView>(path, form, setProgress)));
  };
  return { choose, send, problem, progress, busy, error };
}

async function isPdf(file: File): Promise<boolean> {
  const head = new Uint8Array(await file.slice(0, 5).arrayBuffer());
  return String.fromCharCode(...head) === '%PDF-';
}

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
      if (problem) bad.push(problemText(t, file, problem));
      else ok.push({ kind, file });
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
