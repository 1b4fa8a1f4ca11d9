import { Type } from '@sinclair/typebox';

export const ErrorBody = Type.Object({ code: Type.String(), message: Type.String(), details: Type.Optional(Type.Array(Type.String())) }, { $id: 'ErrorBody' });
export const errorResponses = {
  400: Type.Ref('ErrorBody'),
  401: Type.Ref('ErrorBody'),
  403: Type.Ref('ErrorBody'),
  404: Type.Ref('ErrorBody'),
  409: Type.Ref('ErrorBody'),
};

/** A string enum as plain JSON Schema `enum` (clear validation messages, clean OpenAPI). */
export const StringEnum = <T extends string>(values: readonly T[], options: { default?: NoInfer<T> } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });
