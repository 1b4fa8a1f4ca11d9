import { Type, type Static, type TSchema } from '@sinclair/typebox';

/** Bounded primitives shared by every form and route. */
export const Text = (maxLength: number, minLength = 1) => Type.String({ minLength, maxLength, pattern: '\\S' });

export const RequestSubmissionForm = Type.Object(
  {
    title: Type.String({ minLength: 1, maxLength: 200, pattern: '\\S', title: '标题' }),
    body: Type.String({ minLength: 1, maxLength: 20000, pattern: '\\S', title: '正文' }),
  },
  { additionalProperties: false, title: '请示报告' },
);
export type RequestSubmissionForm = Static<typeof RequestSubmissionForm>;

export const ReviewOpinionForm = Type.Object(
  { opinion: Type.Optional(Type.String({ maxLength: 2000, title: '意见' })) },
  { additionalProperties: false, title: '审核意见' },
);

/** Forms of the shared steps (the 请示报告 process); process-specific forms live beside it. */
export const requestReportForms = {
  'request-report.submission': RequestSubmissionForm,
  'review.opinion': ReviewOpinionForm,
} satisfies Record<string, TSchema>;
