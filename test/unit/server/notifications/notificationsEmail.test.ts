import { describe, expect, it } from 'vitest';
import { absoluteLink, composeNotificationEmail } from '../../../../server/notifications/notificationEmail.js';

const n = {
  type: 'case.docketed',
  titleZh: '案件已立案',
  titleEn: 'Case docketed',
  bodyZh: '您的案件已立案，案号（2026）京0105民初1号。',
  bodyEn: 'Your case was docketed as (2026)京0105民初1号.',
  link: '/cases/abc',
};

describe('notification email', () => {
  it('carries both languages, the reader’s first, with an absolute link', () => {
    const zh = composeNotificationEmail('p@example.org', n, 'zh', 'https://court.example/');
    expect(zh.to).toBe('p@example.org');
    expect(zh.subject).toBe('案件已立案 / Case docketed');
    expect(zh.text.indexOf('您的案件已立案')).toBeLessThan(zh.text.indexOf('Your case was docketed'));
    expect(zh.text.match(/https:\/\/court\.example\/cases\/abc/g)).toHaveLength(2);

    const en = composeNotificationEmail('p@example.org', n, 'en', 'https://court.example');
    expect(en.subject).toBe('Case docketed / 案件已立案');
    expect(en.text.indexOf('Your case was docketed')).toBeLessThan(en.text.indexOf('您的案件已立案'));
  });

  it('keeps line breaks out of the subject', () => {
    const mail = composeNotificationEmail('p@example.org', { ...n, titleZh: '协议\r\nBcc: x@evil.example' }, 'zh', 'https://court.example');
    expect(mail.subject).not.toMatch(/[\r\n]/);
  });

  it('mails only app paths and http(s) links', () => {
    expect(absoluteLink('/agreements/1', 'http://127.0.0.1:3000')).toBe('http://127.0.0.1:3000/agreements/1');
    expect(absoluteLink('https://other.example/x', 'https://court.example')).toBe('https://other.example/x');
    expect(absoluteLink('javascript:alert(1)', 'https://court.example')).toBeUndefined();
    expect(absoluteLink('//evil.example/x', 'https://court.example')).toBeUndefined();
    expect(absoluteLink(undefined, 'https://court.example')).toBeUndefined();
    const withoutLink = composeNotificationEmail('p@example.org', { ...n, link: 'file:///etc/passwd' }, 'zh', 'https://court.example');
    expect(withoutLink.text).not.toContain('file:');
  });
});
