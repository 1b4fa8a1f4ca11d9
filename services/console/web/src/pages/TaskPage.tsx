import { useCallback, useEffect, useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { Alert, App, Button, Card, Col, Form, Input, Modal, Result, Row, Space, Spin, Tag, Typography } from 'antd';
import { api, ApiError } from '../api';
import { CaseSummary } from '../components/CaseSummary';
import { RecordTimeline } from '../components/RecordTimeline';
import { SchemaFields, schemaFormValue, toSchemaValue } from '../components/SchemaForm';
import { TaskFactsView } from '../components/TaskFacts';
import { UserPicker } from '../components/UserPicker';
import { actionNames, caseStatusNames, formatTime, lateText } from '../labels';
import type { ActionResult, TaskDetail } from '../types';

const WITH_FORM = new Set(['approve', 'forward']);
/** 驳回 of a body's decision sends the meeting whose vote did not carry the proposal (form `meeting.record`). */
const MEETING_KEYS = ['meetingDate', 'place', 'attendees', 'ballotMethod', 'for', 'against', 'abstain', 'resolution', 'opinion'];
const NEEDS_COMMENT = new Set(['reject', 'return', 'transfer', 'comment']);
const NEEDS_DIALOG = new Set(['reject', 'return', 'transfer', 'add_signer', 'cc', 'comment', 'urge']);
const ORDER = ['approve', 'forward', 'return', 'reject', 'transfer', 'add_signer', 'cc', 'claim', 'comment', 'urge'];

type Dialog = { action: string } | null;

/**
 * The banner after an action: what happened in the process (通过 / 未通过，重新选举 / 退回 with the rule,
 * from the answer's outcome), then where the case is now — the next steps, not 督办 tasks, each once.
 * The colour follows the meaning: a step that comes back is not shown in green.
 */
function resultOf(r: ActionResult, action: string): { text: string; tone: 'success' | 'warning' | 'error' | 'info' } {
  const c = r.case;
  const tone = r.outcome?.tone ?? (action === 'reject' || action === 'return' ? 'warning' : 'success');
  // Not "已同意" for a submission the process then refused or sent back: it was submitted, and this came of it.
  const done = tone !== 'success' && (action === 'approve' || action === 'forward') ? '已提交' : `已${actionNames[action] ?? action}`;
  const head = r.outcome ? `${done}。${r.outcome.text}` : done;
  if (c.status !== 'open') return { text: `${head}。事项${caseStatusNames[c.status]?.text ?? c.status}。`, tone };
  const next = [...new Set(c.openTasks.filter((t) => t.kind !== 'supervision').map((t) => t.title))].join('、');
  return { text: next ? `${head}。事项现处于「${next}」。` : `${head}。`, tone };
}

export function TaskPage() {
  const { id } = useParams();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [detail, setDetail] = useState<TaskDetail | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [outcome, setOutcome] = useState<{ text: string; tone: 'success' | 'warning' | 'error' | 'info' } | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [dialog, setDialog] = useState<Dialog>(null);
  const [form] = Form.useForm();
  const [dialogForm] = Form.useForm();

  const load = useCallback(async () => {
    try {
      setDetail(await api.get<TaskDetail>(`/api/tasks/${id}`));
    } catch (e) {
      setError(e instanceof ApiError && e.status === 404 ? '待办不存在或您无权查看' : (e as Error).message);
    }
  }, [id]);

  useEffect(() => {
    void load();
  }, [load]);

  const send = async (action: string, extra: { comment?: string; to?: { userId: string }[] } = {}) => {
    if (!detail) return;
    let formValue: Record<string, unknown> | undefined;
    if (WITH_FORM.has(action) && detail.form) {
      try {
        formValue = await schemaFormValue(form, detail.form.schema);
      } catch {
        message.error('请先完善表单中标红的内容');
        return;
      }
    } else if (action === 'reject' && detail.meeting && detail.form) {
      const keys = MEETING_KEYS.filter((k) => k in (detail.form!.schema.properties ?? {}));
      try {
        await form.validateFields(keys);
      } catch {
        message.error('请先填写会议记录（驳回须经会议表决）');
        return;
      }
      const all = (toSchemaValue(detail.form.schema, form.getFieldsValue()) ?? {}) as Record<string, unknown>;
      formValue = Object.fromEntries(keys.filter((k) => all[k] !== undefined).map((k) => [k, all[k]]));
    }
    setBusy(action);
    setRefusal(null);
    try {
      // One Idempotency-Key per click, kept for retries: a lost answer never makes the action count twice.
      const r = await api.postOnce<ActionResult>(`/api/tasks/${detail.task.id}/actions?wait=next`, { action, form: formValue, ...extra });
      setOutcome(resultOf(r, action));
      setDialog(null);
      dialogForm.resetFields();
      await load();
    } catch (e) {
      // The API's answer names the rule (e.g. 28周岁以下由共青团组织推优): shown as it is, kept on the page,
      // and next to the field it concerns when it names one.
      const text = (e as Error).message;
      setRefusal(text);
      if (e instanceof ApiError && e.fields.length) {
        form.setFields(e.fields.map((f) => ({ name: f.path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)), errors: [f.message] })));
      }
      if (dialog) message.error(text);
    } finally {
      setBusy(null);
    }
  };

  if (error) return <Result status="404" title={error} extra={<Button onClick={() => navigate('/inbox')}>返回待办</Button>} />;
  if (!detail) return <Spin size="large" style={{ display: 'block', margin: 80 }} />;

  const { task } = detail;
  const actions = ORDER.filter((a) => detail.availableActions.includes(a));
  const open = task.status === 'open';
  const late = open && task.overdue ? (Date.now() - new Date(task.dueAt).getTime()) / 1000 : 0;
  const showForm = detail.form && actions.some((a) => WITH_FORM.has(a));
  const stageName = detail.record.filter((e) => e.type === 'task.opened' && e.taskId).map((e) => e.data?.title as string | undefined).at(-1);

  return (
    <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
      {refusal && <Alert type="error" showIcon title={refusal} data-testid="action-error" closable onClose={() => setRefusal(null)} />}
      {outcome && <Alert type={outcome.tone} showIcon title={outcome.text} data-testid="action-result" closable onClose={() => setOutcome(null)} action={<Button size="small" onClick={() => navigate('/inbox')}>返回待办</Button>} />}
      <Row gutter={16}>
        <Col xs={24} lg={15}>
          <Space orientation="vertical" size="middle" style={{ width: '100%' }}>
            <Card
              title={
                <Space>
                  {task.kind === 'supervision' && <Tag color="volcano">督办</Tag>}
                  <span data-testid="task-title">{task.title}</span>
                  {open ? <Tag color="processing">待办理</Tag> : <Tag>已完成</Tag>}
                </Space>
              }
              extra={<Link to={`/cases/${detail.case.id}`}>事项详情</Link>}
            >
              <Space style={{ marginBottom: 12 }} wrap>
                <Typography.Text type="secondary">办理期限：{formatTime(task.dueAt)}</Typography.Text>
                {late > 0 && <Typography.Text type="danger" strong>{lateText(late)}</Typography.Text>}
                {task.mode === 'all' && <Tag>会签</Tag>}
              </Space>
              <CaseSummary c={detail.case} stageName={stageName} />
            </Card>
            {detail.facts && (
              <Card title="办理依据" size="small">
                <TaskFactsView facts={detail.facts} />
              </Card>
            )}
            {showForm && (
              <Card title={detail.form!.schema.title ?? '办理意见'}>
                {detail.meeting && (
                  <Typography.Paragraph type="secondary">
                    {detail.meeting.orgName}{detail.meeting.bodyName}应到会 {detail.meeting.roster.length} 人（{detail.meeting.on} 的班子成员；按会议日期的名单核对）。到会须超过应到会人数的半数，赞成票须超过应到会人数的半数。
                  </Typography.Paragraph>
                )}
                <Form form={form} layout="vertical" scrollToFirstError>
                  <SchemaFields
                    schema={detail.form!.schema}
                    orgId={task.orgId}
                    options={detail.meeting ? { attendees: detail.meeting.roster.map((m) => ({ value: m.id, label: m.role ? `${m.name}（${m.role}）` : m.name })) } : {}}
                  />
                </Form>
              </Card>
            )}
            {open && (
              <Card size="small">
                {actions.length ? (
                  <Space wrap>
                    {actions.map((a) => (
                      <Button
                        key={a}
                        type={a === 'approve' || a === 'forward' ? 'primary' : 'default'}
                        danger={a === 'reject'}
                        loading={busy === a}
                        disabled={busy !== null && busy !== a}
                        onClick={() => (NEEDS_DIALOG.has(a) ? setDialog({ action: a }) : void send(a))}
                      >
                        {actionNames[a] ?? a}
                      </Button>
                    ))}
                  </Space>
                ) : (
                  <Typography.Text type="secondary">您当前没有可执行的操作（可能已办理，或等待他人办理）。</Typography.Text>
                )}
              </Card>
            )}
          </Space>
        </Col>
        <Col xs={24} lg={9}>
          <Card title="全程纪实">
            <RecordTimeline record={detail.record} />
          </Card>
        </Col>
      </Row>
      <Modal
        open={dialog !== null}
        title={dialog ? actionNames[dialog.action] : ''}
        okText="确定"
        cancelText="取消"
        confirmLoading={busy !== null}
        onCancel={() => setDialog(null)}
        onOk={async () => {
          if (!dialog) return;
          const v = (await dialogForm.validateFields()) as { comment?: string; to?: string | string[] };
          const to = v.to === undefined ? undefined : (Array.isArray(v.to) ? v.to : [v.to]).map((userId) => ({ userId }));
          await send(dialog.action, { comment: v.comment?.trim() || undefined, to });
        }}
        destroyOnHidden
      >
        <Form form={dialogForm} name="taskAction" layout="vertical" preserve={false}>
          {dialog && ['transfer', 'add_signer', 'cc'].includes(dialog.action) && (
            <Form.Item name="to" label={dialog.action === 'cc' ? '抄送给' : dialog.action === 'transfer' ? '转办给' : '加签人'} rules={[{ required: true, message: '请选择人员' }]}>
              <UserPicker multiple={dialog.action === 'cc'} />
            </Form.Item>
          )}
          <Form.Item
            name="comment"
            label={dialog?.action === 'comment' ? '评论' : '理由'}
            rules={dialog && NEEDS_COMMENT.has(dialog.action) ? [{ required: true, whitespace: true, message: '请填写理由' }] : []}
          >
            <Input.TextArea autoSize={{ minRows: 3 }} maxLength={2000} showCount />
          </Form.Item>
        </Form>
      </Modal>
    </Space>
  );
}
