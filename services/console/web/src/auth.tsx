import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, getToken, setSessionExpiredListener, setToken } from './api';
import type { User } from './types';

/** Roles that may use the monitoring pages (the API limits them to their org subtrees); the audit administrator reads them too. */
const SUPERVISORY_ROLES = new Set(['admin', 'audit_admin', 'township_secretary', 'county_org_dept', 'county_secretary', 'city_org_dept']);

export type AuthState = {
  user: User | null;
  /** Set when the last session ended by itself (expired token), shown on the login page. */
  expiredMessage: string | null;
  /** `second`: the authenticator's code, or one of the account's recovery codes (two-step verification). */
  login(username: string, password: string, second?: { otp?: string; recoveryCode?: string }): Promise<void>;
  /** Reads the signed-in user again (after two-step verification was turned on or off). */
  reload(): Promise<void>;
  /** Ends the session on the server (its token stops working), then forgets it here. */
  logout(): Promise<void>;
  isMonitor: boolean;
  /** 系统管理员: organizations, people, committees, accounts (三权分立). */
  isAdmin: boolean;
  /** 安全管理员: roles of accounts, two-step resets, policies and the calendar. */
  isSecurityAdmin: boolean;
  /** 审计管理员: the audit log (read and export). */
  isAuditAdmin: boolean;
};

const AuthContext = createContext<AuthState | null>(null);
const USER_KEY = 'dj.user';

function storedUser(): User | null {
  if (!getToken()) return null;
  try {
    return JSON.parse(localStorage.getItem(USER_KEY) ?? 'null') as User | null;
  } catch {
    return null;
  }
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(storedUser);
  const [expiredMessage, setExpiredMessage] = useState<string | null>(null);

  const clear = useCallback(() => {
    setToken(null);
    localStorage.removeItem(USER_KEY);
    setUser(null);
  }, []);

  useEffect(() => {
    setSessionExpiredListener(() => {
      clear();
      setExpiredMessage('登录已过期，请重新登录');
    });
  }, [clear]);

  // Memberships may have changed since the last visit: refresh them once per page load.
  useEffect(() => {
    if (!getToken()) return;
    api
      .get<User>('/api/me')
      .then((me) => {
        localStorage.setItem(USER_KEY, JSON.stringify(me));
        setUser(me);
      })
      .catch(() => {});
  }, []);

  const logout = useCallback(async () => {
    // Forgotten here first, so that requests still in flight cannot report the ending session as expired;
    // then ended on the server (its token stops working), which the console does not wait for.
    const token = getToken();
    clear();
    if (token) await api.post('/api/auth/logout', {}, { authorization: `Bearer ${token}` }).catch(() => {});
  }, [clear]);

  const reload = useCallback(async () => {
    const me = await api.get<User>('/api/me');
    localStorage.setItem(USER_KEY, JSON.stringify(me));
    setUser(me);
  }, []);

  const login = useCallback(async (username: string, password: string, second?: { otp?: string; recoveryCode?: string }) => {
    const res = await api.post<{ token: string; user: User }>('/api/auth/login', {
      username,
      password,
      ...(second?.otp ? { otp: second.otp } : {}),
      ...(second?.recoveryCode ? { recoveryCode: second.recoveryCode } : {}),
    });
    setToken(res.token);
    localStorage.setItem(USER_KEY, JSON.stringify(res.user));
    setExpiredMessage(null);
    setUser(res.user);
  }, []);

  const value = useMemo<AuthState>(() => {
    const roles = new Set(user?.memberships.map((m) => m.role) ?? []);
    return {
      user,
      expiredMessage,
      login,
      reload,
      logout,
      isMonitor: [...roles].some((r) => SUPERVISORY_ROLES.has(r)),
      isAdmin: roles.has('admin'),
      isSecurityAdmin: roles.has('security_admin'),
      isAuditAdmin: roles.has('audit_admin'),
    };
  }, [user, expiredMessage, login, reload, logout]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthState {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
