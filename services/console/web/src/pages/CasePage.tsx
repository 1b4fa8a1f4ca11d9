import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router';
import { Alert, App, Button, Card, Col, Descriptions, Form, Input, Modal, Popconfirm, Result, Row, Space, Spin, Table, Tag, Typography } from 'antd';
import { api, ApiError, getToken } from '../api';
import { useAuth } from '../auth';
import { CaseSummary } from '../components/CaseSummary';
import { RecordTimeline } from '../components/RecordTimeline';
import { formatTime, lateText } from '../labels';
import { TaskFactsView } from '../components/TaskFacts';
import type { RecordEvent, TaskFacts } from '../types';

type CaseView = {
  case: { id: string; type: string; title: string; status: string; stage: string; stageName?: string; orgId: string; openedAt: string; closedAt: string | null; overdue: boolean; input: Record<string, unknown>; workflowId: string; initiatorId: string };
  openTasks: { id: string; kind: string; stepKey: string; title: string; dueAt: string; overdue: boolean; escalationLevel: number }[];
  record: RecordEvent[];
  recordVerification: { valid: boolean; events: number; brokenAtSeq?: number };
  /** Case-level actions that can work for this user now (撤回, 终止). */
  caseActions?: string[];
  facts?: Omit<TaskFacts, 'objection'>;
};

type OpenTaskRow = { taskId: string; name: string; dueAt: string; overdue: boolean; assignees: string[] };
type Step = {
  taskId: string;
  stepKey: string;
  name: string;
  openedAt: string;
  closedAt: string | null;
  dueAt: string;
  policyWorkingDays: number | null;
  tookWorkingDays: number | null;
  late: boolean;
  lateBySeconds: number;
  responsible: string[];
};
type AdminCaseView = {
  case: { workflowId?: string; orgName?: string; typeName?: string };
  openTasks: { taskId: string; name: string; dueAt: string; overdue: boolean; assignees: string[] }[];
  steps: Step[];
  verification: { ok: boolean; checked: number; brokenAt: number | null };
};

