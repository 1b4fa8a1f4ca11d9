import { useEffect, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { Alert, Avatar, Drawer, Dropdown, Layout, Menu, Space, Typography } from 'antd';
import {
  AlertOutlined,
  BellOutlined,
  MenuOutlined,
  ApartmentOutlined,
  AuditOutlined,
  BarChartOutlined,
  FileSearchOutlined,
  IdcardOutlined,
  InboxOutlined,
  KeyOutlined,
  LogoutOutlined,
  PlusCircleOutlined,
  SafetyOutlined,
  SettingOutlined,
  TeamOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useAuth } from '../auth';
import { useProcessTypeNames } from '../hooks';
import { NotificationBell } from './NotificationBell';
import { PasswordDialog } from './PasswordDialog';
import { TwoStepDialog } from './TwoStepDialog';

const { Header, Sider, Content } = Layout;

const NARROW_QUERY = '(max-width: 767.98px)';

/**
 * Below Ant Design's `md` breakpoint (768 px): a phone. The side menu gives way to a bottom tab bar.
 * The two layouts are different trees, so a switch remounts the page and loses what was typed: a width
 * change counts only once it has lasted a moment (a full-page screenshot, for one, resizes the
 * viewport for an instant and used to reset the form being filled in).
 */
export function useNarrow(): boolean {
  const [narrow, setNarrow] = useState(() => window.matchMedia(NARROW_QUERY).matches);
  useEffect(() => {
    const query = window.matchMedia(NARROW_QUERY);
    let timer: number | undefined;
    const onChange = () => {
      window.clearTimeout(timer);
      timer = window.setTimeout(() => setNarrow(query.matches), 300);
    };
    query.addEventListener('change', onChange);
    return () => {
      window.clearTimeout(timer);
      query.removeEventListener('change', onChange);
    };
  }, []);
  return narrow;
}

const TAB_BAR_HEIGHT = 60;

export function AppLayout() {
  const { user, logout, isAdmin, isMonitor, isSecurityAdmin, isAuditAdmin } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
  const [changingPassword, setChangingPassword] = useState(false);
  const mustChangePassword = user?.mustChangePassword === true;
  const [twoStepOpen, setTwoStepOpen] = useState(false);
  // An administrator reset the account's two-step verification: set it up again before anything else
  // (every other request answers 403 TWO_STEP_ENROLMENT_REQUIRED); after the password, if both.
  const mustEnrolTwoStep = !mustChangePassword && user?.twoStep?.enrolmentRequired === true;
  const [drawerOpen, setDrawerOpen] = useState(false);
  const narrow = useNarrow();
  useProcessTypeNames(); // re-renders the pages once every process type has its name
  const selected = `/${location.pathname.split('/').filter(Boolean).slice(0, location.pathname.startsWith('/admin') ? 2 : 1).join('/')}`;

  useEffect(() => {
    document.title = '党建流程管理平台';
  }, []);

  const items = [
    { key: '/inbox', icon: <InboxOutlined />, label: '我的待办' },
    { key: '/start', icon: <PlusCircleOutlined />, label: '发起事项' },
    ...(isMonitor
      ? [
          {
            key: 'monitor',
            label: '监控管理',
            type: 'group' as const,
            children: [
              { key: '/admin/cases', icon: <FileSearchOutlined />, label: '事项查询' },
              { key: '/admin/board', icon: <AlertOutlined />, label: '超期看板' },
              { key: '/admin/stats', icon: <BarChartOutlined />, label: '统计分析' },
            ],
          },
        ]
      : []),
    ...(isAdmin
      ? [
          {
            key: 'system',
            label: '系统管理',
            type: 'group' as const,
            children: [
              { key: '/admin/orgs', icon: <ApartmentOutlined />, label: '组织机构' },
              { key: '/admin/people', icon: <TeamOutlined />, label: '党员花名册' },
              { key: '/admin/accounts', icon: <IdcardOutlined />, label: '账号管理' },
            ],
          },
        ]
      : []),
    // 三权分立: the security and the audit administrator each see only their own pages.
    ...(isSecurityAdmin
      ? [
          {
            key: 'security',
            label: '安全管理',
            type: 'group' as const,
            children: [
              { key: '/admin/accounts', icon: <IdcardOutlined />, label: '账号与职责' },
              { key: '/admin/policies', icon: <SettingOutlined />, label: '时限与日历' },
            ],
          },
        ]
      : []),
    ...(isAuditAdmin
      ? [
          {
            key: 'audit',
            label: '审计',
            type: 'group' as const,
            children: [{ key: '/admin/audit', icon: <AuditOutlined />, label: '审计日志' }],
          },
        ]
      : []),
  ];

  const org = user?.memberships[0]?.orgName;
  const userMenu = {
    items: [
      { key: 'password', icon: <KeyOutlined />, label: '修改密码' },
      { key: 'two-step', icon: <SafetyOutlined />, label: user?.twoStep?.enabled ? '两步验证（已启用）' : '两步验证' },
      { key: 'logout', icon: <LogoutOutlined />, label: '退出登录' },
    ],
    onClick: ({ key }: { key: string }) => {
      if (key === 'password') setChangingPassword(true);
      else if (key === 'two-step') setTwoStepOpen(true);
      else {
        // logout() forgets the session at once (the server is told in the background): one move to the login page.
        void logout();
        navigate('/login', { replace: true });
      }
    },
  };
  const banner = (
    <>
      {user?.twoStep?.required && !user.twoStep.thisSession && (
        <Alert
          type="warning"
          showIcon
          banner
          style={{ marginBottom: 16 }}
          data-testid="two-step-required"
          message={user.twoStep.enabled ? '管理操作须以动态验证码登录：请退出后用密码和验证码重新登录。' : '管理员须启用两步验证后方可进行管理操作：请在账号菜单中选择「两步验证」。'}
        />
      )}
      {user?.mustChangePassword && (
        <Alert type="warning" showIcon banner style={{ marginBottom: 16 }} message="您正在使用管理员设置的临时密码，请立即修改密码。" data-testid="must-change-password" />
      )}
    </>
  );
  const dialogs = (
    <>
      <PasswordDialog open={changingPassword || mustChangePassword} forced={mustChangePassword} onClose={() => setChangingPassword(false)} />
      <TwoStepDialog open={twoStepOpen || mustEnrolTwoStep} forced={mustEnrolTwoStep} onClose={() => setTwoStepOpen(false)} />
    </>
  );

  // A phone: a slim header, the page, and a tab bar at the bottom within the thumb's reach; the
  // monitoring and administration menus and the account actions live in a drawer (更多). One tree for
  // both, the page always at the same place in it, so a switch never remounts the page being used.
  const tabs = [
    { key: '/inbox', icon: <InboxOutlined />, label: '待办' },
    { key: '/start', icon: <PlusCircleOutlined />, label: '发起' },
    { key: '/notifications', icon: <BellOutlined />, label: '通知' },
  ];
  const more = items.filter((i) => i.key !== '/inbox' && i.key !== '/start');
  return (
    <Layout style={{ minHeight: '100vh' }}>
      {!narrow && (
        <Sider theme="light" collapsible collapsed={collapsed} onCollapse={setCollapsed} width={208} style={{ borderRight: '1px solid #f0f0f0' }}>
          <div style={{ height: 56, display: 'flex', alignItems: 'center', justifyContent: 'center', fontWeight: 600, color: '#c8161d', fontSize: collapsed ? 14 : 17 }}>
            {collapsed ? '党建' : '党建流程'}
          </div>
          <Menu mode="inline" selectedKeys={[selected]} items={items} onClick={({ key }) => navigate(key)} style={{ borderInlineEnd: 0 }} />
        </Sider>
      )}
      <Layout>
        {narrow ? (
          <Header style={{ background: '#fff', padding: '0 12px', display: 'flex', alignItems: 'center', justifyContent: 'space-between', borderBottom: '1px solid #f0f0f0', height: 52, lineHeight: '52px', position: 'sticky', top: 0, zIndex: 10 }}>
            <span style={{ fontWeight: 600, color: '#c8161d', fontSize: 17 }}>党建流程</span>
            <Space size="middle">
              <NotificationBell />
              <Dropdown menu={userMenu} trigger={['click']}>
                <Space style={{ cursor: 'pointer' }} data-testid="user-menu" aria-label={`${user?.displayName ?? ''} 账号菜单`}>
                  <Avatar size="small" icon={<UserOutlined />} style={{ background: '#c8161d' }} />
                  <span style={{ maxWidth: 96, overflow: 'hidden', textOverflow: 'ellipsis', whiteSpace: 'nowrap', display: 'inline-block', verticalAlign: 'middle' }}>{user?.displayName}</span>
                </Space>
              </Dropdown>
            </Space>
          </Header>
        ) : (
          <Header style={{ background: '#fff', padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'flex-end', borderBottom: '1px solid #f0f0f0', height: 56 }}>
            <Space size="large">
              <NotificationBell />
              <Dropdown menu={userMenu}>
                <Space style={{ cursor: 'pointer' }} data-testid="user-menu">
                  <Avatar size="small" icon={<UserOutlined />} style={{ background: '#c8161d' }} />
                  <span>{user?.displayName}</span>
                  {org && <Typography.Text type="secondary">{org}</Typography.Text>}
                </Space>
              </Dropdown>
            </Space>
          </Header>
        )}
        {dialogs}
        <Content style={narrow ? { padding: 8, paddingBottom: TAB_BAR_HEIGHT + 16 } : { padding: 24 }}>
          {banner}
          {/* Every other request answers 403 PASSWORD_CHANGE_REQUIRED until then: no page behind the dialog. */}
          {mustChangePassword || mustEnrolTwoStep ? null : <Outlet />}
        </Content>
        {narrow && (
          <>
            <nav aria-label="主导航" data-testid="tab-bar" style={{ position: 'fixed', left: 0, right: 0, bottom: 0, height: TAB_BAR_HEIGHT, background: '#fff', borderTop: '1px solid #e8e8e8', display: 'flex', zIndex: 20, paddingBottom: 'env(safe-area-inset-bottom)' }}>
              {[...tabs, { key: 'more', icon: <MenuOutlined />, label: '更多' }].map((t) => {
                const active = t.key === 'more' ? drawerOpen : selected === t.key;
                return (
                  <button
                    key={t.key}
                    type="button"
                    aria-current={active && t.key !== 'more' ? 'page' : undefined}
                    data-testid={`tab-bar-${t.key.replace('/', '')}`}
                    onClick={() => (t.key === 'more' ? setDrawerOpen(true) : navigate(t.key))}
                    style={{ flex: 1, border: 0, background: 'none', display: 'flex', flexDirection: 'column', alignItems: 'center', justifyContent: 'center', gap: 2, fontSize: 13, color: active ? '#c8161d' : '#595959', cursor: 'pointer' }}
                  >
                    <span style={{ fontSize: 22, lineHeight: 1 }}>{t.icon}</span>
                    {t.label}
                  </button>
                );
              })}
            </nav>
            <Drawer title={<span>{user?.displayName}{org && <Typography.Text type="secondary" style={{ marginLeft: 8, fontSize: 13 }}>{org}</Typography.Text>}</span>} placement="right" size={280} open={drawerOpen} onClose={() => setDrawerOpen(false)} styles={{ body: { padding: 0 } }}>
              <Menu
                mode="inline"
                selectedKeys={[selected]}
                items={[...more, { type: 'divider' as const }, ...userMenu.items]}
                onClick={({ key }) => {
                  setDrawerOpen(false);
                  if (key === 'password' || key === 'two-step' || key === 'logout') userMenu.onClick({ key });
                  else navigate(key);
                }}
                style={{ borderInlineEnd: 0 }}
              />
            </Drawer>
          </>
        )}
      </Layout>
    </Layout>
  );
}
