import { useState } from 'react';
import { Alert, App, Form, Input, Modal, QRCode, Space, Steps, Typography } from 'antd';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';

/**
 * 两步验证: turn on (password → scan the QR code with an authenticator app, e.g. 微信小程序「腾讯身份验证器」
 * or any TOTP app → the first 6-digit code), or turn off (password and a current code).
 */
export function TwoStepDialog(props: { open: boolean; onClose: () => void }) {
  const { user, reload } = useAuth();
  const enabled = user?.twoStep?.enabled ?? false;
  const [form] = Form.useForm<{ currentPassword?: string; code?: string }>();
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();

  const close = () => {
    form.resetFields();
    setSetup(null);
    setError(null);
    props.onClose();
  };

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      if (enabled) {
        await api.post('/api/me/two-step/disable', { currentPassword: values.currentPassword, code: values.code?.trim() });
        message.success('两步验证已关闭');
        await reload();
        close();
      } else if (!setup) {
        setSetup(await api.post<{ secret: string; otpauthUri: string }>('/api/me/two-step/setup', { currentPassword: values.currentPassword }));
      } else {
        await api.post('/api/me/two-step/confirm', { code: values.code?.trim() });
        message.success('两步验证已启用：以后登录时须输入动态验证码');
        await reload();
        close();
      }
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '无法连接服务器，请稍后重试。');
    } finally {
      setBusy(false);
    }
  };

  const codeItem = (
    <Form.Item name="code" label="动态验证码" rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: '请输入6位数字验证码' }]}>
      <Input autoComplete="one-time-code" inputMode="numeric" maxLength={6} placeholder="身份验证器上当前显示的6位数字" data-testid="two-step-code" />
    </Form.Item>
  );

  return (
    <Modal open={props.open} title="两步验证" okText={enabled ? '关闭两步验证' : setup ? '启用' : '下一步'} cancelText="取消" confirmLoading={busy} onOk={() => void submit()} onCancel={close} destroyOnHidden>
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="two-step-error" />}
      {!enabled && <Steps size="small" current={setup ? 1 : 0} items={[{ title: '验证密码' }, { title: '扫码并输入验证码' }]} style={{ marginBottom: 16 }} />}
      <Form form={form} name="two-step" layout="vertical" requiredMark={false}>
        {(!setup || enabled) && (
          <Form.Item name="currentPassword" label="当前密码" rules={[{ required: true, message: '请输入当前密码' }]}>
            <Input.Password autoComplete="current-password" />
          </Form.Item>
        )}
        {setup && !enabled && (
          <Space direction="vertical" style={{ width: '100%', marginBottom: 12 }}>
            <Typography.Text>用手机上的身份验证器扫描二维码（无法扫码时手动输入密钥），再输入它显示的6位数字。</Typography.Text>
            <QRCode value={setup.otpauthUri} size={176} style={{ margin: '0 auto' }} />
            <Typography.Text copyable code data-testid="two-step-secret">
              {setup.secret}
            </Typography.Text>
          </Space>
        )}
        {(setup || enabled) && codeItem}
      </Form>
    </Modal>
  );
}
