import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Select, Space, Table, Tag, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { api } from '../../api';

type Member = { roleId: string; personId: string; name: string; role: string; roleName: string; startOn: string; endOn: string | null; status: string };
type Committee = { orgId: string; on: string; posts: { role: string; name: string }[]; committee: Member[]; members: { personId: string; name: string; status: string }[] };
type Person = { id: string; name: string; status: string; branchName: string };

/** 班子成员: the committee of a unit (书记, 副书记, 委员; a 党小组's 组长) on a date, appointments and their end. */
export function CommitteeCard({ orgId, active }: { orgId: string; active: boolean }) {
  const { message } = App.useApp();
  const [on, setOn] = useState<Dayjs>(dayjs());
  const [data, setData] = useState<Committee | null>(null);
  const [appointing, setAppointing] = useState(false);
  const [ending, setEnding] = useState<Member | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const [people, setPeople] = useState<Person[]>([]);
  const [form] = Form.useForm();

  const load = useCallback(() => {
    api
      .get<Committee>(`/api/admin/orgs/${encodeURIComponent(orgId)}/committee`, { on: on.format('YYYY-MM-DD') })
      .then(setData)
      .catch((e: Error) => message.error(e.message));
  }, [orgId, on, message]);
  useEffect(load, [load]);

  const search = (q?: string) => {
    api
      .get<{ items: Person[] }>('/api/admin/people', { orgId, q: q || undefined, limit: 30 })
      .then((r) => setPeople(r.items))
      .catch((e: Error) => message.error(e.message));
  };

  const submit = async () => {
    const v = (await form.validateFields()) as { personId?: string; role?: string; date: Dayjs; reason: string };
    setSaving(true);
    setError(null);
    try {
      if (ending) await api.post(`/api/admin/orgs/${encodeURIComponent(orgId)}/committee/${ending.roleId}/end`, { endOn: v.date.format('YYYY-MM-DD'), reason: v.reason.trim() });
      else await api.post(`/api/admin/orgs/${encodeURIComponent(orgId)}/committee`, { personId: v.personId, role: v.role, startOn: v.date.format('YYYY-MM-DD'), reason: v.reason.trim() });
      message.success(ending ? '已免去职务' : '已任职');
      setAppointing(false);
      setEnding(null);
      load();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setSaving(false);
    }
  };

  const openModal = (member: Member | null) => {
    form.resetFields();
    form.setFieldsValue({ date: dayjs() });
    setError(null);
    if (member) setEnding(member);
    else {
      setAppointing(true);
      search();
    }
  };

  return (
    <>
      <Table<Member>
        size="small"
        rowKey="roleId"
        pagination={false}
        dataSource={data?.committee ?? []}
        title={() => (
          <Space wrap>
            <Typography.Text strong>班子成员</Typography.Text>
            <DatePicker size="small" value={on} onChange={(d) => d && setOn(d)} allowClear={false} />
            <Button size="small" disabled={!active || !data?.posts.length} onClick={() => openModal(null)} data-testid="appoint">
              任职
            </Button>
          </Space>
        )}
        locale={{ emptyText: '该日无班子成员记录' }}
        columns={[
          { title: '职务', dataIndex: 'roleName', width: 100 },
          { title: '姓名', dataIndex: 'name' },
          { title: '任职日期', dataIndex: 'startOn', width: 110 },
          { title: '', dataIndex: 'status', width: 80, render: (s: string) => (s === 'full' ? null : <Tag color="orange">预备党员</Tag>) },
          {
            title: '',
            width: 80,
            render: (_, m) => (
              <Button size="small" type="link" disabled={!active} onClick={() => openModal(m)}>
                免职
              </Button>
            ),
          },
        ]}
      />
      {!!data?.members.length && (
        <Typography.Paragraph type="secondary" style={{ marginTop: 8 }}>
          党员 {data.members.length} 名（正式党员 {data.members.filter((m) => m.status === 'full').length} 名）
        </Typography.Paragraph>
      )}
      <Modal title={ending ? `免去 ${ending.name} 的${ending.roleName}职务` : '任职'} open={appointing || !!ending} onCancel={() => (setAppointing(false), setEnding(null))} onOk={() => void submit()} confirmLoading={saving} okText="确定" cancelText="取消" destroyOnHidden>
        {error && <Alert type="error" showIcon message={error} style={{ marginBottom: 12 }} />}
        <Form form={form} layout="vertical">
          {!ending && (
            <>
              <Form.Item name="personId" label="党员" extra="须为正式党员（党章第七条：预备党员没有被选举权）" rules={[{ required: true, message: '请选择党员' }]}>
                <Select showSearch filterOption={false} onSearch={search} options={people.map((p) => ({ value: p.id, label: `${p.name}（${p.branchName}${p.status === 'full' ? '' : '，预备党员'}）` }))} placeholder="输入姓名查找" />
              </Form.Item>
              <Form.Item name="role" label="职务" rules={[{ required: true, message: '请选择职务' }]}>
                <Select options={(data?.posts ?? []).map((p) => ({ value: p.role, label: p.name }))} />
              </Form.Item>
            </>
          )}
          <Form.Item name="date" label={ending ? '免职日期（自该日起不再担任）' : '任职日期'} rules={[{ required: true, message: '请选择日期' }]}>
            <DatePicker style={{ width: '100%' }} disabledDate={(d) => d.isAfter(dayjs(), 'day')} />
          </Form.Item>
          <Form.Item name="reason" label="依据（选举结果、任免文件）" rules={[{ required: true, whitespace: true, min: 2, max: 500, message: '请填写依据（2–500 字）' }]}>
            <Input.TextArea rows={2} />
          </Form.Item>
        </Form>
      </Modal>
    </>
  );
}
