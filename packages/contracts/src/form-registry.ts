import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { requestReportForms } from './forms';
import { secretaryForms } from './secretary-forms';
import { memberForms } from './member-forms';
import { jointMeetingForms } from './joint-meeting-forms';
import { meetingForms } from './meeting-forms';

/** Every step form by id; a step names its form, the console renders it, the workflow validates it. */
export const forms = { ...requestReportForms, ...secretaryForms, ...memberForms, ...jointMeetingForms, ...meetingForms } satisfies Record<string, TSchema>;
export type FormId = keyof typeof forms;

export function isFormId(id: string): id is FormId {
  return Object.hasOwn(forms, id);
}

/** Pure (no eval), so it runs inside workflow validators as well as in services. */
export function formErrors(formId: string, value: unknown): string[] {
  if (!isFormId(formId)) return [`unknown form ${formId}`];
  const schema: TSchema = forms[formId];
  return [...Value.Errors(schema, value)].slice(0, 10).map((e) => `${e.path || '/'}: ${e.message}`);
}
