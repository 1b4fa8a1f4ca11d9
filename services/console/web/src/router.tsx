import { lazy, Suspense, type ReactNode } from 'react';
import { createBrowserRouter, Navigate, RouterProvider, useLocation } from 'react-router';
import { Result, Spin } from 'antd';
import { useAuth } from './auth';
import { AppLayout } from './layout/AppLayout';
import { LoginPage } from './pages/LoginPage';
import { InboxPage } from './pages/InboxPage';
import { TaskPage } from './pages/TaskPage';
import { StartCasePage } from './pages/StartCasePage';
import { CasePage } from './pages/CasePage';
import { NotificationsPage } from './pages/NotificationsPage';

// Monitoring pages (and the chart library) load only when an administrator opens them.
const CaseSearchPage = lazy(() => import('./pages/admin/CaseSearchPage'));
const BoardPage = lazy(() => import('./pages/admin/BoardPage'));
const StatsPage = lazy(() => import('./pages/admin/StatsPage'));
const PoliciesPage = lazy(() => import('./pages/admin/PoliciesPage'));
const OrgAdminPage = lazy(() => import('./pages/admin/OrgAdminPage'));
const AuditLogPage = lazy(() => import('./pages/admin/AuditLogPage'));
const PeoplePage = lazy(() => import('./pages/admin/PeoplePage'));
const AccountsPage = lazy(() => import('./pages/admin/AccountsPage'));

function RequireAuth({ children }: { children: ReactNode }) {
  const { user } = useAuth();
  const location = useLocation();
  if (!user) return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}` }} />;
  return children;
}

export function Forbidden() {
  return <Result status="403" title="无权访问" subTitle="该页面仅对管理员或督查人员开放。" />;
}

/** Client-side guard; the API answers 403 to the same users anyway. Each administrator (三权分立) sees their own pages. */
function RequireRole({ role, children }: { role: 'monitor' | 'admin' | 'security' | 'audit' | 'accounts'; children: ReactNode }) {
  const { isAdmin, isMonitor, isSecurityAdmin, isAuditAdmin } = useAuth();
  const allowed = { monitor: isMonitor, admin: isAdmin, security: isSecurityAdmin, audit: isAuditAdmin, accounts: isAdmin || isSecurityAdmin }[role];
  if (!allowed) return <Forbidden />;
  return <Suspense fallback={<Spin style={{ display: 'block', margin: 48 }} />}>{children}</Suspense>;
}

const router = createBrowserRouter([
  { path: '/login', element: <LoginPage /> },
  {
    path: '/',
    element: (
      <RequireAuth>
        <AppLayout />
      </RequireAuth>
    ),
    children: [
      { index: true, element: <Navigate to="/inbox" replace /> },
      { path: 'inbox', element: <InboxPage /> },
      { path: 'tasks/:id', element: <TaskPage /> },
      { path: 'start', element: <StartCasePage /> },
      { path: 'cases/:id', element: <CasePage /> },
      { path: 'notifications', element: <NotificationsPage /> },
      { path: 'admin/cases', element: <RequireRole role="monitor"><CaseSearchPage /></RequireRole> },
      { path: 'admin/board', element: <RequireRole role="monitor"><BoardPage /></RequireRole> },
      { path: 'admin/stats', element: <RequireRole role="monitor"><StatsPage /></RequireRole> },
      { path: 'admin/policies', element: <RequireRole role="security"><PoliciesPage /></RequireRole> },
      { path: 'admin/orgs', element: <RequireRole role="admin"><OrgAdminPage /></RequireRole> },
      { path: 'admin/people', element: <RequireRole role="admin"><PeoplePage /></RequireRole> },
      { path: 'admin/accounts', element: <RequireRole role="accounts"><AccountsPage /></RequireRole> },
      { path: 'admin/audit', element: <RequireRole role="audit"><AuditLogPage /></RequireRole> },
      { path: '*', element: <Result status="404" title="页面不存在" /> },
    ],
  },
]);

export function AppRouter() {
  return <RouterProvider router={router} />;
}
