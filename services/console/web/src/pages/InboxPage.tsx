import { useEffect, useMemo, useState } from 'react';
import { Link, useNavigate, useSearchParams } from 'react-router';
import { App, Badge, Button, Card, Checkbox, DatePicker, Empty, Input, Select, Space, Spin, Table, Tabs, Tag, TreeSelect, Typography } from 'antd';
import { CheckOutlined, FilterOutlined, ReloadOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { api } from '../api';
import { caseTypeOptions, orgTree, useKeysetList, useOrgs } from '../hooks';
import { caseTypeNames, formatTime, label, lateText, remainingText } from '../labels';
import type { InboxItem, InboxPage as Page, InboxView } from '../types';
import { useNarrow } from '../layout/AppLayout';
import { useAuth } from '../auth';
import { LoadedCalendarWarnings } from '../components/CalendarWarnings';

const VIEWS: { key: InboxView; label: string }[] = [
  { key: 'todo', label: '待办' },
  { key: 'done', label: '已办' },
  { key: 'overdue', label: '超期' },
  { key: 'supervising', label: '督办' },
  { key: 'cc', label: '抄送' },
];
const PAGE_SIZE = 20;

type Filters = { type?: string; orgId?: string; due?: [Dayjs | null, Dayjs | null] | null; q?: string; sort: 'due_asc' | 'due_desc' };

function secondsLate(item: InboxItem): number {
  if (item.overdueSeconds !== undefined) return item.overdueSeconds;
  return item.overdue ? Math.max(0, (Date.now() - new Date(item.dueAt).getTime()) / 1000) : 0;
}

export function InboxPage() {
  const { message, modal } = App.useApp();
  const { isSecurityAdmin } = useAuth();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const view = (params.get('view') as InboxView | null) ?? 'todo';
  const orgs = useOrgs();
  const tree = useMemo(() => orgTree(orgs), [orgs]);
  const [filters, setFilters] = useState<Filters>({ sort: 'due_asc' });
  const [selected, setSelected] = useState<string[]>([]);
  const narrow = useNarrow();
  const [filtersOpen, setFiltersOpen] = useState(false);

  const query = useMemo(
    () => ({
      view,
      limit: PAGE_SIZE,
      type: filters.type,
      orgId: filters.orgId,
      dueFrom: filters.due?.[0]?.startOf('day').toISOString(),
      dueTo: filters.due?.[1]?.endOf('day').toISOString(),
      q: filters.q?.trim() || undefined,
      sort: filters.sort,
    }),
    [view, filters],
  );

  const list = useKeysetList<InboxItem, Page>('/api/inbox', query);
  const { items, loading } = list;
  const counts: Partial<Record<InboxView, number>> = list.page?.counts ?? {};
  useEffect(() => setSelected([]), [query]);

  const selectedItems = items.filter((i) => selected.includes(i.taskId));
  const bulkStep = new Set(selectedItems.map((i) => i.stepKey));
  const canBulk = selectedItems.length > 0 && bulkStep.size === 1 && selectedItems.every((i) => i.bulkApprovable);

  const bulkApprove = () =>
    modal.confirm({
      title: `批量同意 ${selectedItems.length} 项「${selectedItems[0]?.stepTitle}」？`,
      content: '每一项都将以您的名义记录“同意”。',
      okText: '同意',
      cancelText: '取消',
      onOk: async () => {
        try {
          const res = await api.postOnce<{ results: { taskId: string; ok: boolean; message?: string }[] }>('/api/tasks/bulk-actions', { taskIds: selected, action: 'approve' });
          const failed = res.results.filter((r) => !r.ok);
          if (failed.length) message.warning(`${res.results.length - failed.length} 项已同意，${failed.length} 项未成功：${failed[0]?.message ?? ''}`);
          else message.success(`已同意 ${res.results.length} 项`);
        } catch (e) {
          message.error((e as Error).message);
        }
        setSelected([]);
        await list.reload();
      },
    });

  const dueCell = (d: string, r: InboxItem) => {
    const late = secondsLate(r);
    return (
      <Space orientation="vertical" size={0}>
        <span style={late > 0 ? { color: '#cf1322' } : undefined}>{formatTime(d)}</span>
        {r.status === 'open' &&
          (late > 0 ? (
            <Typography.Text type="danger" strong data-testid="overdue">
              {lateText(late)}
            </Typography.Text>
          ) : (
            <Typography.Text type="secondary">{remainingText(d)}</Typography.Text>
          ))}
      </Space>
    );
  };
  const statusTag = (r: InboxItem) => (r.status === 'open' ? r.escalationLevel > 0 ? <Tag color="red">已督办</Tag> : <Tag color="processing">办理中</Tag> : <Tag>已完成</Tag>);

  const columns = [
    {
      title: '事项',
      key: 'case',
      render: (_: unknown, r: InboxItem) => (
        <Space orientation="vertical" size={0}>
          <Link to={`/tasks/${r.taskId}`}>{r.caseTitle}</Link>
          <Typography.Text type="secondary" style={{ fontSize: 12 }}>
            {label(caseTypeNames, r.caseType)}
          </Typography.Text>
        </Space>
      ),
    },
    {
      title: '当前环节',
      dataIndex: 'stepTitle',
      render: (t: string, r: InboxItem) => (
        <span>
          {r.kind === 'supervision' && <Tag color="volcano">督办</Tag>}
          {t}
        </span>
      ),
    },
    { title: '组织', key: 'org', render: (_: unknown, r: InboxItem) => r.orgName ?? r.org.name },
    {
      title: '办理期限',
      dataIndex: 'dueAt',
      render: dueCell,
    },
    { title: '状态', dataIndex: 'status', render: (_: string, r: InboxItem) => statusTag(r) },
  ];

  // On a phone every item is a card: title, step, organization and deadline stacked, the whole card
  // opens the task, a checkbox selects it for 批量同意 in 待办.
  const cards = (
    <>
      {items.length === 0 ? (
        loading ? <Spin style={{ display: 'block', padding: 32 }} /> : <Empty description="暂无事项" />
      ) : (
        <Space orientation="vertical" size={8} style={{ width: '100%' }}>
          {items.map((r) => {
            const late = secondsLate(r) > 0 && r.status === 'open';
            return (
              <Card
                key={r.taskId}
                size="small"
                data-testid={`inbox-card-${r.taskId}`}
                style={{ borderLeft: `4px solid ${late ? '#cf1322' : '#f0f0f0'}` }}
                styles={{ body: { padding: 12 } }}
              >
                <div style={{ display: 'flex', gap: 12, alignItems: 'flex-start' }}>
                  {view === 'todo' && (
                    <Checkbox
                      aria-label={`选择 ${r.caseTitle}`}
                      style={{ paddingTop: 2 }}
                      checked={selected.includes(r.taskId)}
                      onChange={(e) => setSelected((s) => (e.target.checked ? [...s, r.taskId] : s.filter((id) => id !== r.taskId)))}
                    />
                  )}
                  <Link to={`/tasks/${r.taskId}`} style={{ flex: 1, minWidth: 0, color: 'inherit' }}>
                    <Typography.Text strong style={{ fontSize: 16, display: 'block', color: '#1f1f1f' }}>
                      {r.caseTitle}
                    </Typography.Text>
                    <div style={{ margin: '4px 0' }}>
                      {r.kind === 'supervision' && <Tag color="volcano">督办</Tag>}
                      <span>{r.stepTitle}</span>
                    </div>
                    <Typography.Text type="secondary" style={{ fontSize: 13, display: 'block' }}>
                      {label(caseTypeNames, r.caseType)} · {r.orgName ?? r.org.name}
                    </Typography.Text>
                    <div style={{ display: 'flex', justifyContent: 'space-between', alignItems: 'flex-end', marginTop: 6 }}>
                      {dueCell(r.dueAt, r)}
                      {statusTag(r)}
                    </div>
                  </Link>
                </div>
              </Card>
            );
          })}
        </Space>
      )}
    </>
  );

  const actions = (
    <Space>
      <Button icon={<ReloadOutlined />} onClick={() => void list.reload()} aria-label="刷新">
        {narrow ? null : '刷新'}
      </Button>
      {view === 'todo' && (
        <Button type="primary" icon={<CheckOutlined />} disabled={!canBulk} onClick={bulkApprove} title={selected.length && !canBulk ? '只能批量同意同一环节且允许批量办理的待办' : undefined}>
          批量同意{selected.length ? `（${selected.length}）` : ''}
        </Button>
      )}
    </Space>
  );

  return (
    <>
      {/* Administrators: a year whose holidays are not entered makes deadlines wrong for everybody. */}
      {isSecurityAdmin && <LoadedCalendarWarnings link />}
      <Card styles={{ body: narrow ? { padding: '0 8px 12px' } : { paddingTop: 8 } }}>
        <Tabs
          activeKey={view}
          onChange={(key) => setParams({ view: key })}
          tabBarExtraContent={narrow ? undefined : actions}
          tabBarGutter={narrow ? 14 : undefined}
          items={VIEWS.map((v) => ({
            key: v.key,
            label: (
              <span data-testid={`tab-${v.key}`}>
                {v.label} <Badge count={counts[v.key] ?? 0} showZero overflowCount={999} color={v.key === 'overdue' || v.key === 'supervising' ? '#cf1322' : '#8c8c8c'} />
              </span>
            ),
          }))}
        />
        {narrow && (
          <div style={{ display: 'flex', justifyContent: 'space-between', marginBottom: 8 }}>
            <Button icon={<FilterOutlined />} onClick={() => setFiltersOpen((o) => !o)} aria-expanded={filtersOpen}>
              筛选与排序
            </Button>
            {actions}
          </div>
        )}
        <Space wrap style={{ marginBottom: 16, display: narrow && !filtersOpen ? 'none' : undefined }}>
          <Select allowClear placeholder="流程类型" style={{ width: 150 }} options={caseTypeOptions(items.map((i) => ({ type: i.caseType })))} value={filters.type} onChange={(type) => setFilters((f) => ({ ...f, type }))} />
          <TreeSelect allowClear placeholder="组织（含下级）" style={{ width: 190 }} treeData={tree} treeDefaultExpandAll value={filters.orgId} onChange={(orgId) => setFilters((f) => ({ ...f, orgId }))} />
          <DatePicker.RangePicker placeholder={['期限从', '期限至']} value={filters.due ?? null} onChange={(due) => setFilters((f) => ({ ...f, due }))} />
          <Input.Search allowClear placeholder="标题或环节关键词" style={{ width: 200 }} maxLength={64} onSearch={(q) => setFilters((f) => ({ ...f, q }))} />
          <Select
            style={{ width: 150 }}
            value={filters.sort}
            onChange={(sort) => setFilters((f) => ({ ...f, sort }))}
            options={[
              { value: 'due_asc', label: '期限由近到远' },
              { value: 'due_desc', label: '期限由远到近' },
            ]}
          />
        </Space>
        {narrow ? cards : <Table<InboxItem>
          rowKey="taskId"
          size="middle"
          loading={loading && !items.length}
          dataSource={items}
          columns={columns}
          pagination={false}
          rowSelection={view === 'todo' ? { selectedRowKeys: selected, onChange: (keys) => setSelected(keys as string[]) } : undefined}
          onRow={(r) => ({ onDoubleClick: () => navigate(`/tasks/${r.taskId}`), 'data-testid': `inbox-row-${r.taskId}` }) as React.HTMLAttributes<HTMLElement>}
          locale={{ emptyText: <Empty description="暂无事项" /> }}
        />}
        {list.hasMore && (
          <Button block style={{ marginTop: 16 }} loading={loading} onClick={() => void list.loadMore()}>
            加载更多
          </Button>
        )}
      </Card>
    </>
  );
}
