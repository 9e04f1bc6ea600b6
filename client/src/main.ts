// Placeholder page: the real application arrives with the client issue.
const app = document.querySelector<HTMLElement>('#app');
if (app) {
  app.innerHTML = `
    <h1>microcourt · 线上微法庭</h1>
    <p lang="zh-CN">在线诉讼平台正在建设中。</p>
    <p lang="en">Online court platform under construction.</p>
    <p id="health">…</p>`;
  fetch('/healthz')
    .then((r) => r.json() as Promise<{ status: string; version: string }>)
    .then((h) => {
      const el = document.querySelector('#health');
      if (el) el.textContent = `server: ${h.status} (v${h.version})`;
    })
    .catch(() => undefined);
}
