import { useState } from 'react';
import { useNavigate } from 'react-router';
import { Alert, App, Button, Card, Empty, Form, Select, Spin } from 'antd';
import { api, ApiError } from '../api';
import { SchemaFields, schemaFormValue } from '../components/SchemaForm';
import { useStartableCaseTypes } from '../hooks';
import type { CaseSnapshot } from '../types';

/** 发起事项: every type this user may start, with its form generated from the contract's schema. */
export function StartCasePage() {
  const { types, loading, error } = useStartableCaseTypes();
  const navigate = useNavigate();
  const { message } = App.useApp();
  const [type, setType] = useState<string | undefined>();
  const [orgId, setOrgId] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [form] = Form.useForm();
  const chosen = types.find((t) => t.type === type);

  if (loading) return <Spin style={{ display: 'block', margin: 80 }} />;
  if (error || !types.length) return <Card><Empty description={error ?? '您暂无可发起的事项'} /></Card>;

  const submit = async () => {
    if (!chosen || !orgId) return;
    let input: Record<string, unknown>;
    try {
      input = await schemaFormValue(form, chosen.startForm);
    } catch {
      return;
    }
    setBusy(true);
    setRefusal(null);
    try {
      const snapshot = await api.postOnce<CaseSnapshot>('/api/cases', { type: chosen.type, orgId, input });
      message.success('已发起');
      navigate(`/cases/${snapshot.caseId}`);
    } catch (e) {
      // The refusal names the rule (e.g. 申请人须年满18周岁), kept on the page next to the field it concerns.
      setRefusal((e as Error).message);
      if (e instanceof ApiError && e.fields.length) form.setFields(e.fields.map((f) => ({ name: f.path.map((p) => (/^\d+$/.test(p) ? Number(p) : p)), errors: [f.message] })));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card title="发起事项" style={{ maxWidth: 880 }}>
      {refusal && <Alert type="error" showIcon title={refusal} data-testid="action-error" style={{ marginBottom: 16 }} closable onClose={() => setRefusal(null)} />}
      <Form layout="vertical">
        <Form.Item label="流程类型" required>
          <Select
            placeholder="请选择"
            value={type}
            onChange={(t: string) => {
              setType(t);
              const next = types.find((x) => x.type === t);
              setOrgId(next?.orgs.length === 1 ? next.orgs[0]!.id : undefined);
              form.resetFields();
            }}
            options={types.map((t) => ({ value: t.type, label: t.name }))}
          />
        </Form.Item>
        {chosen && (
          <Form.Item label="所属组织" required>
            <Select placeholder="请选择" value={orgId} onChange={setOrgId} options={chosen.orgs.map((o) => ({ value: o.id, label: o.name }))} />
          </Form.Item>
        )}
      </Form>
      {chosen && (
        <Form form={form} layout="vertical" key={chosen.type} scrollToFirstError>
          <SchemaFields schema={chosen.startForm} orgId={orgId} />
          <Button type="primary" onClick={() => void submit()} loading={busy} disabled={!orgId}>
            提交
          </Button>
        </Form>
      )}
    </Card>
  );
}
