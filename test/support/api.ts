import { createPersonalDataCipher } from '../../server/privacy/personalData.js';
import { DEMO_PASSWORD, seedDemoData } from '../../server/seedData.js';
import { idCheckCharacter } from '../../state-machines/rules/idNumber.js';
import type { TestServer } from './server.js';

/** A checksum-valid resident ID number (朝阳区, born 1985-05-05) with sequence `seq`. */
export function validIdNumber(seq: number): string {
  const first17 = `11010519850505${String(seq).padStart(3, '0')}`;
  return first17 + idCheckCharacter(first17);
}

export interface Reply<T = Record<string, unknown>> {
  status: number;
  body: T;
  headers: Headers;
}

/** A small HTTP client for one user of a test server. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    public token?: string,
  ) {}

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...(this.token ? { authorization: `Bearer ${this.token}` } : {}), ...extra };
  }

  async get<T = Record<string, unknown>>(path: string): Promise<Reply<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, { headers: this.headers() });
    return { status: res.status, body: (await res.json()) as T, headers: res.headers };
  }

  async raw(path: string): Promise<Response> {
    return fetch(`${this.baseUrl}${path}`, { headers: this.headers() });
  }

  async post<T = Record<string, unknown>>(path: string, body: unknown = {}): Promise<Reply<T>> {
    return this.send<T>('POST', path, body);
  }

  async put<T = Record<string, unknown>>(path: string, body: unknown): Promise<Reply<T>> {
    return this.send<T>('PUT', path, body);
  }

  async patch<T = Record<string, unknown>>(path: string, body: unknown): Promise<Reply<T>> {
    return this.send<T>('PATCH', path, body);
  }

  private async send<T>(method: 'POST' | 'PUT' | 'PATCH', path: string, body: unknown): Promise<Reply<T>> {
    const res = await fetch(`${this.baseUrl}${path}`, {
      method,
      headers: this.headers({ 'content-type': 'application/json' }),
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as T, headers: res.headers };
  }

  /** multipart/form-data: an optional JSON part `case` and files by field. */
  async postForm<T = Record<string, unknown>>(
    path: string,
    json: unknown,
    files: { field: string; filename: string; bytes: Buffer }[],
  ): Promise<Reply<T>> {
    const form = new FormData();
    if (json !== undefined) form.append('case', JSON.stringify(json));
    for (const f of files) form.append(f.field, new Blob([new Uint8Array(f.bytes)]), f.filename);
    const res = await fetch(`${this.baseUrl}${path}`, { method: 'POST', headers: this.headers(), body: form });
    return { status: res.status, body: (await res.json()) as T, headers: res.headers };
  }
}

export async function login(server: TestServer, phone: string, password: string): Promise<ApiClient> {
  const client = new ApiClient(server.url);
  const res = await client.post<{ token: string }>('/api/auth/login', { phone, password });
  if (res.status !== 200) throw new Error(`login ${phone} failed: ${res.status} ${JSON.stringify(res.body)}`);
  client.token = res.body.token;
  return client;
}

/**
 * The newest one-time code texted to `phone`, read where the built-in SMS provider records
 * messages (the sms_outbox collection) — what the person would read on their handset.
 */
export async function lastSmsCode(server: TestServer, phone: string): Promise<string | undefined> {
  const cipher = createPersonalDataCipher(loadKey(server));
  const rows = await server.db.connection
    .collection<{ toEnc: string; text: string; createdAt: string; reference: string }>('sms_outbox')
    .find({ reference: 'auth-code' })
    .sort({ createdAt: -1, _id: -1 })
    .toArray();
  const row = rows.find((r) => cipher.decrypt(r.toEnc) === phone && /验证码 \d{6}/.test(r.text));
  return /验证码 (\d{6})/.exec(row?.text ?? '')?.[1];
}

/** Ask for a code through POST /api/auth/sms-code and read it from the SMS outbox. */
export async function requestSmsCode(server: TestServer, phone: string, purpose: 'register' | 'login' = 'register'): Promise<string> {
  const res = await new ApiClient(server.url).post('/api/auth/sms-code', { phone, purpose });
  if (res.status !== 202) throw new Error(`sms code for ${phone} refused: ${res.status} ${JSON.stringify(res.body)}`);
  const code = await lastSmsCode(server, phone);
  if (!code) throw new Error(`no SMS code was sent to ${phone}`);
  return code;
}

export async function registerParty(server: TestServer, phone: string, seq: number | string, name = '张三'): Promise<ApiClient> {
  const client = new ApiClient(server.url);
  const idNumber = typeof seq === 'string' ? seq : validIdNumber(seq);
  const smsCode = await requestSmsCode(server, phone);
  const res = await client.post('/api/auth/register', { name, idNumber, phone, password: 'a-good-password', smsCode });
  if (res.status !== 201) throw new Error(`register ${phone} failed: ${res.status} ${JSON.stringify(res.body)}`);
  return login(server, phone, 'a-good-password');
}

export async function seedAndLoginClerk(server: TestServer): Promise<ApiClient> {
  await seedDemoData(server.db.connection, createPersonalDataCipher(loadKey(server)));
  return login(server, '13800000001', DEMO_PASSWORD);
}

function loadKey(server: TestServer): Buffer {
  return server.config.dataEncryptionKey;
}

/** Minimal but well-formed files of each accepted type, and broken ones. */
export const sampleFiles = {
  pdf: (text = 'complaint') =>
    Buffer.from(`%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`),
  truncatedPdf: () => Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% cut off in transit'),
  png: () =>
    Buffer.concat([
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
      Buffer.from('0000000d49484452000000010000000108060000001f15c489', 'hex'),
      Buffer.from('0000000049454e44ae426082', 'hex'),
    ]),
  jpeg: () => Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0xff, 0xd9]),
  text: () => Buffer.from('just some text, not a document'),
};
