import { useCallback, useEffect, useState } from 'react';
import { UploadOutlined } from '@ant-design/icons';
import { Alert, App, Button, Card, DatePicker, Form, Input, Modal, Radio, Space, Table, Tag, TreeSelect, Typography, Upload } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api, download } from '../../api';
import { orgTypeNames } from '../../labels';

type Person = { id: string; name: string; gender: string; birthDate: string; joinedOn: string; fullOn: string | null; status: string; phone: string | null; branchId: string; branchName: string; groupId: string | null; groupName: string | null; hasAccount: boolean };
type Report = { dryRun: boolean; applied: boolean; rows: number; created: number; updated: number; unchanged: number; errors: { row: number; messages: string[] }[]; warnings: string[] };

const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
/** The body limit of the services (1 MiB): a county of about 10,000 members fits. */
const MAX_FILE_BYTES = 1024 * 1024;
type Unit = { id: string; name: string; type: string; status: string; childCount: number };
type PickNode = { id: string; pId: string | null; value: string; title: string; isLeaf: boolean; disabled?: boolean; type: string };

const typeName = (t: string) => ({ ...orgTypeNames, group: '党小组' })[t] ?? t;

/** The administrator's subtree as lazy tree-select nodes. */
function useUnitPicker() {
  const { message } = App.useApp();
  const [nodes, setNodes] = useState<PickNode[]>([]);
  const load = useCallback(
    async (parentId?: string) => {
      try {
        const r = await api.get<{ items: Unit[] }>('/api/admin/orgs', parentId ? { parentId } : {});
        setNodes((prev) => [
          ...prev,
          ...r.items.filter((u) => !prev.some((p) => p.id === u.id)).map((u) => ({ id: u.id, pId: parentId ?? null, value: u.id, title: `${u.name}（${typeName(u.type)}）`, isLeaf: u.childCount === 0, disabled: u.status !== 'active', type: u.type })),
        ]);
      } catch (e) {
        message.error((e as Error).message);
      }
    },
    [message],
  );
  useEffect(() => void load(), [load]);
  return { nodes, load };
}

