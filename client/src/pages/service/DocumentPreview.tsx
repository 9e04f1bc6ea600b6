import { useEffect, useState } from 'react';
import { fetchBlob } from '../../api/http.js';
import { ErrorBox } from '../../components/common.js';

/** A protected PDF shown inline: fetched with the Authorization header, shown from an object URL. */
export function DocumentPreview({ path, title }: { path: string; title: string }) {
  const [url, setUrl] = useState<string>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let objectUrl: string | undefined;
    let live = true;
    fetchBlob(path)
      .then((blob) => {
        objectUrl = URL.createObjectURL(new Blob([blob], { type: 'application/pdf' }));
        if (live) setUrl(objectUrl);
      })
      .catch((err: unknown) => live && setError(err));
    return () => {
      live = false;
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [path]);
  if (error) return <ErrorBox error={error} />;
  return url ? <iframe title={title} src={url} data-testid="pdf-preview" style={{ width: '100%', height: '60vh', border: '1px solid #ccc' }} /> : null;
}
