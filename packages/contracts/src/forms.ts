import { Type, type Static, type TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** Bounded primitives shared by every form and route. */
export const Text = (maxLength: number, minLength = 1) => Type.String({ minLength, maxLength, pattern: '\\S' });

export const RequestSubmissionForm = Type.Object(
  {
    title: Text(200),
    body: Text(20000),
  },
  { additionalProperties: false, title: '请示报告' },
);
export type RequestSubmissionForm = Static<typeof RequestSubmissionForm>;

export const ReviewOpinionForm = Type.Object(
  { opinion: Type.Optional(Type.String({ maxLength: 2000 })) },
  { additionalProperties: false, title: '审核意见' },
);

/** Every step form by id; a step names its form, the console renders it, the workflow validates it. */
export const forms = {
  'request-report.submission': RequestSubmissionForm,
  'review.opinion': ReviewOpinionForm,
} satisfies Record<string, TSchema>;
export type FormId = keyof typeof forms;

export function isFormId(id: string): id is FormId {
  return Object.hasOwn(forms, id);
}

/** Pure (no eval), so it runs inside workflow validators as well as in services. */
export function formErrors(formId: string, value: unknown): string[] {
  if (!isFormId(formId)) return [`unknown form ${formId}`];
  const schema = forms[formId];
  return [...Value.Errors(schema, value)].slice(0, 10).map((e) => `${e.path || '/'}: ${e.message}`);
}
