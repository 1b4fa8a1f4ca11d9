import { useMemo, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { App, Button, Card, DatePicker, Form, Input, Select, Space, Table, Tag, TreeSelect, Typography, type SelectProps } from 'antd';
import { DownloadOutlined, SearchOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { download, type Query } from '../../api';
import { caseTypeOptions, orgTree, useKeysetList, useOrgs, useProcessTypes, type ProcessTypeInfo } from '../../hooks';
import { caseStatusNames, caseTypeNames, formatTime, label } from '../../labels';

export type AdminCase = {
  id: string;
  type: string;
  typeName?: string;
  title: string;
  orgId: string;
  orgName: string;
  stage: string;
  stageName?: string;
  status: string;
  overdue: boolean;
  wasLate?: boolean;
  openedAt: string;
  closedAt: string | null;
  openTasks: { taskId: string; name: string; dueAt: string; overdue: boolean; assignees: string[] }[];
};
type Page = { items: AdminCase[]; nextCursor: string | null; total: number; totalCapped?: boolean };
type Range = [Dayjs | null, Dayjs | null] | null;
/** `stage` is "<type>/<stage code>": a stage means something only within its process (several share codes). */
type FormValues = { type?: string; orgId?: string; stage?: string; status?: string; late?: Late; opened?: Range; closed?: Range; q?: string };

/** 超期情况: 当前超期 (open and overdue now) and 曾超期 (late at any time, open or closed), and their negations. */
type Late = 'now' | 'ever' | 'not-now' | 'never';
const LATE_OPTIONS: { value: Late; label: string }[] = [
  { value: 'now', label: '当前超期' },
  { value: 'ever', label: '曾超期' },
  { value: 'not-now', label: '当前未超期' },
  { value: 'never', label: '从未超期' },
];
const LATE_QUERY: Record<Late, Query> = { now: { overdue: 'true' }, 'not-now': { overdue: 'false' }, ever: { wasLate: 'true' }, never: { wasLate: 'false' } };

/** The board's drill-down links with overdue=true (当前超期); a link may also carry wasLate. */
function lateOf(params: URLSearchParams): Late | undefined {
  if (params.get('overdue') === 'true') return 'now';
  if (params.get('overdue') === 'false') return 'not-now';
  if (params.get('wasLate') === 'true') return 'ever';
  if (params.get('wasLate') === 'false') return 'never';
  return undefined;
}

const stageValue = (type: string, code: string) => `${type}/${code}`;
function splitStage(value: string | undefined): { type: string; code: string } | undefined {
  const at = value?.indexOf('/') ?? -1;
  return value && at > 0 ? { type: value.slice(0, at), code: value.slice(at + 1) } : undefined;
}

/** The stages of every process grouped by process, or only the chosen process's; labelled by name, never by code. */
function stageOptions(types: ProcessTypeInfo[], type: string | undefined): SelectProps['options'] {
  const shown = types.filter((t) => t.stages.length && (!type || t.type === type));
  if (type) return (shown[0]?.stages ?? []).map((s) => ({ value: stageValue(shown[0]!.type, s.code), label: s.name }));
  return shown.map((t) => ({ label: t.name, title: t.name, options: t.stages.map((s) => ({ value: stageValue(t.type, s.code), label: s.name })) }));
}

function toQuery(v: FormValues): Query {
  const stage = splitStage(v.stage);
  return {
    type: v.type ?? stage?.type,
    orgId: v.orgId,
    stage: stage?.code,
    status: v.status,
    ...(v.late ? LATE_QUERY[v.late] : {}),
    openedFrom: v.opened?.[0]?.startOf('day').toISOString(),
    openedTo: v.opened?.[1]?.endOf('day').toISOString(),
    closedFrom: v.closed?.[0]?.startOf('day').toISOString(),
    closedTo: v.closed?.[1]?.endOf('day').toISOString(),
    q: v.q?.trim(),
  };
}

/** 事项查询: every filter of GET /api/admin/cases, keyset "load more", CSV export of the same filters. */
export default function CaseSearchPage() {
  const { message } = App.useApp();
  const [params] = useSearchParams();
  const orgs = useOrgs();
  const tree = useMemo(() => orgTree(orgs), [orgs]);
  const [form] = Form.useForm<FormValues>();
  const processTypes = useProcessTypes();
  const chosenType = Form.useWatch('type', form);
  const typeNames = useMemo(() => new Map(processTypes.map((t) => [t.type, t.name])), [processTypes]);
  const initial: FormValues = { orgId: params.get('orgId') ?? undefined, late: lateOf(params), status: params.get('status') ?? undefined };
  const [query, setQuery] = useState<Query>(toQuery(initial));
  const list = useKeysetList<AdminCase, Page>('/api/admin/cases', { ...query, limit: 20 });
  const rows = list.items;

  return (
    <Card title="事项查询">
      <Form
        form={form}
        layout="inline"
        initialValues={initial}
        onFinish={(v) => setQuery(toQuery(v))}
        // Another process chosen: a stage of the former one no longer applies.
        onValuesChange={(changed: FormValues, all) => {
          if ('type' in changed && changed.type && splitStage(all.stage)?.type !== changed.type) form.setFieldValue('stage', undefined);
        }}
        style={{ rowGap: 12, marginBottom: 16 }}
      >
        <Form.Item name="type">
          <Select allowClear placeholder="流程类型" style={{ width: 170 }} options={caseTypeOptions(rows.map((r) => ({ type: r.type, name: r.typeName })))} />
        </Form.Item>
        <Form.Item name="orgId">
          <TreeSelect allowClear placeholder="组织（含下级）" style={{ width: 200 }} treeData={tree} treeDefaultExpandAll />
        </Form.Item>
        <Form.Item name="stage">
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            placeholder="所处阶段"
            data-testid="stage-picker"
            style={{ width: 220 }}
            options={stageOptions(processTypes, chosenType)}
            // Without a chosen process the selection names its process too (两个流程都有"会议记录").
            labelRender={({ value, label }) => {
              const stage = splitStage(String(value));
              return chosenType || !stage ? label : `${typeNames.get(stage.type) ?? ''}·${String(label)}`;
            }}
          />
        </Form.Item>
        <Form.Item name="status">
          <Select allowClear placeholder="状态" style={{ width: 110 }} options={Object.entries(caseStatusNames).map(([value, s]) => ({ value, label: s.text }))} />
        </Form.Item>
        <Form.Item name="late">
          <Select allowClear placeholder="超期情况" style={{ width: 130 }} options={LATE_OPTIONS} data-testid="late-filter" />
        </Form.Item>
        <Form.Item name="opened">
          <DatePicker.RangePicker placeholder={['发起从', '发起至']} />
        </Form.Item>
        <Form.Item name="closed">
          <DatePicker.RangePicker placeholder={['办结从', '办结至']} />
        </Form.Item>
        <Form.Item name="q">
          <Input allowClear placeholder="标题关键词" style={{ width: 170 }} maxLength={64} />
        </Form.Item>
        <Space>
          <Button type="primary" htmlType="submit" icon={<SearchOutlined />}>
            查询
          </Button>
          <Button
            icon={<DownloadOutlined />}
            onClick={() => download('/api/admin/cases.csv', query, `事项-${new Date().toISOString().slice(0, 10)}.csv`).catch((e: Error) => message.error(e.message))}
          >
            导出 CSV
          </Button>
        </Space>
      </Form>
      <Typography.Text type="secondary">共 {list.page?.total ?? 0}{list.page?.totalCapped ? '+' : ''} 项</Typography.Text>
      <Table<AdminCase>
        style={{ marginTop: 8 }}
        rowKey="id"
        size="middle"
        loading={list.loading && !rows.length}
        dataSource={rows}
        pagination={false}
        columns={[
          { title: '标题', dataIndex: 'title', render: (t: string, r) => <Link to={`/cases/${r.id}`}>{t}</Link> },
          { title: '流程', dataIndex: 'type', render: (t: string, r) => label(caseTypeNames, t, r.typeName) },
          { title: '组织', dataIndex: 'orgName' },
          {
            title: '当前环节',
            key: 'stage',
            render: (_: unknown, r) => (r.status === 'open' ? r.openTasks.map((t) => t.name).join('、') || r.stageName || r.stage : '—'),
          },
          {
            title: '状态',
            key: 'status',
            render: (_: unknown, r) => (
              <Space size={4}>
                <Tag color={caseStatusNames[r.status]?.color}>{caseStatusNames[r.status]?.text ?? r.status}</Tag>
                {r.overdue && <Tag color="red">当前超期</Tag>}
                {r.wasLate && !r.overdue && <Tag color="orange">曾超期</Tag>}
              </Space>
            ),
          },
          { title: '发起时间', dataIndex: 'openedAt', render: formatTime },
          { title: '办结时间', dataIndex: 'closedAt', render: formatTime },
        ]}
      />
      {list.hasMore && (
        <Button block style={{ marginTop: 16 }} loading={list.loading} onClick={() => void list.loadMore()}>
          加载更多
        </Button>
      )}
    </Card>
  );
}
