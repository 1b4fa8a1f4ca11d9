import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import { api } from '../../api';
import { useAuth } from '../../auth';

type Account = {
  id: string;
  username: string;
  displayName: string;
  disabled: boolean;
  mustChangePassword: boolean;
  /** Two-step verification is on. */
  twoStep?: boolean;
  memberships: { orgId: string; orgName: string; role: string; roleName: string }[];
};
type Unit = { id: string; name: string; type: string; status: string; childCount: number };
type Person = { id: string; name: string; branchName: string; hasAccount: boolean };
type Action = { kind: 'create' } | { kind: 'reset' | 'reset-two-step' | 'disable' | 'enable' | 'grant'; account: Account } | { kind: 'revoke'; account: Account; orgId: string; role: string; label: string };

const ROLES: [string, string][] = [
  ['party_member', '党员'],
  ['branch_secretary', '党支部书记'],
  ['township_org_member', '乡镇党委组织委员'],
  ['township_secretary', '乡镇党委书记'],
  ['county_org_dept', '县委组织部'],
  ['county_secretary', '县委书记'],
  ['city_org_dept', '市委组织部'],
  ['joint_meeting_liaison', '党建联络员'],
];
/** 三权分立: the administrator roles, granted by the security administrator only, never two to one person. */
const ADMIN_ROLES: [string, string][] = [
  ['admin', '系统管理员'],
  ['security_admin', '安全管理员'],
  ['audit_admin', '审计管理员'],
];
const TITLE = { create: '新建账号', reset: '重置密码', 'reset-two-step': '重置两步验证', disable: '停用账号', enable: '启用账号', grant: '授予职责', revoke: '撤销职责' } as const;

/**
 * 账号管理: accounts of the administrator's subtree. The 系统管理员 creates (from the roster or not),
 * resets passwords, disables and enables; the 安全管理员 grants and withdraws roles (the administrator
 * roles too) and resets two-step verification (三权分立).
 */
