import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, Space, Table, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, download } from '../../api';

type Entry = {
  id: string;
  at: string;
  actorName: string | null;
  action: string;
  objectType: string;
  objectId: string;
  orgName: string | null;
  before: unknown;
  after: unknown;
  reason: string | null;
  clientAddress: string | null;
};

const ACTIONS: Record<string, string> = {
  'org.create': '设立组织',
  'org.rename': '组织更名',
  'org.move': '调整隶属关系',
  'org.dissolve': '撤销组织',
  'person.create': '登记党员',
  'person.update': '修改党员信息',
  'person.transfer': '组织关系转接',
  'person.view-phone': '查看完整电话',
  'person.import': '导入花名册',
  'person.export': '导出花名册',
  'role.appoint': '任职',
  'role.end': '免职',
  'account.create': '新建账号',
  'account.reset-password': '重置密码',
  'account.reset-two-step': '重置两步验证',
  'account.disable': '停用账号',
  'account.enable': '启用账号',
  'account.grant': '授予职责',
  'account.revoke': '撤销职责',
  'audit.export': '导出审计日志',
};
const json = (v: unknown) => (v === null || v === undefined ? '—' : JSON.stringify(v, null, 1));

/**
 * 审计日志 (审计管理员, 三权分立): every administrative action on units of the audit administrator's
 * subtree, newest first (append-only); 导出 a date range as CSV or Excel (the export is recorded too).
 */
export default function AuditLogPage() {
  const { message } = App.useApp();
  const [items, setItems] = useState<Entry[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [range, setRange] = useState<[Dayjs, Dayjs]>([dayjs().subtract(30, 'day'), dayjs()]);
  const [exporting, setExporting] = useState(false);
  const exportAs = (format: 'csv' | 'xlsx') => {
    const [from, to] = range.map((d) => d.format('YYYY-MM-DD')) as [string, string];
    setExporting(true);
    download(`/api/admin/audit/export.${format}`, { from, to }, `审计日志-${from}-${to}.${format}`)
      .then(() => load())
      .catch((e: Error) => message.error(e.message))
      .finally(() => setExporting(false));
  };

  const load = useCallback(
    (after?: string) => {
      setLoading(true);
      api
        .get<{ items: Entry[]; nextCursor: string | null }>('/api/admin/audit', { limit: 50, cursor: after })
        .then((r) => {
          setItems((prev) => (after ? [...prev, ...r.items] : r.items));
          setCursor(r.nextCursor);
        })
        .catch((e: Error) => message.error(e.message))
        .finally(() => setLoading(false));
    },
    [message],
  );
  useEffect(() => load(), [load]);

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        审计日志
      </Typography.Title>
      <Typography.Text type="secondary">管理操作一经记录不可修改或删除（《网络安全法》第二十一条：留存不少于六个月）。</Typography.Text>
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }} data-testid="audit-export">
          <Typography.Text>导出：</Typography.Text>
          <DatePicker.RangePicker allowClear={false} value={range} onChange={(v) => v?.[0] && v[1] && setRange([v[0], v[1]])} />
          <Button onClick={() => exportAs('csv')} loading={exporting}>
            导出 CSV
          </Button>
          <Button type="primary" onClick={() => exportAs('xlsx')} loading={exporting}>
            导出 Excel
          </Button>
        </Space>
        <Table<Entry>
          size="small"
          rowKey="id"
          loading={loading}
          pagination={false}
          dataSource={items}
          expandable={{
            expandedRowRender: (e) => (
              <Space align="start" size="large">
                <div>
                  <Typography.Text strong>变更前</Typography.Text>
                  <pre style={{ margin: 0, maxWidth: 420, whiteSpace: 'pre-wrap' }}>{json(e.before)}</pre>
                </div>
                <div>
                  <Typography.Text strong>变更后</Typography.Text>
                  <pre style={{ margin: 0, maxWidth: 420, whiteSpace: 'pre-wrap' }}>{json(e.after)}</pre>
                </div>
              </Space>
            ),
          }}
          columns={[
            { title: '时间', dataIndex: 'at', width: 160, render: (at: string) => dayjs(at).format('YYYY-MM-DD HH:mm:ss') },
            { title: '操作人', dataIndex: 'actorName', width: 130 },
            { title: '操作', dataIndex: 'action', width: 130, render: (a: string) => ACTIONS[a] ?? a },
            { title: '对象', render: (_, e) => `${e.orgName ?? ''}（${e.objectId}）` },
            { title: '依据', dataIndex: 'reason' },
            { title: '来源地址', dataIndex: 'clientAddress', width: 140 },
          ]}
        />
        {cursor && (
          <Button style={{ marginTop: 12 }} onClick={() => load(cursor)} loading={loading}>
            加载更多
          </Button>
        )}
      </Card>
    </Space>
  );
}
