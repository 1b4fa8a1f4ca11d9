// A few cases opened through the public API on a fresh demo database, so the inboxes, the case search
// and the overdue board have something to show right after `bash infra/start.sh`. Skipped once any case exists.

type Say = (line: string) => void;
type Login = { username: string; password: string };
type Snapshot = { caseId: string; openTasks: { id: string }[] };

async function call<T>(baseUrl: string, path: string, init: { token?: string; body?: unknown; method?: string } = {}): Promise<T> {
  const res = await fetch(`${baseUrl}${path}`, {
    method: init.method ?? (init.body === undefined ? 'GET' : 'POST'),
    headers: { ...(init.token ? { authorization: `Bearer ${init.token}` } : {}), ...(init.body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(init.body === undefined ? {} : { body: JSON.stringify(init.body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${init.method ?? (init.body === undefined ? 'GET' : 'POST')} ${path} → ${res.status} ${text.slice(0, 300)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** China-time calendar date `daysAgo` days back, as YYYY-MM-DD. */
function chinaDate(daysAgo = 0): string {
  return new Date(Date.now() + 8 * 3600_000 - daysAgo * 86_400_000).toISOString().slice(0, 10);
}

export async function openDemoCases(baseUrl: string, logins: Login[], say: Say): Promise<void> {
  const passwordOf = new Map(logins.map((l) => [l.username, l.password]));
  const tokens = new Map<string, string>();
  const token = async (username: string) => {
    const known = tokens.get(username);
    if (known) return known;
    const { token: issued } = await call<{ token: string }>(baseUrl, '/api/auth/login', { body: { username, password: passwordOf.get(username) } });
    tokens.set(username, issued);
    return issued;
  };
  const { total } = await call<{ total: number }>(baseUrl, '/api/admin/cases?limit=1', { token: await token('admin') });
  if (total > 0) return;

  const open = async (username: string, type: string, orgId: string, input: Record<string, unknown>) =>
    call<Snapshot>(baseUrl, '/api/cases', { token: await token(username), body: { type, orgId, input } });

  await open('zhang.zhibu', 'request-report', 'branch-a1-1', { title: '关于修缮村党群服务中心的请示', body: '村党群服务中心屋顶漏雨，申请专项维修经费 3.2 万元。' });
  const forwarded = await open('zhang.zhibu', 'request-report', 'branch-a1-1', { title: '关于开展“七一”主题党日活动经费的请示', body: '拟组织全体党员赴县党史馆开展主题党日活动，申请活动经费。' });
  await call(baseUrl, `/api/tasks/${forwarded.openTasks[0]!.id}/actions`, { token: await token('li.zuzhi'), body: { action: 'forward', form: { opinion: '同意，请县委组织部审批' } } });
  await open('sun.zhibu', 'request-report', 'branch-a2-1', { title: '关于西山村党员活动室设备更新的请示', body: '活动室电脑、投影设备老化，申请更新。' });
  await open('zhang.zhibu', 'member-development', 'branch-a1-1', { name: '王小明', gender: 'male', birthDate: '1998-05-12', applicationDate: chinaDate(3), occupation: '村卫生室医生' });
  await open('liu.zuzhi', 'secretary-replacement', 'branch-a2-1', { reason: 'incompetent', description: '现任书记年度考核不称职，群众反映较大，启动选配程序。' });
  say('demo cases opened (请示报告 ×3, 发展党员, 书记选配)');
}
