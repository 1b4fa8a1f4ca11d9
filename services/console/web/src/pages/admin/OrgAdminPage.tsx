import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, Card, Col, DatePicker, Descriptions, Empty, Form, Input, Modal, Row, Select, Space, Table, Tag, Tree, TreeSelect, Typography } from 'antd';
import type { DataNode } from 'antd/es/tree';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../api';
import { orgTypeNames } from '../../labels';
import { CommitteeCard } from './CommitteeCard';

type Unit = { id: string; name: string; type: string; parentId: string | null; path: string; status: string; establishedOn: string | null; dissolvedOn: string | null; mergedIntoId: string | null; childCount: number };
type HistoryItem = { id: string; kind: string; effectiveOn: string; before: Record<string, unknown> | null; after: Record<string, unknown> | null; reason: string; actorName: string | null; at: string };
type Detail = { unit: Unit; parentName: string | null; mergedIntoName: string | null; openCases: number; activeChildren: number; history: HistoryItem[] };
type Action = 'create' | 'rename' | 'move' | 'dissolve';

const typeName = (t: string) => ({ ...orgTypeNames, group: '党小组' })[t] ?? t;
const KIND = { create: '设立', rename: '更名', move: '调整隶属关系', dissolve: '撤销' } as Record<string, string>;
const ACTION_TITLE: Record<Action, string> = { create: '新建下级组织', rename: '更名', move: '调整隶属关系', dissolve: '撤销组织' };
/** The levels a unit of each type may hold directly (the chain of domain.md). */
const CHILD_TYPES: Record<string, string[]> = {
  city_org_dept: ['county', 'township', 'village', 'branch', 'group'],
  county: ['township', 'village', 'branch', 'group'],
  township: ['village', 'branch', 'group'],
  village: ['branch', 'group'],
  branch: ['group'],
  group: [],
};

function nodeOf(u: Unit): DataNode {
  return {
    key: u.id,
    isLeaf: u.childCount === 0,
    title: (
      <span data-testid={`org-node-${u.id}`}>
        {u.name} <Typography.Text type="secondary">{typeName(u.type)}</Typography.Text>
        {u.status === 'dissolved' && <Tag style={{ marginInlineStart: 6 }}>已撤销</Tag>}
      </span>
    ),
  };
}

function withChildren(nodes: DataNode[], key: string, children: DataNode[]): DataNode[] {
  return nodes.map((n) => (n.key === key ? { ...n, children, isLeaf: children.length === 0 } : n.children ? { ...n, children: withChildren(n.children, key, children) } : n));
}

function summary(h: HistoryItem): string {
  const b = h.before ?? {};
  const a = h.after ?? {};
  if (h.kind === 'rename') return `${String(b.name)} → ${String(a.name)}`;
  if (h.kind === 'move') return `原上级 ${String(b.parentId)} → 新上级 ${String(a.parentId)}（随迁组织 ${String(a.movedUnits)} 个、事项 ${String(a.movedCases)} 件）`;
  if (h.kind === 'dissolve') return a.mergedIntoId ? `并入 ${String(a.mergedIntoId)}` : '撤销';
  return `${String(a.name)}（${typeName(String(a.type))}）`;
}

