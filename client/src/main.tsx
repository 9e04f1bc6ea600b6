import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App.js';
import { SessionProvider } from './api/session.js';
import { I18nProvider } from './i18n/i18n.js';
import { NotificationsProvider } from './notifications/notificationCentre.js';
import './styles.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html lacks #root');
createRoot(root).render(
  <StrictMode>
    <I18nProvider>
      <SessionProvider>
        <NotificationsProvider>
          <App />
        </NotificationsProvider>
      </SessionProvider>
    </I18nProvider>
  </StrictMode>,
);
