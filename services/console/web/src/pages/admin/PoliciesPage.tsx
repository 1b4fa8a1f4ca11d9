import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router';
import { App, Button, Calendar, Card, Drawer, Form, Input, Modal, Radio, Space, Table, Tabs, Tag, Timeline, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../api';
import { SchemaFields, schemaFormValue } from '../../components/SchemaForm';
import { formatTime } from '../../labels';
import { CalendarWarnings, useCalendarCoverage, type CalendarCoverage } from '../../components/CalendarWarnings';
import type { JsonSchema } from '../../types';

/** `schema` is null (and `editable` false) for a policy a process uses before it has described it. */
type Policy = { key: string; name: string; value: unknown; schema: JsonSchema | null; editable?: boolean; updatedAt: string | null; updatedBy: string | null };
type EditablePolicy = Policy & { schema: JsonSchema };
type PolicyChange = { value: unknown; previous: unknown; reason: string; changedBy: string; changedAt: string };

const scalar = (v: unknown) => (typeof v === 'boolean' ? (v ? '是' : '否') : typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v));
/** An object value as "label：value" pairs, using the titles of its schema; a list by its items' labels. */
function show(v: unknown, schema?: JsonSchema): string {
  if (Array.isArray(v)) return `${v.length} 项：${v.map((x) => (x && typeof x === 'object' ? String((x as Record<string, unknown>).label ?? (x as Record<string, unknown>).name ?? JSON.stringify(x)) : scalar(x))).join('、')}`;
  if (typeof v !== 'object' || v === null) return scalar(v);
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${schema?.properties?.[k]?.title ?? k}：${scalar(x)}`)
    .join('；');
}
/** Whether SchemaFields can render it (no oneOf / anyOf alternatives). */
const renderable = (s: JsonSchema): boolean =>
  !('oneOf' in s) && !s.anyOf && Object.values(s.properties ?? {}).every(renderable) && (!s.items || renderable(s.items));
/** An object policy is edited field by field; a scalar as one field "value"; anything else as JSON text. */
const formSchema = (s: JsonSchema): JsonSchema =>
  s.type === 'object' && renderable(s)
    ? s
    : renderable(s) && s.type !== 'array'
      ? { type: 'object', properties: { value: { ...s, title: s.title ?? '取值' } }, required: ['value'] }
      : { type: 'object', properties: { json: { type: 'string', title: `${s.title ?? '取值'}（JSON）`, maxLength: 100000 } }, required: ['json'] };
const initialValues = (p: EditablePolicy) => (p.schema.type === 'object' && renderable(p.schema) ? (p.value as object) : renderable(p.schema) && p.schema.type !== 'array' ? { value: p.value } : { json: JSON.stringify(p.value, null, 2) });

function PoliciesTab() {
  const { message } = App.useApp();
  const [items, setItems] = useState<Policy[]>([]);
  const [loading, setLoading] = useState(true);
  const [editing, setEditing] = useState<EditablePolicy | null>(null);
  const [history, setHistory] = useState<{ policy: Policy; items: PolicyChange[] } | null>(null);
  const [form] = Form.useForm();

  const load = useCallback(() => {
    setLoading(true);
    api
      .get<{ items: Policy[] }>('/api/policies')
      .then((r) => setItems(r.items))
      .catch((e: Error) => message.error(e.message))
      .finally(() => setLoading(false));
  }, [message]);
  useEffect(load, [load]);

  const save = async () => {
    if (!editing) return;
    const schema = formSchema(editing.schema);
    const v = await schemaFormValue(form, { ...schema, properties: { ...schema.properties, reason: { type: 'string', minLength: 1, maxLength: 500 } }, required: [...(schema.required ?? []), 'reason'] });
    const { reason, ...rest } = v;
    let value: unknown = 'json' in rest ? undefined : 'value' in rest && !(editing.schema.type === 'object') ? rest.value : rest;
    if ('json' in rest) {
      try {
        value = JSON.parse(String(rest.json));
      } catch {
        message.error('JSON 格式不正确');
        return;
      }
    }
    try {
      await api.put(`/api/policies/${encodeURIComponent(editing.key)}`, { value, reason });
      message.success('已保存，对此后开启的环节生效');
      setEditing(null);
      load();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <>
      <Table<Policy>
        rowKey="key"
        size="middle"
        loading={loading}
        dataSource={items}
        pagination={false}
        tableLayout="fixed"
        columns={[
          { title: '策略', dataIndex: 'name', width: 340, render: (n: string, p) => <span>{n}<br /><Typography.Text type="secondary" style={{ fontSize: 12 }}>{p.key}</Typography.Text></span> },
          {
            title: '取值',
            dataIndex: 'value',
            render: (v: unknown, p) => (
              <Typography.Paragraph ellipsis={{ rows: 2, tooltip: show(v, p.schema ?? undefined) }} style={{ marginBottom: 0 }}>
                {show(v, p.schema ?? undefined)}
              </Typography.Paragraph>
            ),
          },
          { title: '修改时间', dataIndex: 'updatedAt', width: 150, render: (d: string | null) => (d ? formatTime(d) : <Typography.Text type="secondary">默认值</Typography.Text>) },
          { title: '修改人', dataIndex: 'updatedBy', width: 110, render: (u: string | null) => u ?? '—' },
          {
            title: '操作',
            key: 'ops',
            width: 190,
            render: (_: unknown, p) => (
              <>
                {p.schema && p.editable !== false ? (
                  <Button
                    type="link"
                    onClick={() => {
                      const editable = { ...p, schema: p.schema! };
                      form.resetFields();
                      form.setFieldsValue(initialValues(editable));
                      setEditing(editable);
                    }}
                  >
                    修改
                  </Button>
                ) : (
                  <Tag>只读</Tag>
                )}
                <Button type="link" onClick={() => api.get<{ items: PolicyChange[] }>(`/api/policies/${encodeURIComponent(p.key)}/history`).then((r) => setHistory({ policy: p, items: r.items })).catch((e: Error) => message.error(e.message))}>
                  变更记录
                </Button>
              </>
            ),
          },
        ]}
      />
      <Modal open={editing !== null} title={`修改：${editing?.name ?? ''}`} okText="保存" cancelText="取消" onCancel={() => setEditing(null)} onOk={save} forceRender>
        <Form form={form} name="policy" layout="vertical">
          {editing?.schema.description && <Typography.Paragraph type="secondary">{editing.schema.description}</Typography.Paragraph>}
          {editing && <SchemaFields schema={formSchema(editing.schema)} />}
          <Form.Item name="reason" label="修改理由" rules={[{ required: true, whitespace: true, message: '请填写修改理由（将记录在案）' }]}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} />
          </Form.Item>
          <Typography.Text type="secondary">修改只影响此后开启的环节，已开启环节的期限不变。</Typography.Text>
        </Form>
      </Modal>
      <Drawer open={history !== null} title={`变更记录：${history?.policy.name ?? ''}`} onClose={() => setHistory(null)} size={480}>
        <Timeline
          items={(history?.items ?? []).map((h, i) => ({
            key: i,
            content: (
              <div>
                <div>
                  {show(h.previous, history?.policy.schema ?? undefined)} → <strong>{show(h.value, history?.policy.schema ?? undefined)}</strong>
                </div>
                <Typography.Text type="secondary">
                  {h.changedBy} · {formatTime(h.changedAt)}
                </Typography.Text>
                <div>理由：{h.reason}</div>
              </div>
            ),
          }))}
        />
      </Drawer>
    </>
  );
}

type Day = { date: string; kind: 'holiday' | 'workday'; name: string };
const isWeekend = (d: Dayjs) => d.day() === 0 || d.day() === 6;

function CalendarTab({ initialYear, coverage, onYearPublished }: { initialYear?: number | undefined; coverage: CalendarCoverage | null; onYearPublished: () => void }) {
  const { message } = App.useApp();
  const [month, setMonth] = useState<Dayjs>(() => (initialYear ? dayjs(`${initialYear}-01-01`) : dayjs()));
  const [days, setDays] = useState<Map<string, Day>>(new Map());
  const [editing, setEditing] = useState<Dayjs | null>(null);
  const [confirming, setConfirming] = useState(false);
  const [form] = Form.useForm<{ kind: 'holiday' | 'workday'; name?: string; reason: string }>();
  const [confirmForm] = Form.useForm<{ source: string }>();
  const year = month.year();
  const published = coverage?.publishedYears.includes(year);

  // A year not yet confirmed as published still shows the days entered so far.
  const load = useCallback(() => {
    api
      .get<{ days: Day[] }>(`/api/calendar/years/${year}`)
      .then((r) => setDays(new Map(r.days.map((d) => [d.date, d]))))
      .catch(() => setDays(new Map()));
  }, [year]);
  useEffect(load, [load]);

  const confirmPublished = async () => {
    const v = await confirmForm.validateFields();
    try {
      const r = await api.put<{ rescheduled: number }>(`/api/calendar/years/${year}/published`, { source: v.source.trim() });
      // Open steps whose due dates were computed without these holidays are rescheduled in the background (issue 16).
      message.success(`已确认${year}年节假日安排录入完毕${r.rescheduled ? `，${r.rescheduled}项待办的办理期限将按新日历重新计算` : ''}`);
      setConfirming(false);
      onYearPublished();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  const save = async () => {
    if (!editing) return;
    const v = await form.validateFields();
    try {
      await api.put(`/api/calendar/days/${editing.format('YYYY-MM-DD')}`, { kind: v.kind, name: v.name?.trim() || undefined, reason: v.reason.trim() });
      message.success('已保存');
      setEditing(null);
      load();
    } catch (e) {
      message.error((e as Error).message);
    }
  };

  return (
    <>
      <Space style={{ marginBottom: 8 }} wrap>
        {coverage &&
          (published ? (
            <Tag color="green" data-testid="calendar-year-status">{year}年节假日安排已录入</Tag>
          ) : (
            <Tag color="orange" data-testid="calendar-year-status">{year}年节假日安排未录入：按周末推算</Tag>
          ))}
        {coverage && !published && (
          <Button
            size="small"
            onClick={() => {
              confirmForm.resetFields();
              setConfirming(true);
            }}
          >
            确认{year}年节假日已录入
          </Button>
        )}
      </Space>
      <Typography.Paragraph type="secondary">
        红色为法定节假日，蓝色“班”为调休上班日；点击日期可修改（需填写理由，记录在案）。修改只影响此后计算的期限。国务院办公厅每年11—12月发布次年部分节假日安排：逐日录入后，点击“确认已录入”并注明文号。
      </Typography.Paragraph>
      <Calendar
        value={month}
        onPanelChange={(d) => setMonth(d)}
        onSelect={(d, info) => {
          if (info.source !== 'date') {
            setMonth(d);
            return;
          }
          // The API's rule: an extra holiday falls on a weekday, a make-up workday (调休) on a weekend.
          form.setFieldsValue({ kind: isWeekend(d) ? 'workday' : 'holiday', name: days.get(d.format('YYYY-MM-DD'))?.name, reason: '' });
          setEditing(d);
        }}
        cellRender={(d, info) => {
          if (info.type !== 'date') return info.originNode;
          const special = days.get(d.format('YYYY-MM-DD'));
          if (!special) return isWeekend(d) ? <Typography.Text type="secondary">休</Typography.Text> : null;
          return special.kind === 'holiday' ? <Tag color="red">休 {special.name}</Tag> : <Tag color="blue">班 {special.name}</Tag>;
        }}
      />
      <Modal open={confirming} title={`确认${year}年节假日安排已录入`} okText="确认" cancelText="取消" onCancel={() => setConfirming(false)} onOk={confirmPublished} forceRender>
        <Form form={confirmForm} name="calendarYear" layout="vertical">
          <Typography.Paragraph type="secondary">确认后，{year}年的期限按已录入的节假日和调休计算，不再提示。请先在日历上录入元旦、春节、清明、劳动节、端午、中秋、国庆等全部放假和调休日期。</Typography.Paragraph>
          <Form.Item name="source" label="依据（国务院办公厅通知文号）" rules={[{ required: true, whitespace: true, message: '请填写依据' }]}>
            <Input maxLength={200} placeholder={`如：国务院办公厅关于${year}年部分节假日安排的通知`} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={editing !== null} title={`设置 ${editing?.format('YYYY年M月D日') ?? ''}`} okText="保存" cancelText="取消" onCancel={() => setEditing(null)} onOk={save} forceRender>
        <Form form={form} name="calendarDay" layout="vertical">
          <Form.Item name="kind" label="类型" rules={[{ required: true }]}>
            <Radio.Group
              options={[
                { value: 'holiday', label: '节假日（工作日放假）', disabled: !!editing && isWeekend(editing) },
                { value: 'workday', label: '调休上班（周末上班）', disabled: !!editing && !isWeekend(editing) },
              ]}
            />
          </Form.Item>
          <Form.Item name="name" label="名称（如 国庆节）">
            <Input maxLength={40} />
          </Form.Item>
          <Form.Item name="reason" label="修改理由" rules={[{ required: true, whitespace: true, message: '请填写修改理由' }]}>
            <Input.TextArea autoSize={{ minRows: 2 }} maxLength={500} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}

/** 时限与日历 (administrators): time-limit policies and the working-day calendar, every change with a reason. */
export default function PoliciesPage() {
  const [params, setParams] = useSearchParams();
  const [reloadKey, setReloadKey] = useState(0);
  const coverage = useCalendarCoverage(reloadKey);
  const year = Number(params.get('year')) || undefined;
  return (
    <Card title="时限与日历">
      <CalendarWarnings coverage={coverage} />
      <Tabs
        activeKey={params.get('tab') === 'calendar' ? 'calendar' : 'policies'}
        onChange={(tab) => setParams({ tab })}
        items={[
          { key: 'policies', label: '时限策略', children: <PoliciesTab /> },
          { key: 'calendar', label: '工作日历', children: <CalendarTab initialYear={year} coverage={coverage} onYearPublished={() => setReloadKey((k) => k + 1)} /> },
        ]}
      />
    </Card>
  );
}
