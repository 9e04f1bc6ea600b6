import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { onSessionExpired, post, setAuthToken } from './http.js';
import type { Role, User } from './types.js';

interface Stored {
  token: string;
  user: User;
}

// sessionStorage, not localStorage: court computers are often shared, and a
// closed tab should not leave a usable token behind.
const STORAGE_KEY = 'microcourt.session';

function load(): Stored | undefined {
  try {
    const raw = sessionStorage.getItem(STORAGE_KEY);
    const parsed = raw ? (JSON.parse(raw) as Stored) : undefined;
    if (parsed) setAuthToken(parsed.token);
    return parsed;
  } catch {
    return undefined;
  }
}

interface Session {
  user?: User;
  /** Set when the server ended the session (token expired), so the login page can say why. */
  expired: boolean;
  login(phone: string, password: string): Promise<User>;
  logout(): void;
  hasRole(...roles: Role[]): boolean;
}

const SessionContext = createContext<Session | undefined>(undefined);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<Stored | undefined>(load);
  const [expired, setExpired] = useState(false);

  const logout = useCallback(() => {
    sessionStorage.removeItem(STORAGE_KEY);
    setAuthToken(undefined);
    setStored(undefined);
  }, []);

  useEffect(() => {
    onSessionExpired(() => {
      setExpired(true);
      logout();
    });
  }, [logout]);

  const login = useCallback(async (phone: string, password: string) => {
    const res = await post<{ token: string; user: User }>('/api/auth/login', { phone, password });
    const next = { token: res.token, user: res.user };
    sessionStorage.setItem(STORAGE_KEY, JSON.stringify(next));
    setAuthToken(res.token);
    setExpired(false);
    setStored(next);
    return res.user;
  }, []);

  const value = useMemo<Session>(
    () => ({
      ...(stored ? { user: stored.user } : {}),
      expired,
      login,
      logout,
      hasRole: (...roles) => !!stored && stored.user.roles.some((r) => roles.includes(r)),
    }),
    [stored, expired, login, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const ctx = useContext(SessionContext);
  if (!ctx) throw new Error('useSession outside SessionProvider');
  return ctx;
}

/** Where each role starts after logging in. */
export function homeFor(user: User): string {
  if (user.roles.includes('clerk')) return '/queue';
  if (user.roles.includes('mediator')) return '/mediations';
  if (user.roles.some((r) => r === 'judge' || r === 'mediator' || r === 'admin')) return '/docket';
  return '/cases';
}
