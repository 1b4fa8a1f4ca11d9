import { useState } from 'react';
import { Navigate, useLocation, useNavigate } from 'react-router';
import { Alert, Button, Card, Form, Input, Typography } from 'antd';
import { LockOutlined, SafetyOutlined, UserOutlined } from '@ant-design/icons';
import { ApiError } from '../api';
import { useAuth } from '../auth';

/** Messages for the identity service's error codes. */
function loginError(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === 'LOGIN_THROTTLED') return '登录失败次数过多，请稍等片刻再试；如忘记密码请联系管理员。';
    if (error.code === 'INVALID_CREDENTIALS') return '用户名或密码错误（连续失败后须等待一段时间才能再试）。';
    if (error.code === 'OTP_INVALID') return '动态验证码错误或已使用过，请输入身份验证器上当前显示的6位数字。';
    if (error.code === 'RECOVERY_CODE_INVALID') return '恢复码错误或已使用过（每个恢复码只能用一次）。恢复码也用完时，请联系管理员重置两步验证。';
    return error.message;
  }
  return '无法连接服务器，请稍后重试。';
}

export function LoginPage() {
  const { user, login, expiredMessage } = useAuth();
  const navigate = useNavigate();
  const location = useLocation();
  const from = (location.state as { from?: string } | null)?.from ?? '/inbox';
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  // Shown once the server says the account uses two-step verification (OTP_REQUIRED).
  const [needsCode, setNeedsCode] = useState(false);
  // The authenticator lost: one of the recovery codes shown when two-step verification was turned on.
  const [useRecovery, setUseRecovery] = useState(false);

  if (user) return <Navigate to={from} replace />;

  const submit = async (values: { username: string; password: string; otp?: string; recoveryCode?: string }) => {
    setBusy(true);
    setError(null);
    try {
      await login(values.username.trim(), values.password, useRecovery ? { recoveryCode: values.recoveryCode?.trim() } : { otp: values.otp?.trim() || undefined });
      navigate(from, { replace: true });
    } catch (e) {
      if (e instanceof ApiError && e.code === 'OTP_REQUIRED') {
        setNeedsCode(true);
        return;
      }
      setError(loginError(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div style={{ minHeight: '100vh', display: 'flex', alignItems: 'center', justifyContent: 'center', background: 'linear-gradient(135deg, #fff1f0 0%, #f5f5f5 60%)' }}>
      <Card style={{ width: 380, boxShadow: '0 8px 24px rgba(0,0,0,0.08)' }}>
        <div style={{ textAlign: 'center', marginBottom: 24 }}>
          <Typography.Title level={3} style={{ marginBottom: 4, color: '#c8161d' }}>
            党建流程管理平台
          </Typography.Title>
          <Typography.Text type="secondary">请示报告 · 书记选配 · 发展党员 · 全程纪实</Typography.Text>
        </div>
        {expiredMessage && !error && <Alert type="warning" showIcon title={expiredMessage} style={{ marginBottom: 16 }} />}
        {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} role="alert" />}
        <Form layout="vertical" onFinish={submit} requiredMark={false}>
          <Form.Item name="username" label="用户名" rules={[{ required: true, message: '请输入用户名' }]}>
            <Input prefix={<UserOutlined />} autoComplete="username" placeholder="用户名" />
          </Form.Item>
          <Form.Item name="password" label="密码" rules={[{ required: true, message: '请输入密码' }]}>
            <Input.Password prefix={<LockOutlined />} autoComplete="current-password" placeholder="密码" />
          </Form.Item>
          {needsCode && !useRecovery && (
            <Form.Item
              name="otp"
              label="动态验证码"
              extra="本账号已启用两步验证：请打开手机上的身份验证器，输入当前显示的6位数字。"
              rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: '请输入6位数字验证码' }]}
            >
              <Input prefix={<SafetyOutlined />} autoComplete="one-time-code" inputMode="numeric" maxLength={6} placeholder="6位数字" autoFocus data-testid="otp" />
            </Form.Item>
          )}
          {needsCode && useRecovery && (
            <Form.Item
              name="recoveryCode"
              label="恢复码"
              extra="身份验证器丢失时，输入启用两步验证时保存的任一恢复码（形如 abcd-efgh-ijkl-mnop，每个只能用一次）。"
              rules={[{ required: true, whitespace: true, message: '请输入恢复码' }]}
            >
              <Input prefix={<SafetyOutlined />} autoComplete="off" maxLength={40} placeholder="恢复码" autoFocus data-testid="recovery-code" />
            </Form.Item>
          )}
          {needsCode && (
            <Button type="link" size="small" style={{ padding: 0, marginBottom: 12 }} onClick={() => setUseRecovery((v) => !v)} data-testid="toggle-recovery">
              {useRecovery ? '使用身份验证器的动态验证码' : '身份验证器丢失？使用恢复码'}
            </Button>
          )}
          <Button type="primary" htmlType="submit" block loading={busy} size="large">
            登录
          </Button>
        </Form>
      </Card>
    </div>
  );
}