/** 组织机构管理: the administrator's subtree, level by level; set up, rename, move and dissolve units with their effective date and reason. */
export default function OrgAdminPage() {
  const { message } = App.useApp();
  const [tree, setTree] = useState<DataNode[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [action, setAction] = useState<Action | null>(null);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [form] = Form.useForm();

  const loadRoots = useCallback(() => {
    api
      .get<{ items: Unit[] }>('/api/admin/orgs')
      .then((r) => {
        setTree(r.items.map(nodeOf));
        setSelected((s) => s ?? r.items[0]?.id ?? null);
      })
      .catch((e: Error) => message.error(e.message));
  }, [message]);
  useEffect(loadRoots, [loadRoots]);

  const loadChildren = useCallback(async (key: string) => {
    const r = await api.get<{ items: Unit[] }>('/api/admin/orgs', { parentId: key });
    setTree((t) => withChildren(t, key, r.items.map(nodeOf)));
  }, []);

  const loadDetail = useCallback(
    (id: string) => {
      api
        .get<Detail>(`/api/admin/orgs/${encodeURIComponent(id)}`)
        .then(setDetail)
        .catch((e: Error) => message.error(e.message));
    },
    [message],
  );
  useEffect(() => {
    if (selected) loadDetail(selected);
  }, [selected, loadDetail]);

  // The target pickers (new parent, merge target) browse the same subtree lazily.
  const [pickNodes, setPickNodes] = useState<{ id: string; pId: string | null; value: string; title: string; isLeaf: boolean; disabled?: boolean }[]>([]);
  const pickLoad = async (parentId?: string) => {
    const r = await api.get<{ items: Unit[] }>('/api/admin/orgs', parentId ? { parentId } : {});
    setPickNodes((prev) => [
      ...prev,
      ...r.items
        .filter((u) => !prev.some((p) => p.id === u.id))
        .map((u) => ({ id: u.id, pId: parentId ?? null, value: u.id, title: `${u.name}（${typeName(u.type)}）`, isLeaf: u.childCount === 0, disabled: u.status !== 'active' })),
    ]);
  };

  const open = (a: Action) => {
    setError(null);
    form.resetFields();
    form.setFieldsValue({ effectiveOn: dayjs(), ...(a === 'rename' ? { name: detail?.unit.name } : {}) });
    if (a === 'move' || a === 'dissolve') {
      setPickNodes([]);
      void pickLoad().catch((e: Error) => message.error(e.message));
    }
    setAction(a);
  };

  const unit = detail?.unit;
  const active = unit?.status === 'active';
  const isRoot = !!unit && tree.some((n) => n.key === unit.id);

  const submit = async () => {
    if (!detail || !action) return;
    const v = (await form.validateFields()) as { id?: string; name?: string; type?: string; parentId?: string; mergedIntoId?: string; effectiveOn: Dayjs; reason: string };
    const common = { effectiveOn: v.effectiveOn.format('YYYY-MM-DD'), reason: v.reason.trim() };
    const id = encodeURIComponent(detail.unit.id);
    setSaving(true);
    setError(null);
    try {
      if (action === 'create') await api.post('/api/admin/orgs', { id: v.id, name: v.name, type: v.type, parentId: detail.unit.id, ...common });
      if (action === 'rename') await api.post(`/api/admin/orgs/${id}/rename`, { name: v.name, ...common });
      if (action === 'move') await api.post(`/api/admin/orgs/${id}/move`, { parentId: v.parentId, ...common });
      if (action === 'dissolve') await api.post(`/api/admin/orgs/${id}/dissolve`, { ...(v.mergedIntoId ? { mergedIntoId: v.mergedIntoId } : {}), ...common });
      message.success(`${ACTION_TITLE[action]}已生效`);
      setAction(null);
      // Reload the levels that changed (the unit's parent, the unit for a new child, a move's new
      // parent); the tree keeps what is open.
      const parents = new Set<string>([detail.unit.parentId ?? '', action === 'create' ? detail.unit.id : '', action === 'move' ? String(v.parentId) : ''].filter(Boolean));
      for (const key of parents) await loadChildren(key).catch(() => undefined);
      if (isRoot) loadRoots();
      loadDetail(detail.unit.id);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };


  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        组织机构管理
      </Typography.Title>
      <Row gutter={16}>
        <Col xs={24} md={9}>
          <Card size="small" title="组织树" styles={{ body: { minHeight: 400 } }}>
            {tree.length ? (
              <Tree
                treeData={tree}
                loadData={(node) => loadChildren(String(node.key))}
                selectedKeys={selected ? [selected] : []}
                onSelect={(keys) => keys[0] && setSelected(String(keys[0]))}
                data-testid="org-tree"
              />
            ) : (
              <Empty description="加载中" />
            )}
          </Card>
        </Col>
        <Col xs={24} md={15}>
          {unit && detail ? (
            <Space direction="vertical" size="middle" style={{ width: '100%' }}>
              <Card
                size="small"
                title={<span data-testid="org-title">{unit.name}</span>}
                extra={
                  <Space wrap>
                    <Button disabled={!active || !CHILD_TYPES[unit.type]?.length} onClick={() => open('create')}>
                      新建下级组织
                    </Button>
                    <Button disabled={!active} onClick={() => open('rename')}>
                      更名
                    </Button>
                    <Button disabled={!active || isRoot} onClick={() => open('move')}>
                      调整隶属关系
                    </Button>
                    <Button danger disabled={!active || isRoot} onClick={() => open('dissolve')}>
                      撤销
                    </Button>
                  </Space>
                }
              >
                <Descriptions size="small" column={2}>
                  <Descriptions.Item label="组织编码">{unit.id}</Descriptions.Item>
                  <Descriptions.Item label="类别">{typeName(unit.type)}</Descriptions.Item>
                  <Descriptions.Item label="上级组织">{detail.parentName ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label="状态">{active ? <Tag color="green">正常</Tag> : <Tag>已撤销</Tag>}</Descriptions.Item>
                  <Descriptions.Item label="成立日期">{unit.establishedOn ?? '—'}</Descriptions.Item>
                  <Descriptions.Item label="办理中事项">{detail.openCases} 件</Descriptions.Item>
                  {!active && <Descriptions.Item label="撤销日期">{unit.dissolvedOn}</Descriptions.Item>}
                  {!active && <Descriptions.Item label="并入">{detail.mergedIntoName ?? '—'}</Descriptions.Item>}
                </Descriptions>
              </Card>
              <Card size="small">
                <CommitteeCard key={unit.id} orgId={unit.id} active={active} />
              </Card>
              <Card size="small" title="沿革">
                <Table<HistoryItem>
                  size="small"
                  rowKey="id"
                  pagination={false}
                  dataSource={detail.history}
                  locale={{ emptyText: '无变更记录（示范数据中的组织在本功能上线前设立）' }}
                  columns={[
                    { title: '生效日期', dataIndex: 'effectiveOn', width: 110 },
                    { title: '变更', dataIndex: 'kind', width: 110, render: (k: string) => KIND[k] ?? k },
                    { title: '内容', render: (_, h) => summary(h) },
                    { title: '依据', dataIndex: 'reason' },
                    { title: '操作人', dataIndex: 'actorName', width: 110 },
                    { title: '登记时间', dataIndex: 'at', width: 170, render: (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm') },
                  ]}
                />
              </Card>
            </Space>
          ) : (
            <Card size="small">
              <Empty description="请在左侧选择组织" />
            </Card>
          )}
        </Col>
      </Row>

      <Modal title={action ? `${ACTION_TITLE[action]}：${unit?.name ?? ''}` : ''} open={!!action} onCancel={() => setAction(null)} onOk={() => void submit()} confirmLoading={saving} okText="确定" cancelText="取消" destroyOnHidden>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} data-testid="org-action-error" />}
        {action === 'dissolve' && (
          <Alert
            type="warning"
            showIcon
            style={{ marginBottom: 12 }}
            message="撤销后该组织不再办理新事项，其成员的职务一并终止；须先调整或撤销其下级组织，并办结其办理中的事项。"
          />
        )}
        <Form form={form} layout="vertical">
          {action === 'create' && (
            <>
              <Form.Item name="name" label="组织名称" rules={[{ required: true, whitespace: true, min: 2, max: 64, message: '请输入 2–64 字的名称' }]}>
                <Input />
              </Form.Item>
              <Form.Item name="type" label="类别" rules={[{ required: true, message: '请选择类别' }]}>
                <Select options={(CHILD_TYPES[unit?.type ?? ''] ?? []).map((t) => ({ value: t, label: typeName(t) }))} />
              </Form.Item>
              <Form.Item name="id" label="组织编码" extra="小写字母、数字和连字符，设立后不再改变" rules={[{ required: true, pattern: /^[a-z0-9][a-z0-9-]{1,63}$/, message: '编码须为小写字母、数字或连字符（2–64 位）' }]}>
                <Input />
              </Form.Item>
            </>
          )}
          {action === 'rename' && (
            <Form.Item name="name" label="新名称" rules={[{ required: true, whitespace: true, min: 2, max: 64, message: '请输入 2–64 字的名称' }]}>
              <Input />
            </Form.Item>
          )}
          {action === 'move' && (
            <Form.Item name="parentId" label="新的上级组织" extra="其下级组织和办理中的事项随之调整；事项仍属原组织" rules={[{ required: true, message: '请选择新的上级组织' }]}>
              <TreeSelect treeDataSimpleMode treeData={pickNodes} loadData={(n) => pickLoad(String(n.value))} placeholder="选择上级组织" data-testid="move-target" />
            </Form.Item>
          )}
          {action === 'dissolve' && (
            <Form.Item name="mergedIntoId" label="并入（合村并组时选择，可不选）">
              <TreeSelect treeDataSimpleMode treeData={pickNodes} loadData={(n) => pickLoad(String(n.value))} allowClear placeholder="不并入其他组织" />
            </Form.Item>
          )}
          <Form.Item name="effectiveOn" label="生效日期" rules={[{ required: true, message: '请选择生效日期' }]}>
            <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item name="reason" label="依据（批复文号或会议决定）" rules={[{ required: true, whitespace: true, min: 2, max: 500, message: '请填写依据（2–500 字）' }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
