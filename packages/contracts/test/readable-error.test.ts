import { describe, expect, it } from 'vitest';
import { errorMessage, readableError } from '../src/errors';

describe('readableError: the refusal as the console shows it', () => {
  it('keeps the rule a refusal names, in Chinese, instead of the bare code text', () => {
    const r = readableError(`${errorMessage('INVALID_FORM')}: 28周岁以下由共青团组织推优 (under 28 the Youth League recommends)`);
    expect(r).toEqual({ text: '表单内容不合法：28周岁以下由共青团组织推优', fields: [] });
  });

  it('names the field of a detail with a path; Chinese parentheses (the article) stay', () => {
    const r = readableError(`${errorMessage('INVALID_FORM')}: /userIds: 孙海涛不是本支部的正式党员，不能作培养联系人（《发展党员工作细则》第十条） (contacts must be full members of the branch)`);
    expect(r.text).toBe('表单内容不合法：孙海涛不是本支部的正式党员，不能作培养联系人（《发展党员工作细则》第十条）');
    expect(r.fields).toEqual([{ path: ['userIds'], message: '孙海涛不是本支部的正式党员，不能作培养联系人（《发展党员工作细则》第十条）' }]);
  });

  it('schema errors in English become a Chinese note on their field; several details are all kept', () => {
    const r = readableError(`${errorMessage('INVALID_FORM')}: /candidates/0/name: Expected string length greater or equal to 1; 人员不存在或重复 / unknown or duplicate people`);
    expect(r.text).toBe('表单内容不合法：填写不符合要求；人员不存在或重复');
    expect(r.fields).toEqual([{ path: ['candidates', '0', 'name'], message: '填写不符合要求' }]);
  });

  it('a message without detail is its Chinese half; a message of another shape stays as it is', () => {
    expect(readableError(errorMessage('TASK_NOT_OPEN')).text).toBe('任务已办结或已被他人处理');
    expect(readableError('请求失败（502）').text).toBe('请求失败（502）');
  });
});