/** 党员花名册: the roster of a unit's subtree, registration, 组织关系转接, the full phone number on request. */
export default function PeoplePage() {
  const { message } = App.useApp();
  const picker = useUnitPicker();
  const [orgId, setOrgId] = useState<string | undefined>();
  const [q, setQ] = useState('');
  const [items, setItems] = useState<Person[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const [phones, setPhones] = useState<Record<string, string | null>>({});
  const [modal, setModal] = useState<'add' | Person | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm();
  const [importing, setImporting] = useState(false);
  const [file, setFile] = useState<File | null>(null);
  const [report, setReport] = useState<Report | null>(null);

  const runImport = async (dryRun: boolean) => {
    if (!file) return;
    setSaving(true);
    try {
      // The file as it is (xlsx, or CSV in UTF-8 or the GB18030 Excel writes on Chinese Windows): the service reads both.
      const type = /\.xlsx$/i.test(file.name) ? XLSX_TYPE : 'text/csv';
      const r = await api.upload<Report>('/api/admin/people/import-file', file, type, { dryRun });
      setReport(r);
      if (r.applied) {
        message.success(`已导入：新增 ${r.created} 人，更新 ${r.updated} 人，未变 ${r.unchanged} 人`);
        load();
      }
    } catch (e) {
      message.error((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const load = useCallback(
    (after?: string) => {
      setLoading(true);
      api
        .get<{ items: Person[]; nextCursor: string | null }>('/api/admin/people', { orgId, q: q.trim() || undefined, limit: 50, cursor: after })
        .then((r) => {
          setItems((prev) => (after ? [...prev, ...r.items] : r.items));
          setCursor(r.nextCursor);
        })
        .catch((e: Error) => message.error(e.message))
        .finally(() => setLoading(false));
    },
    [orgId, q, message],
  );
  useEffect(() => load(), [load]);

  const showPhone = (p: Person) => {
    api
      .get<{ phone: string | null }>(`/api/admin/people/${p.id}/phone`)
      .then((r) => setPhones((prev) => ({ ...prev, [p.id]: r.phone })))
      .catch((e: Error) => message.error(e.message));
  };

  const open = (m: 'add' | Person) => {
    form.resetFields();
    form.setFieldsValue(m === 'add' ? { gender: 'male', branchId: picker.nodes.find((n) => n.id === orgId && n.type === 'branch')?.id } : { on: dayjs() });
    setError(null);
    setModal(m);
  };

  const submit = async () => {
    const v = (await form.validateFields()) as Record<string, unknown>;
    const d = (k: string) => (v[k] ? (v[k] as Dayjs).format('YYYY-MM-DD') : undefined);
    setSaving(true);
    setError(null);
    try {
      if (modal === 'add') {
        await api.post('/api/admin/people', {
          name: String(v.name).trim(),
          gender: v.gender,
          birthDate: d('birthDate'),
          joinedOn: d('joinedOn'),
          fullOn: d('fullOn') ?? null,
          ...(v.phone ? { phone: String(v.phone).trim() } : {}),
          branchId: v.branchId,
          startOn: d('startOn'),
        });
        message.success('已登记');
      } else if (modal) {
        await api.post(`/api/admin/people/${modal.id}/transfer`, { branchId: v.branchId, on: d('on'), reason: String(v.reason).trim() });
        message.success('组织关系已转接');
      }
      setModal(null);
      load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const branchPicker = (
    <TreeSelect treeDataSimpleMode treeData={picker.nodes.map((n) => ({ ...n, disabled: n.disabled || n.type !== 'branch', selectable: n.type === 'branch' }))} loadData={(n) => picker.load(String(n.value))} placeholder="选择党支部" />
  );

  return (
    <Space direction="vertical" size="middle" style={{ width: '100%' }}>
      <Typography.Title level={4} style={{ margin: 0 }}>
        党员花名册
      </Typography.Title>
      <Card size="small">
        <Space wrap style={{ marginBottom: 12 }}>
          <TreeSelect style={{ width: 280 }} allowClear treeDataSimpleMode treeData={picker.nodes} loadData={(n) => picker.load(String(n.value))} value={orgId} onChange={(v) => setOrgId(v ?? undefined)} placeholder="全部（我管理的范围）" data-testid="roster-org" />
          <Input.Search allowClear placeholder="按姓名查找" onSearch={setQ} style={{ width: 200 }} />
          <Button type="primary" onClick={() => open('add')}>
            登记党员
          </Button>
          <Button
            onClick={() => {
              setFile(null);
              setReport(null);
              setImporting(true);
            }}
          >
            导入花名册
          </Button>
          <Button disabled={!orgId} onClick={() => void download('/api/admin/people/export.xlsx', { orgId }, `党员花名册-${orgId}.xlsx`).catch((e: Error) => message.error(e.message))}>
            导出
          </Button>
        </Space>
        <Table<Person>
          size="small"
          rowKey="id"
          loading={loading}
          pagination={false}
          dataSource={items}
          columns={[
            { title: '姓名', dataIndex: 'name', width: 100 },
            { title: '性别', dataIndex: 'gender', width: 60, render: (g: string) => (g === 'male' ? '男' : '女') },
            { title: '出生日期', dataIndex: 'birthDate', width: 110 },
            { title: '入党日期', dataIndex: 'joinedOn', width: 110 },
            { title: '类别', dataIndex: 'status', width: 90, render: (s: string) => (s === 'full' ? <Tag color="red">正式党员</Tag> : <Tag color="orange">预备党员</Tag>) },
            { title: '所在支部', render: (_, p) => `${p.branchName}${p.groupName ? ` · ${p.groupName}` : ''}` },
            {
              title: '联系电话',
              width: 210,
              render: (_, p) =>
                p.id in phones ? (
                  phones[p.id]
                ) : (
                  <Space size={4}>
                    {p.phone ?? '—'}
                    {p.phone && (
                      // The full number is decrypted by the identity service and every view is audited (person.view-phone).
                      <Button size="small" type="link" onClick={() => showPhone(p)} data-testid={`show-phone-${p.id}`}>
                        显示完整号码
                      </Button>
                    )}
                  </Space>
                ),
            },
            {
              title: '',
              width: 80,
              render: (_, p) => (
                <Button size="small" type="link" onClick={() => open(p)}>
                  转接
                </Button>
              ),
            },
          ]}
        />
        {cursor && (
          <Button style={{ marginTop: 12 }} onClick={() => load(cursor)} loading={loading}>
            加载更多
          </Button>
        )}
        <Typography.Paragraph type="secondary" style={{ marginTop: 12, marginBottom: 0 }}>
          联系电话默认隐去中间数字；查看完整号码将记入审计日志。
        </Typography.Paragraph>
      </Card>

      <Modal
        title="导入党员花名册"
        open={importing}
        onCancel={() => setImporting(false)}
        width={720}
        footer={[
          <Button key="template" style={{ float: 'left' }} onClick={() => void download('/api/admin/people/template.xlsx', {}, '党员花名册模板.xlsx').catch((e: Error) => message.error(e.message))}>
            下载模板
          </Button>,
          <Button key="dry" disabled={!file} loading={saving} onClick={() => void runImport(true)}>
            预检
          </Button>,
          <Button key="go" type="primary" disabled={!file || !report || report.errors.length > 0 || report.applied} loading={saving} onClick={() => void runImport(false)}>
            导入
          </Button>,
        ]}
      >
        <Typography.Paragraph type="secondary">
          选择 Excel（.xlsx）或 CSV 文件，不超过 1 MB（约 1 万名党员）。表头须包含：姓名，性别，出生日期，入党日期，转正日期，党支部编码；可选：党小组编码，联系电话。列的顺序不限，常见列名（如 名字、出生年月、入党时间、手机号码、所在党支部）也能识别；日期可写作 2024-05-01、2024/5/1 或 2024年5月1日。格式见“下载模板”中的“填写说明”。按姓名和出生日期识别已有党员；先“预检”，任何一行有误则整份文件不导入。
        </Typography.Paragraph>
        <Space>
          <Upload
            accept=".xlsx,.csv,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            maxCount={1}
            showUploadList={false}
            beforeUpload={(picked) => {
              setReport(null);
              if (picked.size > MAX_FILE_BYTES) {
                message.error('文件超过 1 MB，请拆分后分批导入');
                setFile(null);
              } else setFile(picked);
              // Nothing is sent until 预检 or 导入.
              return false;
            }}
          >
            <Button icon={<UploadOutlined />}>选择文件</Button>
          </Upload>
          <Typography.Text data-testid="import-file-name">{file ? file.name : '未选择文件'}</Typography.Text>
        </Space>
        {report && (
          <div style={{ marginTop: 16 }}>
            <Alert
              type={report.errors.length ? 'error' : report.applied ? 'success' : 'info'}
              showIcon
              message={
                report.errors.length
                  ? `共 ${report.rows} 行，${report.errors.length} 行有误，未导入任何数据`
                  : `${report.applied ? '已导入' : '预检通过'}：共 ${report.rows} 行，新增 ${report.created} 人，更新 ${report.updated} 人，未变 ${report.unchanged} 人`
              }
              data-testid="import-result"
            />
            {report.warnings.length > 0 && (
              <Alert style={{ marginTop: 12 }} type="warning" showIcon message="提示" description={report.warnings.map((w) => <div key={w}>{w}</div>)} data-testid="import-warnings" />
            )}
            {report.errors.length > 0 && (
              <Table
                size="small"
                rowKey="row"
                style={{ marginTop: 12 }}
                pagination={{ pageSize: 10 }}
                dataSource={report.errors}
                data-testid="import-errors"
                columns={[
                  { title: '行号', dataIndex: 'row', width: 70 },
                  { title: '问题', dataIndex: 'messages', render: (m: string[]) => m.join('；') },
                ]}
              />
            )}
          </div>
        )}
      </Modal>

      <Modal title={modal === 'add' ? '登记党员' : modal ? `组织关系转接：${modal.name}` : ''} open={!!modal} onCancel={() => setModal(null)} onOk={() => void submit()} confirmLoading={saving} okText="确定" cancelText="取消" destroyOnHidden>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          {modal === 'add' ? (
            <>
              <Form.Item name="name" label="姓名" rules={[{ required: true, whitespace: true, min: 2, max: 32, message: '请输入姓名' }]}>
                <Input />
              </Form.Item>
              <Form.Item name="gender" label="性别">
                <Radio.Group options={[{ value: 'male', label: '男' }, { value: 'female', label: '女' }]} />
              </Form.Item>
              <Form.Item name="birthDate" label="出生日期" rules={[{ required: true, message: '请选择出生日期' }]}>
                <DatePicker style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item name="joinedOn" label="入党日期" rules={[{ required: true, message: '请选择入党日期' }]}>
                <DatePicker style={{ width: '100%' }} disabledDate={(x) => x.isAfter(dayjs(), 'day')} />
              </Form.Item>
              <Form.Item name="fullOn" label="转正日期（预备党员不填）">
                <DatePicker style={{ width: '100%' }} disabledDate={(x) => x.isAfter(dayjs(), 'day')} />
              </Form.Item>
              <Form.Item name="phone" label="联系电话" rules={[{ pattern: /^1[3-9]\d{9}$|^0\d{2,3}-?\d{7,8}$/, message: '请输入手机号或固定电话' }]}>
                <Input />
              </Form.Item>
              <Form.Item name="branchId" label="所在党支部" rules={[{ required: true, message: '请选择党支部' }]}>
                {branchPicker}
              </Form.Item>
              <Form.Item name="startOn" label="编入支部日期" rules={[{ required: true, message: '请选择日期' }]}>
                <DatePicker style={{ width: '100%' }} disabledDate={(x) => x.isAfter(dayjs(), 'day')} />
              </Form.Item>
            </>
          ) : (
            <>
              <Form.Item name="branchId" label="转入党支部" rules={[{ required: true, message: '请选择转入的党支部' }]}>
                {branchPicker}
              </Form.Item>
              <Form.Item name="on" label="转入日期" rules={[{ required: true, message: '请选择日期' }]}>
                <DatePicker style={{ width: '100%' }} disabledDate={(x) => x.isAfter(dayjs(), 'day')} />
              </Form.Item>
              <Form.Item name="reason" label="原因（如工作调动、介绍信编号）" rules={[{ required: true, whitespace: true, min: 2, max: 500, message: '请填写原因' }]}>
                <Input.TextArea rows={2} />
              </Form.Item>
            </>
          )}
        </Form>
      </Modal>
    </Space>
  );
}