export default function AccountsPage() {
  const { message } = App.useApp();
  const { isAdmin, isSecurityAdmin, user } = useAuth();
  const [items, setItems] = useState<Account[]>([]);
  const [next, setNext] = useState<string | null>(null);
  const [q, setQ] = useState('');
  const [loading, setLoading] = useState(false);
  const [action, setAction] = useState<Action | null>(null);
  const [secret, setSecret] = useState<{ username: string; password: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [units, setUnits] = useState<Unit[]>([]);
  const [people, setPeople] = useState<Person[]>([]);
  const [form] = Form.useForm();

  const load = useCallback(
    (after?: string) => {
      setLoading(true);
      api
        .get<{ items: Account[]; nextAfter: string | null }>('/api/admin/accounts', { q: q.trim() || undefined, limit: 50, after })
        .then((r) => {
          setItems((prev) => (after ? [...prev, ...r.items] : r.items));
          setNext(r.nextAfter);
        })
        .catch((e: Error) => message.error(e.message))
        .finally(() => setLoading(false));
    },
    [q, message],
  );
  useEffect(() => load(), [load]);

  // Units for the new account's role: the administrator's roots and their children (deeper units by code).
  const loadUnits = async () => {
    const roots = await api.get<{ items: Unit[] }>('/api/admin/orgs');
    const children = await Promise.all(roots.items.map((r) => api.get<{ items: Unit[] }>('/api/admin/orgs', { parentId: r.id })));
    setUnits([...roots.items, ...children.flatMap((c) => c.items)].filter((u) => u.status === 'active'));
  };
  const searchPeople = (name?: string) => {
    api
      .get<{ items: Person[] }>('/api/admin/people', { q: name || undefined, limit: 30 })
      .then((r) => setPeople(r.items.filter((p) => !p.hasAccount)))
      .catch((e: Error) => message.error(e.message));
  };

  const open = (a: Action) => {
    form.resetFields();
    setError(null);
    if (a.kind === 'create') {
      void loadUnits().catch((e: Error) => message.error(e.message));
      searchPeople();
      form.setFieldsValue({ role: 'party_member' });
    }
    if (a.kind === 'grant') void loadUnits().catch((e: Error) => message.error(e.message));
    setAction(a);
  };

  const submit = async () => {
    if (!action) return;
    const v = (await form.validateFields()) as { username?: string; displayName?: string; personId?: string; orgId?: string; role?: string; reason?: string };
    setSaving(true);
    setError(null);
    try {
      if (action.kind === 'create') {
        const r = await api.post<{ username: string; oneTimePassword: string }>('/api/admin/accounts', {
          username: v.username?.trim(),
          ...(v.personId ? { personId: v.personId } : { displayName: v.displayName?.trim() }),
          memberships: [{ orgId: v.orgId, role: v.role }],
        });
        setSecret({ username: r.username, password: r.oneTimePassword });
      } else if (action.kind === 'reset') {
        const r = await api.post<{ oneTimePassword: string }>(`/api/admin/accounts/${action.account.id}/reset-password`, { reason: v.reason?.trim() });
        setSecret({ username: action.account.username, password: r.oneTimePassword });
      } else if (action.kind === 'grant') {
        await api.post(`/api/admin/accounts/${action.account.id}/memberships/grant`, { orgId: v.orgId, role: v.role, reason: v.reason?.trim() });
        message.success('已授予职责');
      } else if (action.kind === 'revoke') {
        await api.post(`/api/admin/accounts/${action.account.id}/memberships/revoke`, { orgId: action.orgId, role: action.role, reason: v.reason?.trim() });
        message.success('已撤销职责');
      } else if (action.kind === 'reset-two-step') {
        const r = await api.post<{ endedSessions: number }>(`/api/admin/accounts/${action.account.id}/reset-two-step`, { reason: v.reason?.trim() });
        message.success(`已重置两步验证：${r.endedSessions} 个会话已结束，对方下次登录须重新启用两步验证`);
      } else {
        await api.post(`/api/admin/accounts/${action.account.id}/${action.kind}`, { reason: v.reason?.trim() });
        message.success(action.kind === 'disable' ? '账号已停用' : '账号已启用');
      }
      setAction(null);
      load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        账号管理
      </Typography.Title>
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <Input.Search allowClear placeholder="用户名或姓名" onSearch={setQ} style={{ width: 220 }} />
          {isAdmin && (
            <Button type="primary" onClick={() => open({ kind: 'create' })}>
              新建账号
            </Button>
          )}
        </Space>
        <Table<Account>
          size="small"
          rowKey="id"
          loading={loading}
          pagination={false}
          dataSource={items}
          columns={[
            { title: '用户名', dataIndex: 'username', width: 160 },
            { title: '姓名', dataIndex: 'displayName', width: 120 },
            {
              title: '职责',
              render: (_, a) =>
                a.memberships.map((m) => (
                  <Tag
                    key={`${m.orgId}/${m.role}`}
                    color={ADMIN_ROLES.some(([r]) => r === m.role) ? 'red' : undefined}
                    // The security administrator withdraws a role from its tag (not their own, not an account's last one).
                    closable={isSecurityAdmin && a.id !== user?.id && a.memberships.length > 1}
                    onClose={(e) => {
                      e.preventDefault();
                      open({ kind: 'revoke', account: a, orgId: m.orgId, role: m.role, label: `${m.orgName} · ${m.roleName}` });
                    }}
                  >{`${m.orgName} · ${m.roleName}`}</Tag>
                )),
            },
            {
              title: '状态',
              width: 170,
              render: (_, a) => (
                <Space size={4} wrap>
                  {a.disabled ? <Tag color="default">已停用</Tag> : <Tag color="green">正常</Tag>}
                  {a.mustChangePassword && <Tag color="orange">待修改密码</Tag>}
                  {a.twoStep && <Tag color="blue">两步验证</Tag>}
                </Space>
              ),
            },
            {
              title: '',
              width: 260,
              render: (_, a) => (
                <Space size={0}>
                  {isAdmin && (
                    <Button size="small" type="link" onClick={() => open({ kind: 'reset', account: a })}>
                      重置密码
                    </Button>
                  )}
                  {isSecurityAdmin && a.id !== user?.id && (
                    <Button size="small" type="link" onClick={() => open({ kind: 'grant', account: a })} data-testid={`grant-${a.username}`}>
                      授予职责
                    </Button>
                  )}
                  {isSecurityAdmin && a.twoStep && (
                    <Button size="small" type="link" onClick={() => open({ kind: 'reset-two-step', account: a })} data-testid={`reset-two-step-${a.username}`}>
                      重置两步验证
                    </Button>
                  )}
                  {isAdmin && (
                    <Button size="small" type="link" danger={!a.disabled} onClick={() => open({ kind: a.disabled ? 'enable' : 'disable', account: a })}>
                      {a.disabled ? '启用' : '停用'}
                    </Button>
                  )}
                </Space>
              ),
            },
          ]}
        />
        {next && (
          <Button style={{ marginTop: 12 }} onClick={() => load(next)} loading={loading}>
            加载更多
          </Button>
        )}
      </Card>

      <Modal title={action ? `${TITLE[action.kind]}${action.kind === 'create' ? '' : `：${action.account.displayName}`}` : ''} open={!!action} onCancel={() => setAction(null)} onOk={() => void submit()} confirmLoading={saving} okText="确定" cancelText="取消" destroyOnHidden>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          {action?.kind === 'create' ? (
            <>
              <Form.Item name="username" label="用户名" extra="小写字母开头，可含数字和 . _ -" rules={[{ required: true, pattern: /^[a-z][a-z0-9._-]{2,63}$/, message: '用户名须为小写字母开头的 3–64 位字母、数字或 . _ -' }]}>
                <Input />
              </Form.Item>
              <Form.Item name="personId" label="花名册中的党员（可不选）">
                <Select allowClear showSearch filterOption={false} onSearch={searchPeople} options={people.map((p) => ({ value: p.id, label: `${p.name}（${p.branchName}）` }))} placeholder="输入姓名查找" />
              </Form.Item>
              <Form.Item noStyle shouldUpdate={(a, b) => a.personId !== b.personId}>
                {({ getFieldValue }) =>
                  !getFieldValue('personId') && (
                    <Form.Item name="displayName" label="姓名" rules={[{ required: true, whitespace: true, min: 2, max: 32, message: '请输入姓名' }]}>
                      <Input />
                    </Form.Item>
                  )
                }
              </Form.Item>
              <Form.Item name="orgId" label="所在组织" rules={[{ required: true, message: '请选择组织' }]}>
                <Select showSearch optionFilterProp="label" options={units.map((u) => ({ value: u.id, label: u.name }))} />
              </Form.Item>
              <Form.Item name="role" label="职责" rules={[{ required: true, message: '请选择职责' }]}>
                <Select options={ROLES.map(([value, label]) => ({ value, label }))} />
              </Form.Item>
            </>
          ) : (
            <>
              {action?.kind === 'grant' && (
                <>
                  <Alert type="info" showIcon style={{ marginBottom: 12 }} message="三权分立：系统管理员、安全管理员、审计管理员三者不得由同一人兼任；不能授予自己职责。" />
                  <Form.Item name="orgId" label="组织" rules={[{ required: true, message: '请选择组织' }]}>
                    <Select showSearch optionFilterProp="label" options={units.map((u) => ({ value: u.id, label: u.name }))} />
                  </Form.Item>
                  <Form.Item name="role" label="职责" rules={[{ required: true, message: '请选择职责' }]}>
                    <Select data-testid="grant-role" options={[...ADMIN_ROLES, ...ROLES].map(([value, label]) => ({ value, label }))} />
                  </Form.Item>
                </>
              )}
              {action?.kind === 'revoke' && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message={`撤销职责：${action.label}`} />}
              {action?.kind === 'reset' && <Alert type="info" showIcon style={{ marginBottom: 12 }} message="将生成一次性密码，对方下次登录须修改密码；账号锁定一并解除。" />}
              {action?.kind === 'reset-two-step' && (
                <Alert type="warning" showIcon style={{ marginBottom: 12 }} message="用于对方丢失身份验证器且无恢复码时：先核实本人身份。重置后其身份验证器和恢复码全部失效、已登录的会话立即结束，对方下次登录须先重新启用两步验证。此操作记入审计日志。" />
              )}
              {action?.kind === 'disable' && <Alert type="warning" showIcon style={{ marginBottom: 12 }} message="停用后该账号无法登录，已登录的会话立即失效。" />}
              <Form.Item name="reason" label="原因" rules={[{ required: true, whitespace: true, min: 2, max: 500, message: '请填写原因（2–500 字）' }]}>
                <Input.TextArea rows={2} />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>

      <Modal title="一次性密码" open={!!secret} onOk={() => setSecret(null)} onCancel={() => setSecret(null)} okText="已告知本人" cancelButtonProps={{ style: { display: 'none' } }}>
        <Typography.Paragraph>
          账号 <Typography.Text strong>{secret?.username}</Typography.Text> 的一次性密码（仅显示这一次，请当面或电话告知本人）：
        </Typography.Paragraph>
        <Typography.Paragraph copyable code style={{ fontSize: 18 }} data-testid="one-time-password">
          {secret?.password}
        </Typography.Paragraph>
      </Modal>
    </Space>
  );
}
