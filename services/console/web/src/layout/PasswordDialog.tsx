import { useState } from 'react';
import { Alert, App, Form, Input, Modal } from 'antd';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';

/**
 * 修改密码: the current password and a new one (≥ 10 characters); the user's other sessions end.
 * `forced`: the account holds an administrator's one-time password, and nothing else works until it is changed.
 */
export function PasswordDialog(props: { open: boolean; onClose: () => void; forced?: boolean }) {
  const { reload } = useAuth();
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string; repeat: string }>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();

  const submit = async () => {
    const values = await form.validateFields();
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<{ endedSessions: number }>('/api/auth/password', { currentPassword: values.currentPassword, newPassword: values.newPassword });
      message.success(res.endedSessions > 0 ? `密码已修改，其他 ${res.endedSessions} 处登录已退出` : '密码已修改');
      form.resetFields();
      await reload().catch(() => {});
      props.onClose();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '无法连接服务器，请稍后重试。');
    } finally {
      setBusy(false);
    }
  };

  return (
    <Modal
      open={props.open}
      title={props.forced ? '请先修改临时密码' : '修改密码'}
      okText="确定"
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={props.onClose}
      closable={!props.forced}
      mask={{ closable: !props.forced }}
      keyboard={!props.forced}
      cancelButtonProps={props.forced ? { style: { display: 'none' } } : {}}
      forceRender
    >
      {props.forced && <Alert type="warning" showIcon title="您正在使用管理员设置的临时密码。请输入该临时密码，并设置只有您自己知道的新密码（至少 10 个字符）后继续。" style={{ marginBottom: 16 }} />}
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="password-error" />}
      <Form form={form} layout="vertical">
        <Form.Item name="currentPassword" label="当前密码" rules={[{ required: true, message: '请输入当前密码' }]}>
          <Input.Password autoComplete="current-password" />
        </Form.Item>
        <Form.Item name="newPassword" label="新密码" rules={[{ required: true, min: 10, message: '新密码至少 10 个字符' }]}>
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        <Form.Item
          name="repeat"
          label="确认新密码"
          dependencies={['newPassword']}
          rules={[{ required: true, message: '请再次输入新密码' }, ({ getFieldValue }) => ({ validator: (_rule, value) => (value === getFieldValue('newPassword') ? Promise.resolve() : Promise.reject(new Error('两次输入的新密码不一致'))) })]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
