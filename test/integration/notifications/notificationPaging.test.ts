import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NotificationView } from '../../../protocol/notificationViews.js';
import { registerParty, type ApiClient } from '../../support/api.js';
import { startTestServer, type TestServer } from '../../support/server.js';

interface Page {
  notifications: NotificationView[];
  unread: number;
  total: number;
  more: boolean;
}

describe('notifications come in pages and can all be marked read at once', () => {
  let server: TestServer;
  let party: ApiClient;
  let other: ApiClient;
  let partyId: string;

  beforeAll(async () => {
    server = await startTestServer();
    party = await registerParty(server, '13900002201', 921, '通知甲');
    other = await registerParty(server, '13900002202', 922, '通知乙');
    partyId = (await party.get<{ user: { id: string } }>('/api/auth/me')).body.user.id;
    const otherId = (await other.get<{ user: { id: string } }>('/api/auth/me')).body.user.id;
    // 19 unread notices, as a busy case gives, one a second apart so their order is certain.
    const start = Date.now() - 60_000;
    for (let i = 0; i < 19; i++) {
      const n = await server.services.notifications.notify(partyId, { type: 'test.step', titleZh: `第${i + 1}条`, titleEn: `Notice ${i + 1}`, bodyZh: '内容', bodyEn: 'Body' });
      await server.db.connection.collection('notifications').updateOne({ _id: n._id as never }, { $set: { createdAt: new Date(start + i * 1000).toISOString() } });
    }
    await server.services.notifications.notify(otherId, { type: 'test.step', titleZh: '别人的', titleEn: "Someone else's", bodyZh: '内容', bodyEn: 'Body' });
  });
  afterAll(async () => {
    await server?.destroy();
  });

  it('pages newest first with the total, the unread count and whether more follow', async () => {
    const first = await party.get<Page>('/api/notifications?limit=8');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ unread: 19, total: 19, more: true });
    expect(first.body.notifications.map((n) => n.titleEn)).toEqual(Array.from({ length: 8 }, (_, i) => `Notice ${19 - i}`));
    const cursor = first.body.notifications.at(-1)?.createdAt ?? '';
    const second = await party.get<Page>(`/api/notifications?limit=8&before=${encodeURIComponent(cursor)}`);
    expect(second.body.notifications.map((n) => n.titleEn)).toEqual(Array.from({ length: 8 }, (_, i) => `Notice ${11 - i}`));
    expect(second.body.more).toBe(true);
    const third = await party.get<Page>(`/api/notifications?limit=8&before=${encodeURIComponent(second.body.notifications.at(-1)?.createdAt ?? '')}`);
    expect(third.body.notifications).toHaveLength(3);
    expect(third.body.more).toBe(false);
  });

  it('marks all read in one step, only the caller\'s own', async () => {
    const res = await party.post<{ marked: number; unread: number }>('/api/notifications/read-all');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ marked: 19, unread: 0 });
    const after = await party.get<Page>('/api/notifications?limit=50');
    expect(after.body.unread).toBe(0);
    expect(after.body.notifications.every((n) => n.read && n.readAt)).toBe(true);
    // Nothing left to mark the second time; another person's notices stay unread.
    expect((await party.post<{ marked: number }>('/api/notifications/read-all')).body.marked).toBe(0);
    expect((await other.get<Page>('/api/notifications')).body.unread).toBe(1);
  });

  it('needs a login and refuses a bad page request with a stable code', async () => {
    const anonymous = await fetch(`${server.url}/api/notifications/read-all`, { method: 'POST' });
    expect(anonymous.status).toBe(401);
    const bad = await party.get<{ error: { code: string } }>('/api/notifications?limit=0');
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe('VALIDATION_FAILED');
  });
});
