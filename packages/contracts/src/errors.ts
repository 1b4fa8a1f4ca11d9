/** One catalogue of coded errors: stable machine-readable code, HTTP status, Chinese and English message. */
export const errorCatalogue = {
  VALIDATION_FAILED: { status: 400, zh: '请求参数不合法', en: 'Invalid request' },
  INVALID_TEXT: { status: 400, zh: '文本含有无法保存的字符（空字符或不成对的代理项）', en: 'Text contains characters that cannot be stored (NUL or an unpaired surrogate)' },
  DATA_ERROR: { status: 400, zh: '数据无法保存', en: 'The data cannot be stored' },
  INVALID_FORM: { status: 400, zh: '表单内容不合法', en: 'Invalid form' },
  ACTION_NOT_ALLOWED: { status: 400, zh: '当前环节不允许该操作', en: 'Action not allowed on this step' },
  COMMENT_REQUIRED: { status: 400, zh: '该操作须填写理由', en: 'This action requires a reason' },
  TARGET_REQUIRED: { status: 400, zh: '请指定接收人', en: 'A target user or organization role is required' },
  UNKNOWN_TARGET: { status: 400, zh: '指定的接收人不存在', en: 'Target user or organization does not exist' },
  TARGET_OUT_OF_REACH: { status: 400, zh: '接收人须在本环节责任组织、其下级组织或其上级党组织内', en: "The target must belong to the step's organization, an organization under it, or its supervising chain" },
  TARGET_IS_INITIATOR: { status: 400, zh: '不能交由发起人办理本人提出的事项', en: 'The initiator of a case cannot be made to decide their own request' },
  TARGET_NOT_ALLOWED: { status: 400, zh: '该操作不指定接收人', en: 'This action takes no target' },
  FORM_NOT_ALLOWED: { status: 400, zh: '该操作不提交表单', en: 'This action takes no form' },
  UNKNOWN_CASE_TYPE: { status: 400, zh: '未知的事项类型', en: 'Unknown case type' },
  UNAUTHENTICATED: { status: 401, zh: '未登录或登录已过期', en: 'Not authenticated or session expired' },
  INVALID_CREDENTIALS: { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  OTP_REQUIRED: { status: 401, zh: '请输入身份验证器上的6位动态验证码', en: 'Enter the 6-digit code from your authenticator app' },
  OTP_INVALID: { status: 401, zh: '动态验证码错误或已使用', en: 'The one-time code is wrong or was already used' },
  SECOND_FACTOR_REQUIRED: { status: 403, zh: '管理员须启用两步验证并以动态验证码登录后方可进行管理操作', en: 'Administrators must enable two-step verification and sign in with a one-time code to administer' },
  WRONG_OTP: { status: 403, zh: '动态验证码错误或已使用，请输入身份验证器上当前显示的6位数字', en: 'The one-time code is wrong or was already used' },
  RECOVERY_CODE_INVALID: { status: 401, zh: '恢复码错误或已使用', en: 'The recovery code is wrong or was already used' },
  TWO_STEP_ENROLMENT_REQUIRED: { status: 403, zh: '管理员已重置您的两步验证，须先重新启用两步验证才能继续操作', en: 'An administrator reset your two-step verification; set it up again before doing anything else' },
  TWO_STEP_NOT_ENABLED: { status: 409, zh: '该账号未启用两步验证', en: 'Two-step verification is not enabled on this account' },
  TOTP_NOT_PENDING: { status: 409, zh: '请先生成两步验证密钥', en: 'Start the two-step verification setup first' },
  FORBIDDEN: { status: 403, zh: '无权执行该操作', en: 'Not allowed' },
  NOT_ASSIGNEE: { status: 403, zh: '您不是该任务的办理人', en: 'You are not an assignee of this task' },
  NOT_FOUND: { status: 404, zh: '对象不存在', en: 'Not found' },
  TASK_NOT_OPEN: { status: 409, zh: '任务已办结或已被他人处理', en: 'Task is no longer open' },
  ALREADY_ACTED: { status: 409, zh: '您已处理过该任务', en: 'You have already acted on this task' },
  CASE_NOT_OPEN: { status: 409, zh: '事项已结束', en: 'Case is no longer open' },
  NOTICE_NOT_ACTIVE: { status: 409, zh: '公示期外不受理异议', en: 'Notice is not open for objections' },
  WITHDRAW_TOO_LATE: { status: 409, zh: '已有人办理，不能撤回', en: 'Someone has already acted; the case cannot be withdrawn' },
  IDEMPOTENCY_KEY_REUSED: { status: 422, zh: '该幂等键已用于另一请求', en: 'This Idempotency-Key was used for a different request' },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests' },
  UNAVAILABLE: { status: 503, zh: '服务暂不可用，请稍后重试', en: 'Service temporarily unavailable' },
  WORKER_UNAVAILABLE: { status: 503, zh: '流程引擎的工作进程未在运行，新办理的事项暂时无法推进，请稍后重试', en: 'No workflow worker is polling the task queue; cases cannot move on until one is back' },
  ACTION_NOT_RECORDED: { status: 503, zh: '操作未能保存，请稍后重试', en: 'The action could not be recorded; try again' },
  INTERNAL: { status: 500, zh: '系统内部错误', en: 'Internal error' },
  // 党建联席会议
  JOINT_ORG_NOT_ALLOWED: { status: 400, zh: '联席会议只能设在区县、街道（乡镇）或社区党组织', en: 'A joint meeting belongs to a district, street/township or community committee' },
  JOINT_CONVENER_NOT_HIGHER: { status: 400, zh: '召集人须为上一级党组织领导班子成员', en: 'The convener must be a leadership member of the next-higher committee' },
  JOINT_DUPLICATE_MEMBER: { status: 400, zh: '成员单位名称或联络员重复', en: 'Duplicate member unit name or liaison' },
  JOINT_QUARTER_INVALID: { status: 400, zh: '季度格式不正确或不是已过去的季度', en: 'Invalid quarter, or not a past quarter' },
  JOINT_BODY_NOT_ACTIVE: { status: 409, zh: '联席会议已暂停或已撤销', en: 'The joint meeting is paused or deleted' },
  // console and monitoring (issue 6)
  INVALID_POLICY: { status: 400, zh: '策略取值不合法', en: 'Invalid policy value' },
  CALENDAR_YEAR_EMPTY: { status: 400, zh: '该年尚未录入任何法定节假日，不能确认已录入', en: 'No statutory holiday of this year is entered yet' },
  BULK_NOT_ALLOWED: { status: 400, zh: '所选任务须为同一可批量办理的环节', en: 'Bulk approval needs tasks of one step that allows it' },
  // logins, sessions and the edge (issue 11)
  LOGIN_THROTTLED: { status: 429, zh: '登录失败次数过多，请稍后再试', en: 'Too many failed logins; try again later' },
  PASSWORD_CHANGE_REQUIRED: { status: 403, zh: '您正在使用管理员设置的临时密码，须先修改密码才能继续操作', en: 'Change the one-time password before doing anything else' },
  WRONG_PASSWORD: { status: 403, zh: '当前密码不正确', en: 'The current password is wrong' },
  WEAK_PASSWORD: { status: 400, zh: '新密码不符合要求：至少10个字符，不能是初始密码、用户名或当前密码', en: 'The new password must have at least 10 characters and differ from the initial password, the username and the current password' },
  PAYLOAD_TOO_LARGE: { status: 413, zh: '请求内容过大', en: 'Request body too large' },
  UNSUPPORTED_MEDIA_TYPE: { status: 415, zh: '不支持的内容类型', en: 'Unsupported content type' },
  METHOD_NOT_ALLOWED: { status: 405, zh: '不支持该请求方法', en: 'Method not allowed' },
  // organizations and people (issue 13)
  ORG_ID_TAKEN: { status: 409, zh: '组织编码已被使用', en: 'The organization id is already taken' },
  ORG_LEVEL_INVALID: { status: 400, zh: '上级组织的层级须高于该组织（市→县→乡镇→村→支部→党小组）', en: 'The parent must be of a higher level (city → county → township → village → branch → group)' },
  ORG_MOVE_INVALID: { status: 400, zh: '不能把组织调整到其自身或其下级组织之下，也不能调整到原上级', en: 'An organization cannot move under itself, its subtree or its current parent' },
  ORG_DISSOLVED: { status: 409, zh: '该组织已撤销', en: 'The organization has been dissolved' },
  ORG_NOT_EMPTY: { status: 409, zh: '该组织仍有下级组织、办理中的事项或待办任务，须先调整或办结', en: 'The organization still has active units, open cases or open tasks below it' },
  ORG_MERGE_INVALID: { status: 400, zh: '合并去向须为同级、未撤销的其他组织', en: 'A merge target must be another active organization of the same level' },
  PERSON_INVALID: { status: 400, zh: '党员信息不合法', en: 'Invalid member particulars' },
  ROSTER_FILE_INVALID: { status: 400, zh: '无法读取花名册文件', en: 'The roster file cannot be read' },
  ROLE_INVALID: { status: 400, zh: '不能担任该职务', en: 'The post cannot be held' },
  ACCOUNT_USERNAME_TAKEN: { status: 409, zh: '用户名已被使用', en: 'The username is already taken' },
  ACCOUNT_STATE: { status: 409, zh: '账号当前状态不允许该操作', en: 'Not possible in the account’s current state' },
  ACCOUNT_SELF: { status: 400, zh: '不能停用自己的账号，也不能授予或撤销自己的职责', en: 'You cannot disable your own account or grant or withdraw your own roles' },
  SEPARATION_OF_DUTIES: { status: 409, zh: '三权分立：同一人不得兼任系统管理员、安全管理员、审计管理员中的两种', en: 'Separation of duties: no one may hold two of the system, security and audit administrator roles' },
  INVALID_EFFECTIVE_DATE: { status: 400, zh: '生效日期不能晚于今天，也不能早于该组织成立日期', en: 'The effective date cannot be in the future or before the organization was established' },
  // collective decisions (issue 14)
  MEETING_ROSTER_EMPTY: { status: 400, zh: '会议日期该组织没有应到会人员名单（请先在系统管理中维护班子成员）', en: 'The body has no members on the meeting date (maintain the committee first)' },
  MEETING_ATTENDEE_NOT_ON_ROSTER: { status: 400, zh: '出席人员须为会议日期该组织应到会人员', en: 'Every attendee must be on the roster of the body on the meeting date' },
  MEETING_NO_QUORUM: { status: 400, zh: '会议无效：到会人数须超过应到会人数的半数（支委会、党委会：《中国共产党支部工作条例（试行）》第十二条；党员大会：同条例第十一条）', en: 'No quorum: more than half of the members must be present' },
  MEETING_VOTES_INCONSISTENT: { status: 400, zh: '赞成、反对、弃权票数之和不能超过到会人数', en: 'For, against and abstain together cannot exceed those present' },
  MEETING_NOT_CARRIED: { status: 400, zh: '决议未通过：赞成票须超过应到会人数的半数（少数服从多数；党员大会：《中国共产党支部工作条例（试行）》第十一条）', en: 'Not carried: the votes for must exceed half of the members expected' },
  MEETING_CARRIED: { status: 400, zh: '表决已获通过（赞成票超过应到会人数的半数），不能驳回', en: 'The proposal carried: it cannot be rejected' },
  // elections in meetings (issue 14 point 3): thresholds from the policy secretary.election, defaults as cited
  ELECTION_NO_QUORUM: { status: 400, zh: '选举无效：有选举权的到会人数须超过应到会人数的五分之四（《中国共产党基层组织选举工作条例》），请重新召开会议', en: 'The election is void: more than 4/5 of the members with a vote must be present; hold the meeting again' },
  ELECTION_NOT_ELECTED: { status: 400, zh: '未当选：赞成票须超过实到会有选举权人数的一半（《中国共产党基层组织选举工作条例》），请以“驳回”记录未当选', en: 'Not elected: the votes for must exceed half of those present; record it as not elected (reject)' },
  ELECTION_ELECTED: { status: 400, zh: '赞成票已超过实到会人数的一半，人选已当选，不能记录为未当选', en: 'The candidate was elected: it cannot be recorded as not elected' },
  ELECTION_BALLOT_NOT_SECRET: { status: 400, zh: '选举须采用无记名投票（党章第十一条）', en: 'An election is by secret ballot' },
  MEETING_DATE_INVALID: { status: 400, zh: '会议日期无效（不能晚于今天）', en: 'Invalid meeting date (not in the future)' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export function errorMessage(code: ErrorCode): string {
  const e = errorCatalogue[code];
  return `${e.zh} / ${e.en}`;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}

/** A refusal as a person reads it: the Chinese text with the rule it names, and the fields it concerns. */
export type ReadableError = { text: string; fields: { path: string[]; message: string }[] };

const CJK = /[\u3400-\u9fff]/;

/** One detail ("中文 (English)", "中文 / English" or a schema error "/path: English") → its readable part. */
function readableDetail(part: string): { message: string; path?: string[] } {
  const pathed = /^(\/[^\s:]*): (.*)$/s.exec(part);
  const path = pathed ? pathed[1]!.split('/').filter(Boolean) : undefined;
  let text = pathed ? pathed[2]! : part;
  if (CJK.test(text)) {
    text = text.split(' / ')[0]!;
    // "中文（第十条） (English)": drop the trailing English parenthesis, keep Chinese ones.
    text = text.replace(/\s+\((?![^)]*[\u3400-\u9fff])[^)]*\)\s*$/, '');
  } else if (path) {
    text = '填写不符合要求';
  }
  return path?.length ? { message: text, path } : { message: text };
}

/**
 * An API error message "中文 / English: detail; detail" (HttpError with a detail) → the Chinese text
 * followed by the details (the rule the refusal names), and per field the details that name a path.
 */
export function readableError(message: string): ReadableError {
  const cut = message.indexOf(' / ');
  if (cut < 0) return { text: message, fields: [] };
  const head = message.slice(0, cut);
  const rest = message.slice(cut + 3);
  const colon = rest.indexOf(': ');
  if (colon < 0) return { text: head, fields: [] };
  const details = rest
    .slice(colon + 2)
    .split('; ')
    .filter((d) => d.trim())
    .map(readableDetail);
  const fields = details.flatMap((d) => (d.path ? [{ path: d.path, message: d.message }] : []));
  return { text: `${head}：${details.map((d) => d.message).join('；')}`, fields };
}
