import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { Socket } from 'socket.io-client';
import type { UserClientToServer, UserServerToClient } from '../../../protocol/user.js';
import { authToken, get, post } from '../api/http.js';
import { useSession } from '../api/session.js';
import type { NotificationView } from '../api/types.js';
import type { ReviewProgress } from '../../../protocol/review.js';

interface Centre {
  unread: number;
  /** Bumped on every live notification, so pages that show related data can look again. */
  version: number;
  /** The newest notification that arrived live in this tab, for a polite announcement. */
  latest?: NotificationView;
  /** The newest progress of a reading review pushed live (the filer's and the clerks'). */
  reviewProgress?: ReviewProgress;
  markRead(id: string): Promise<void>;
  markAllRead(): Promise<void>;
  /** Re-reads the unread count (after the notifications page changed it). */
  refresh(): void;
}

const CentreContext = createContext<Centre | undefined>(undefined);

/**
 * The signed-in user's notifications: the unread count for the header and a
 * live feed from the /user socket.io namespace. socket.io-client is loaded
 * only once someone is signed in, keeping it out of the login page's bundle.
 */
export function NotificationsProvider({ children }: { children: ReactNode }) {
  const { user } = useSession();
  const [unread, setUnread] = useState(0);
  const [version, setVersion] = useState(0);
  const [latest, setLatest] = useState<NotificationView>();
  const [reviewProgress, setReviewProgress] = useState<ReviewProgress>();

  const refresh = useCallback(() => {
    get<{ unread: number }>('/api/notifications?limit=1').then(
      (r) => setUnread(r.unread),
      () => undefined,
    );
  }, []);

  useEffect(() => {
    if (!user) {
      setUnread(0);
      return;
    }
    refresh();
    let socket: Socket<UserServerToClient, UserClientToServer> | undefined;
    let live = true;
    void import('socket.io-client').then(({ io }) => {
      if (!live) return;
      socket = io('/user', {
        transports: ['websocket'],
        reconnectionDelayMax: 10_000,
        // Read at every (re)connection: the token may have been renewed by logging in again.
        auth: (cb) => cb({ token: authToken() ?? '' }),
      });
      socket.on('notification:new', (n) => {
        setLatest(n);
        setUnread((u) => u + 1);
        setVersion((v) => v + 1);
      });
      socket.on('review:progress', (p) => setReviewProgress(p));
      // Whatever arrived while the line was down is in the history; the count catches up.
      socket.on('connect', refresh);
    });
    return () => {
      live = false;
      socket?.disconnect();
    };
  }, [user, refresh]);

  const markRead = useCallback(
    async (id: string) => {
      await post(`/api/notifications/${encodeURIComponent(id)}/read`);
      refresh();
    },
    [refresh],
  );

  const markAllRead = useCallback(async () => {
    await post('/api/notifications/read-all');
    refresh();
  }, [refresh]);

  const value = useMemo<Centre>(
    () => ({ unread, version, ...(latest ? { latest } : {}), ...(reviewProgress ? { reviewProgress } : {}), markRead, markAllRead, refresh }),
    [unread, version, latest, reviewProgress, markRead, markAllRead, refresh],
  );
  return <CentreContext.Provider value={value}>{children}</CentreContext.Provider>;
}

export function useNotifications(): Centre {
  const ctx = useContext(CentreContext);
  if (!ctx) throw new Error('useNotifications outside NotificationsProvider');
  return ctx;
}
