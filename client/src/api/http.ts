/**
 * The one way the client talks to the REST API. Every error the server sends is
 * `{ error: { code, message } }`; the code is what the UI translates, the
 * message is only a fallback for codes the client does not know yet.
 */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let currentToken: string | undefined;
let onUnauthorised: (() => void) | undefined;

/** The session module owns the token; requests only read it. */
export function setAuthToken(token: string | undefined): void {
  currentToken = token;
}

/** For the /user socket's handshake, which cannot use the Authorization header. */
export function authToken(): string | undefined {
  return currentToken;
}

export function onSessionExpired(handler: () => void): void {
  onUnauthorised = handler;
}

function authHeaders(): Record<string, string> {
  return currentToken ? { authorization: `Bearer ${currentToken}` } : {};
}

async function toApiError(res: Response): Promise<ApiError> {
  const body = (await res.json().catch(() => undefined)) as { error?: { code?: string; message?: string; details?: unknown } } | undefined;
  const code = body?.error?.code ?? `HTTP_${res.status}`;
  return new ApiError(res.status, code, body?.error?.message ?? res.statusText, body?.error?.details);
}

function expired(status: number, code: string): boolean {
  return status === 401 && code !== 'INVALID_CREDENTIALS';
}

export async function request<T>(path: string, init: { method?: string; body?: unknown } = {}): Promise<T> {
  const hasBody = init.body !== undefined;
  let res: Response;
  try {
    res = await fetch(path, {
      method: init.method ?? (hasBody ? 'POST' : 'GET'),
      headers: { ...authHeaders(), ...(hasBody ? { 'content-type': 'application/json' } : {}) },
      ...(hasBody ? { body: JSON.stringify(init.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'NETWORK', 'The server cannot be reached.');
  }
  if (!res.ok) {
    const err = await toApiError(res);
    if (expired(err.status, err.code)) onUnauthorised?.();
    throw err;
  }
  return (await res.json()) as T;
}

export const get = <T>(path: string) => request<T>(path);
export const post = <T>(path: string, body: unknown = {}) => request<T>(path, { method: 'POST', body });
export const patch = <T>(path: string, body: unknown) => request<T>(path, { method: 'PATCH', body });
export const put = <T>(path: string, body: unknown) => request<T>(path, { method: 'PUT', body });

/**
 * A protected document as a Blob, fetched with the Authorization header so the
 * login token never appears in a URL; the page then saves it from an object URL.
 */
export async function fetchBlob(path: string): Promise<Blob> {
  const res = await fetch(path, { headers: authHeaders() });
  if (!res.ok) throw await toApiError(res);
  return res.blob();
}

export interface UploadProgress {
  loaded: number;
  total: number;
}

/**
 * multipart/form-data with upload progress. fetch() cannot report request-body
 * progress, XMLHttpRequest can; large evidence files over a court's slow line
 * need a visible bar.
 */
export function uploadForm<T>(path: string, form: FormData, onProgress: (p: UploadProgress) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', path);
    for (const [k, v] of Object.entries(authHeaders())) xhr.setRequestHeader(k, v);
    xhr.responseType = 'json';
    xhr.upload.addEventListener('progress', (e) => {
      if (e.lengthComputable) onProgress({ loaded: e.loaded, total: e.total });
    });
    xhr.addEventListener('load', () => {
      const body = xhr.response as { error?: { code?: string; message?: string; details?: unknown } } | null;
      if (xhr.status >= 200 && xhr.status < 300) {
        resolve(body as T);
        return;
      }
      const code = body?.error?.code ?? (xhr.status === 413 ? 'FILE_TOO_LARGE' : `HTTP_${xhr.status}`);
      if (expired(xhr.status, code)) onUnauthorised?.();
      reject(new ApiError(xhr.status, code, body?.error?.message ?? xhr.statusText, body?.error?.details));
    });
    xhr.addEventListener('error', () => reject(new ApiError(0, 'NETWORK', 'The upload was interrupted.')));
    xhr.addEventListener('abort', () => reject(new ApiError(0, 'ABORTED', 'The upload was cancelled.')));
    xhr.send(form);
  });
}
