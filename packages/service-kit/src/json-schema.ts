import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

const ajv = addFormats.default(new Ajv({ allErrors: true, strict: false, coerceTypes: false, useDefaults: false }));
const compiled = new WeakMap<object, ValidateFunction>();

/** Errors of `value` against a plain JSON Schema (data from elsewhere, e.g. a policy's schema); empty when valid. */
export function jsonSchemaErrors(schema: object, value: unknown): string[] {
  const validate = compiled.get(schema) ?? ajv.compile(schema);
  compiled.set(schema, validate);
  return validate(value) ? [] : (validate.errors ?? []).slice(0, 10).map((e: ErrorObject) => `${e.instancePath || '/'} ${e.message ?? ''}`.trim());
}
