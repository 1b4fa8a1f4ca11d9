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
  UNKNOWN_CASE_TYPE: { status: 400, zh: '未知的事项类型', en: 'Unknown case type' },
  UNAUTHENTICATED: { status: 401, zh: '未登录或登录已过期', en: 'Not authenticated or session expired' },
  INVALID_CREDENTIALS: { status: 401, zh: '用户名或密码错误', en: 'Wrong username or password' },
  ACCOUNT_LOCKED: { status: 423, zh: '连续登录失败次数过多，账号已锁定15分钟', en: 'Too many failed logins; account locked for 15 minutes' },
  FORBIDDEN: { status: 403, zh: '无权执行该操作', en: 'Not allowed' },
  NOT_ASSIGNEE: { status: 403, zh: '您不是该任务的办理人', en: 'You are not an assignee of this task' },
  NOT_FOUND: { status: 404, zh: '对象不存在', en: 'Not found' },
  TASK_NOT_OPEN: { status: 409, zh: '任务已办结或已被他人处理', en: 'Task is no longer open' },
  ALREADY_ACTED: { status: 409, zh: '您已处理过该任务', en: 'You have already acted on this task' },
  CASE_NOT_OPEN: { status: 409, zh: '事项已结束', en: 'Case is no longer open' },
  NOTICE_NOT_ACTIVE: { status: 409, zh: '公示期外不受理异议', en: 'Notice is not open for objections' },
  WITHDRAW_TOO_LATE: { status: 409, zh: '已有人办理，不能撤回', en: 'Someone has already acted; the case cannot be withdrawn' },
  RATE_LIMITED: { status: 429, zh: '请求过于频繁，请稍后再试', en: 'Too many requests' },
  UNAVAILABLE: { status: 503, zh: '服务暂不可用，请稍后重试', en: 'Service temporarily unavailable' },
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
  BULK_NOT_ALLOWED: { status: 400, zh: '所选任务须为同一可批量办理的环节', en: 'Bulk approval needs tasks of one step that allows it' },
} as const satisfies Record<string, { status: number; zh: string; en: string }>;

export type ErrorCode = keyof typeof errorCatalogue;

export function errorMessage(code: ErrorCode): string {
  const e = errorCatalogue[code];
  return `${e.zh} / ${e.en}`;
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && Object.hasOwn(errorCatalogue, value);
}
