import { useState } from 'react';
import { Alert, App, Button, Form, Input, Modal, QRCode, Space, Steps, Typography } from 'antd';
import { api, ApiError } from '../api';
import { useAuth } from '../auth';

/** Saves the recovery codes as a text file (the person keeps it offline or prints it). */
function downloadCodes(username: string, codes: string[]): void {
  const text = ['党建流程管理平台 两步验证恢复码', `账号：${username}`, `生成时间：${new Date().toLocaleString('zh-CN')}`, '每个恢复码只能使用一次；请妥善保管，不要与他人共享。', '', ...codes, ''].join('\r\n');
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `恢复码-${username}.txt`;
  a.click();
  URL.revokeObjectURL(url);
}

/**
 * 两步验证: turn on (password → scan the QR code with an authenticator app, e.g. 微信小程序「腾讯身份验证器」
 * or any TOTP app → the first 6-digit code → the ten recovery codes, shown this once), regenerate the
 * recovery codes (a current code), or turn off (password and a current code). `forced`: an administrator
 * reset it and the account must set it up again before anything else (the dialog cannot be dismissed).
 */
export function TwoStepDialog(props: { open: boolean; forced?: boolean; onClose: () => void }) {
  const { user, reload } = useAuth();
  const enabled = user?.twoStep?.enabled ?? false;
  const [form] = Form.useForm<{ currentPassword?: string; code?: string }>();
  const [setup, setSetup] = useState<{ secret: string; otpauthUri: string } | null>(null);
  // Shown once, right after they were made; the account is reloaded when the person has saved them.
  const [codes, setCodes] = useState<string[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const { message } = App.useApp();

  const close = async () => {
    if (codes) await reload().catch(() => {});
    form.resetFields();
    setSetup(null);
    setCodes(null);
    setError(null);
    props.onClose();
  };

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await work();
    } catch (e) {
      setError(e instanceof ApiError ? e.message : '无法连接服务器，请稍后重试。');
    } finally {
      setBusy(false);
    }
  };

  const submit = async () => {
    if (codes) return close();
    const values = await form.validateFields();
    await run(async () => {
      if (enabled) {
        await api.post('/api/me/two-step/disable', { currentPassword: values.currentPassword, code: values.code?.trim() });
        message.success('两步验证已关闭');
        await reload();
        await close();
      } else if (!setup) {
        setSetup(await api.post<{ secret: string; otpauthUri: string }>('/api/me/two-step/setup', { currentPassword: values.currentPassword }));
      } else {
        const r = await api.post<{ recoveryCodes: string[] }>('/api/me/two-step/confirm', { code: values.code?.trim() });
        message.success('两步验证已启用：以后登录时须输入动态验证码');
        setCodes(r.recoveryCodes);
      }
    });
  };

  const regenerate = async () => {
    const values = await form.validateFields(['code']);
    await run(async () => {
      const r = await api.post<{ recoveryCodes: string[] }>('/api/me/two-step/recovery-codes', { code: values.code?.trim() });
      message.success('已生成新的恢复码，原有恢复码全部作废');
      setCodes(r.recoveryCodes);
    });
  };

  const codeItem = (
    <Form.Item name="code" label="动态验证码" rules={[{ required: true, pattern: /^\s*\d{6}\s*$/, message: '请输入6位数字验证码' }]}>
      <Input autoComplete="one-time-code" inputMode="numeric" maxLength={6} placeholder="身份验证器上当前显示的6位数字" data-testid="two-step-code" />
    </Form.Item>
  );

  const codesView = codes && (
    <Space direction="vertical" style={{ width: '100%' }} data-testid="recovery-codes">
      <Alert type="warning" showIcon title="请立即保存以下10个恢复码：只显示这一次。手机或身份验证器丢失时，每个恢复码可代替动态验证码登录一次。" />
      <div style={{ display: 'grid', gridTemplateColumns: '1fr 1fr', gap: 6, fontFamily: 'monospace', fontSize: 15, padding: 12, background: '#fafafa', border: '1px solid #f0f0f0' }}>
        {codes.map((c) => (
          <span key={c} data-testid="recovery-code-item">
            {c}
          </span>
        ))}
      </div>
      <Space wrap>
        <Typography.Text copyable={{ text: codes.join('\n'), tooltips: ['复制全部', '已复制'] }}>复制全部</Typography.Text>
        <Button size="small" onClick={() => downloadCodes(user?.username ?? '', codes)}>
          下载为文本文件
        </Button>
      </Space>
      <Typography.Text type="secondary">建议打印或存放在手机以外的安全地方；用完或遗失时，可凭动态验证码重新生成。</Typography.Text>
    </Space>
  );

  const okText = codes ? '我已保存' : enabled ? '关闭两步验证' : setup ? '启用' : '下一步';
  return (
    <Modal
      open={props.open}
      title="两步验证"
      okText={okText}
      cancelText="取消"
      confirmLoading={busy}
      onOk={() => void submit()}
      onCancel={() => void close()}
      cancelButtonProps={props.forced || codes ? { style: { display: 'none' } } : {}}
      closable={!props.forced && !codes}
      maskClosable={false}
      keyboard={!props.forced && !codes}
      destroyOnHidden
    >
      {error && <Alert type="error" showIcon title={error} style={{ marginBottom: 16 }} data-testid="two-step-error" />}
      {codesView}
      {!codes && (
        <>
          {props.forced && <Alert type="warning" showIcon title="管理员已重置您的两步验证：请重新设置身份验证器后再继续使用本系统。" style={{ marginBottom: 16 }} data-testid="two-step-enrolment-required" />}
          {!enabled && <Steps size="small" current={setup ? 1 : 0} items={[{ title: '验证密码' }, { title: '扫码并输入验证码' }, { title: '保存恢复码' }]} style={{ marginBottom: 16 }} />}
          {enabled && (
            <Typography.Paragraph type="secondary">
              剩余恢复码 <span data-testid="recovery-codes-left">{user?.twoStep?.recoveryCodesLeft ?? 0}</span> 个。输入动态验证码可重新生成恢复码（原有的全部作废）；关闭两步验证还须输入当前密码。
            </Typography.Paragraph>
          )}
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
          {enabled && (
            <Button onClick={() => void regenerate()} loading={busy} data-testid="regenerate-recovery-codes">
              重新生成恢复码
            </Button>
          )}
        </>
      )}
    </Modal>
  );
}