/** One case: where it is now, its steps against their time limits, the verified record. */
export function CasePage() {
  const { id } = useParams();
  const { isMonitor, isAdmin } = useAuth();
  const { message } = App.useApp();
  const [view, setView] = useState<CaseView | null>(null);
  const [admin, setAdmin] = useState<AdminCaseView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [ending, setEnding] = useState(false);
  const [endForm] = Form.useForm<{ comment: string }>();

  const load = useCallback(async () => {
    try {
      setView(await api.get<CaseView>(`/api/cases/${id}`));
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? '事项不存在或您无权查看' : (e as Error).message);
    }
    if (isMonitor) api.get<AdminCaseView>(`/api/admin/cases/${id}`).then(setAdmin).catch(() => setAdmin(null));
  }, [id, isMonitor]);

  useEffect(() => {
    void load();
  }, [load]);

  if (error) return <Result status="404" title={error} />;
  if (!view) return <Spin size="large" style={{ display: 'block', margin: 80 }} />;

  const c = view.case;
  const verified = admin ? { ok: admin.verification.ok, n: admin.verification.checked, broken: admin.verification.brokenAt } : { ok: view.recordVerification.valid, n: view.recordVerification.events, broken: view.recordVerification.brokenAtSeq ?? null };
  const stageName = view.openTasks.filter((t) => t.kind === 'step').map((t) => t.title).join('、') || undefined;
  // A step that opens at a date (a 6-monthly evaluation, 转正) is announced in the record until it opens.
  const lastScheduled = c.status === 'open' ? [...view.record].reverse().find((e) => e.type === 'step.scheduled') : undefined;
  const opensAt = typeof lastScheduled?.data?.opensAt === 'string' ? new Date(lastScheduled.data.opensAt) : undefined;
  const scheduled = opensAt && opensAt.getTime() > Date.now() ? { title: String(lastScheduled?.data?.title ?? ''), opensAt } : undefined;
  const offered = view.caseActions ?? [];
  const endAction = offered.find((a) => a === 'cancel' || a === 'terminate');
  /** 终止 with its reason (the workflow records it); the answer's message names what refused it. */
  const terminate = async () => {
    const { comment } = await endForm.validateFields();
    try {
      await api.postOnce(`/api/cases/${c.id}/actions`, { action: endAction, comment: comment.trim() });
      message.success('事项已终止');
      setEnding(false);
      await load();
    } catch (e) {
      message.error((e as Error).message);
    }
  };
  /**
   * 纪实表: the API answers only with the bearer token, which a plain link in a new tab does not carry;
   * fetched here and opened as a document of its own (printable from the browser).
   */
  const openDossier = async () => {
    const win = window.open('', '_blank');
    try {
      const res = await fetch(`/api/cases/${c.id}/dossier`, { headers: { authorization: `Bearer ${getToken() ?? ''}` } });
      if (!res.ok) throw new Error(`纪实表生成失败（${res.status}）`);
      const url = URL.createObjectURL(new Blob([await res.text()], { type: 'text/html;charset=utf-8' }));
      if (win) win.location.href = url;
      else window.location.href = url;
    } catch (e) {
      win?.close();
      message.error((e as Error).message);
    }
  };
  const withdraw = async () => {
    try {
      await api.postOnce(`/api/cases/${c.id}/withdraw`, {});
      message.success('已撤回');
      await load();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <Row gutter={16}>
      <Col xs={24} lg={15}>
        <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
          <Card
            title={<span data-testid="case-title">{c.title}</span>}
            extra={
              <Space>
                <Button data-testid="open-dossier" onClick={() => void openDossier()}>
                  纪实表
                </Button>
                {offered.includes('withdraw') && (
                  <Popconfirm title="确定撤回该事项？" onConfirm={() => void withdraw()} okText="撤回" cancelText="取消">
                    <Button danger>撤回</Button>
                  </Popconfirm>
                )}
                {endAction && (
                  <Button danger data-testid="terminate" onClick={() => setEnding(true)}>
                    终止
                  </Button>
                )}
              </Space>
            }
          >
            <CaseSummary c={{ ...c, orgName: admin?.case.orgName }} stageName={c.status === 'open' ? stageName : '—'} />
            {isAdmin && (
              // For the administrator's technical support only; officials do not see engine ids.
              <Descriptions size="small" column={1} style={{ marginTop: 12 }}>
                <Descriptions.Item label="流程实例编号（技术支持）">
                  <Typography.Text copyable code data-testid="workflow-id">
                    {admin?.case.workflowId ?? c.workflowId}
                  </Typography.Text>
                </Descriptions.Item>
              </Descriptions>
            )}
          </Card>
          {view.facts && (view.facts.submissions.length > 0 || view.facts.findings.length > 0) && (
            <Card title="事项材料与规则判定" size="small">
              <TaskFactsView facts={{ ...view.facts, objection: null }} />
            </Card>
          )}
          <Card title="当前环节">
            {scheduled && (
              <Alert type="info" showIcon style={{ marginBottom: 12 }} data-testid="scheduled-step" title={`${scheduled.title}（届时生成待办，期限自开启时计算）`} />
            )}
            <Table<OpenTaskRow>
              size="small"
              rowKey="taskId"
              pagination={false}
              dataSource={
                admin?.openTasks ??
                view.openTasks.map((t): OpenTaskRow => ({ taskId: t.id, name: t.title, dueAt: t.dueAt, overdue: t.overdue, assignees: [] }))
              }
              columns={[
                { title: '环节', dataIndex: 'name', render: (n: string, t) => <Link to={`/tasks/${t.taskId}`}>{n}</Link> },
                { title: '办理人', dataIndex: 'assignees', render: (a: string[]) => a.join('、') || '—' },
                {
                  title: '期限',
                  dataIndex: 'dueAt',
                  render: (d: string, t) =>
                    t.overdue ? <Typography.Text type="danger">{formatTime(d)}（{lateText((Date.now() - new Date(d).getTime()) / 1000)}）</Typography.Text> : formatTime(d),
                },
              ]}
              locale={{ emptyText: c.status === 'open' ? (scheduled ? '暂无（等待定期开启）' : '无') : '已结束' }}
            />
          </Card>
          {admin && (
            <Card title="环节用时（对照时限策略）">
              <Table<Step>
                size="small"
                rowKey="taskId"
                pagination={false}
                dataSource={admin.steps}
                columns={[
                  { title: '环节', dataIndex: 'name' },
                  { title: '负责人', dataIndex: 'responsible', render: (r: string[]) => r.join('、') || '—' },
                  { title: '开始', dataIndex: 'openedAt', render: formatTime },
                  { title: '完成', dataIndex: 'closedAt', render: (d: string | null) => (d ? formatTime(d) : <Tag color="processing">办理中</Tag>) },
                  {
                    title: '用时 / 时限（工作日）',
                    key: 'took',
                    render: (_: unknown, s: Step) => `${s.tookWorkingDays ?? '—'} / ${s.policyWorkingDays ?? '—'}`,
                  },
                  {
                    title: '是否按时',
                    key: 'late',
                    render: (_: unknown, s: Step) => (s.late ? <Tag color="red">{lateText(s.lateBySeconds)}</Tag> : s.closedAt ? <Tag color="green">按时</Tag> : '—'),
                  },
                ]}
              />
            </Card>
          )}
        </Space>
      </Col>
      <Col xs={24} lg={9}>
        <Card title="全程纪实">
          <Alert
            style={{ marginBottom: 16 }}
            showIcon
            type={verified.ok ? 'success' : 'error'}
            data-testid="verification"
            title={verified.ok ? `纪实链校验通过（${verified.n} 条记录，哈希链完整）` : `纪实链校验失败：第 ${verified.broken} 条记录被篡改`}
          />
          <RecordTimeline record={view.record} />
        </Card>
      </Col>
      <Modal open={ending} title="终止事项" okText="终止" okButtonProps={{ danger: true }} cancelText="取消" onCancel={() => setEnding(false)} onOk={() => void terminate()} destroyOnHidden>
        <Form form={endForm} layout="vertical" preserve={false}>
          <Form.Item name="comment" label="终止理由" rules={[{ required: true, whitespace: true, message: '请填写终止理由' }]}>
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={2000} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </Row>
  );
}
