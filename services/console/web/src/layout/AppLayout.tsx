import { useEffect, useState } from 'react';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { Avatar, Dropdown, Layout, Menu, Space, Typography } from 'antd';
import {
  AlertOutlined,
  BarChartOutlined,
  FileSearchOutlined,
  InboxOutlined,
  LogoutOutlined,
  PlusCircleOutlined,
  SettingOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { useAuth } from '../auth';
import { useProcessTypeNames } from '../hooks';
import { NotificationBell } from './NotificationBell';

const { Header, Sider, Content } = Layout;

export function AppLayout() {
  const { user, logout, isAdmin, isMonitor } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const [collapsed, setCollapsed] = useState(false);
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
              ...(isAdmin ? [{ key: '/admin/policies', icon: <SettingOutlined />, label: '时限与日历' }] : []),
            ],
          },
        ]
      : []),
  ];

  const org = user?.memberships[0]?.orgName;
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Sider theme="light" collapsible collapsed={collapsed} onCollapse={setCollapsed} width={208} style={{ borderRight: '1px solid #f0f0f0' }}>
        <div style={{ height: 56, display: 'flex', alignItems: 'center', justifyContent: 'center', fontWeight: 600, color: '#c8161d', fontSize: collapsed ? 14 : 17 }}>
          {collapsed ? '党建' : '党建流程'}
        </div>
        <Menu mode="inline" selectedKeys={[selected]} items={items} onClick={({ key }) => navigate(key)} style={{ borderInlineEnd: 0 }} />
      </Sider>
      <Layout>
        <Header style={{ background: '#fff', padding: '0 24px', display: 'flex', alignItems: 'center', justifyContent: 'flex-end', borderBottom: '1px solid #f0f0f0', height: 56 }}>
          <Space size="large">
            <NotificationBell />
            <Dropdown
              menu={{
                items: [{ key: 'logout', icon: <LogoutOutlined />, label: '退出登录' }],
                onClick: () => {
                  logout();
                  navigate('/login', { replace: true });
                },
              }}
            >
              <Space style={{ cursor: 'pointer' }} data-testid="user-menu">
                <Avatar size="small" icon={<UserOutlined />} style={{ background: '#c8161d' }} />
                <span>{user?.displayName}</span>
                {org && <Typography.Text type="secondary">{org}</Typography.Text>}
              </Space>
            </Dropdown>
          </Space>
        </Header>
        <Content style={{ padding: 24 }}>
          <Outlet />
        </Content>
      </Layout>
    </Layout>
  );
}
