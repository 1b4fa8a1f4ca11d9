/**
 * Renders a step's form from its JSON Schema (the TypeBox schemas of packages/contracts) as antd form
 * items, with the schema's constraints as validation rules. Supported: string (text / long text /
 * enum / YYYY-MM-DD date), integer, number, boolean, nested objects and arrays of objects; an array of
 * strings for which the page supplies options (a meeting's attendees from the roster) as checkboxes.
 */
import { createContext, useContext } from 'react';
import { Button, Card, Checkbox, DatePicker, Form, Input, InputNumber, Select, Switch, type FormInstance } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Rule } from 'antd/es/form';
import dayjs, { type Dayjs } from 'dayjs';
import { enumNames, fieldNames } from '../labels';
import type { JsonSchema } from '../types';
import { OrgPicker } from './OrgPicker';
import { UserPicker } from './UserPicker';

/** What pickers need to know about where the form is filled: the organization of the step or the case. */
const FormPlace = createContext<{ orgId?: string | undefined }>({});

const DATE_PATTERN = '^\\d{4}-\\d{2}-\\d{2}$';

const isDate = (s: JsonSchema) => s.type === 'string' && (s.format === 'date' || s.pattern === DATE_PATTERN);
const fieldLabel = (key: string, s: JsonSchema) => s.title ?? fieldNames[key] ?? key;

function rulesFor(s: JsonSchema, required: boolean, label: string): Rule[] {
  const rules: Rule[] = [];
  if (required && s.type !== 'boolean') rules.push({ required: true, message: `${s.enum || isDate(s) ? '请选择' : '请填写'}${label}` });
  if (s.type === 'string' && !isDate(s) && !s.enum) {
    if (s.minLength) rules.push({ min: s.minLength, message: `${label}至少 ${s.minLength} 个字` });
    if (s.maxLength) rules.push({ max: s.maxLength, message: `${label}最多 ${s.maxLength} 个字` });
    if (s.pattern === '\\S' && required) rules.push({ whitespace: true, message: `${label}不能为空` });
  }
  if ((s.type === 'integer' || s.type === 'number') && (s.minimum !== undefined || s.maximum !== undefined)) {
    // Said, not silently corrected: an InputNumber with min/max would turn a 0 into the minimum (issue 16 point 8).
    rules.push({
      validator: async (_rule, value: number | null | undefined) => {
        if (value === null || value === undefined) return;
        if (s.minimum !== undefined && value < s.minimum) throw new Error(`${label}不能小于 ${s.minimum}`);
        if (s.maximum !== undefined && value > s.maximum) throw new Error(`${label}不能大于 ${s.maximum}`);
      },
    });
  }
  if (s.type === 'array') {
    rules.push({
      validator: async (_rule, value: unknown[] | undefined) => {
        const n = value?.length ?? 0;
        if (s.minItems && n < s.minItems) throw new Error(`${label}至少 ${s.minItems} 项`);
        if (s.maxItems && n > s.maxItems) throw new Error(`${label}最多 ${s.maxItems} 项`);
      },
    });
  }
  return rules;
}

/** Choices for fields the schema cannot enumerate, by field key (e.g. `attendees`: the meeting's roster). */
export type FieldOptions = Record<string, { value: string; label: string }[]>;
const OptionsContext = createContext<FieldOptions>({});

function Field({ name, fieldKey, schema, required }: { name: (string | number)[]; fieldKey: string; schema: JsonSchema; required: boolean }) {
  const label = fieldLabel(fieldKey, schema);
  const rules = rulesFor(schema, required, label);
  const place = useContext(FormPlace);
  const options = useContext(OptionsContext)[fieldKey];

  if (schema.type === 'array' && schema.items?.type === 'string' && options) {
    return (
      <Form.Item name={name} label={label} rules={rules} initialValue={[]}>
        <Checkbox.Group options={options} />
      </Form.Item>
    );
  }

  if (schema.type === 'object' && schema.properties) {
    return (
      <Card size="small" title={label} style={{ marginBottom: 16 }}>
        <Fields schema={schema} prefix={name} />
      </Card>
    );
  }
  if (schema.type === 'array' && schema['x-picker'] === 'branch-full-member') {
    // 培养联系人 / 入党介绍人: the branch's full members by name (the server checks again).
    return (
      <Form.Item name={name} label={label} rules={rules} extra="仅列出本支部有账号的正式党员">
        <UserPicker multiple maxCount={schema.maxItems} fullMemberOf={place.orgId} placeholder="输入姓名搜索本支部正式党员" />
      </Form.Item>
    );
  }
  if (schema.type === 'array' && schema.items) {
    const item = schema.items;
    return (
      <Form.List name={name} rules={rules as never} initialValue={schema.minItems ? Array.from({ length: schema.minItems }, () => ({})) : []}>
        {(fields, { add, remove }, { errors }) => (
          <Form.Item label={label} required={required}>
            {fields.map((f, i) => (
              <Card
                key={f.key}
                size="small"
                style={{ marginBottom: 12 }}
                title={`${item.title ?? label} ${i + 1}`}
                extra={<Button type="text" danger icon={<DeleteOutlined />} onClick={() => remove(f.name)} aria-label="删除" />}
              >
                {item.type === 'object' ? <Fields schema={item} prefix={[f.name]} /> : <Field name={[f.name]} fieldKey={fieldKey} schema={item} required />}
              </Card>
            ))}
            {(!schema.maxItems || fields.length < schema.maxItems) && (
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add(item.type === 'object' ? {} : undefined)} block>
                添加{item.title ?? label}
              </Button>
            )}
            <Form.ErrorList errors={errors} />
          </Form.Item>
        )}
      </Form.List>
    );
  }
  let control;
  if (schema.type === 'boolean') {
    return (
      <Form.Item name={name} label={label} valuePropName="checked" initialValue={false}>
        <Switch checkedChildren="是" unCheckedChildren="否" />
      </Form.Item>
    );
  } else if (schema['x-picker'] === 'branch') {
    control = <OrgPicker type="branch" exclude={place.orgId} />;
  } else if (schema['x-picker'] === 'branch-group') {
    // 编入党小组: the 党小组 of the step's branch (the server checks again, and asks for one only where the branch has them).
    control = <OrgPicker type="group" parent={place.orgId} />;
  } else if (schema.enum) {
    control = <Select allowClear placeholder="请选择" options={schema.enum.map((v, i) => ({ value: v as string, label: schema['x-enumNames']?.[i] ?? enumNames[String(v)] ?? String(v) }))} />;
  } else if (isDate(schema)) {
    control = <DatePicker style={{ width: '100%' }} />;
  } else if (schema.type === 'integer' || schema.type === 'number') {
    control = <InputNumber style={{ width: '100%' }} precision={schema.type === 'integer' ? 0 : undefined} />;
  } else if ((schema.maxLength ?? 0) > 200) {
    control = <Input.TextArea autoSize={{ minRows: 3, maxRows: 12 }} maxLength={schema.maxLength} showCount />;
  } else {
    control = <Input maxLength={schema.maxLength} />;
  }
  return (
    <Form.Item name={name} label={label} rules={rules}>
      {control}
    </Form.Item>
  );
}

function Fields({ schema, prefix }: { schema: JsonSchema; prefix: (string | number)[] }) {
  const required = new Set(schema.required ?? []);
  return (
    <>
      {Object.entries(schema.properties ?? {}).map(([key, s]) => (
        <Field key={key} name={[...prefix, key]} fieldKey={key} schema={s} required={required.has(key)} />
      ))}
    </>
  );
}

/** The form's fields; `orgId` is the organization of the step (or of the case being started), for pickers; `options` offers choices for array fields (a meeting's attendees). */
export function SchemaFields({ schema, orgId, options = {} }: { schema: JsonSchema; orgId?: string | undefined; options?: FieldOptions }) {
  return (
    <FormPlace.Provider value={{ orgId }}>
      <OptionsContext.Provider value={options}>
        <Fields schema={schema} prefix={[]} />
      </OptionsContext.Provider>
    </FormPlace.Provider>
  );
}

/** Form values → the JSON the schema describes: dates as YYYY-MM-DD, blank optional text dropped. */
export function toSchemaValue(schema: JsonSchema, value: unknown): unknown {
  if (value === undefined || value === null) return undefined;
  if (schema.type === 'object' && schema.properties) {
    const out: Record<string, unknown> = {};
    for (const [key, s] of Object.entries(schema.properties)) {
      const v = toSchemaValue(s, (value as Record<string, unknown>)[key]);
      if (v !== undefined) out[key] = v;
    }
    return out;
  }
  if (schema.type === 'array' && schema.items) return (value as unknown[]).map((v) => toSchemaValue(schema.items!, v));
  if (isDate(schema)) return dayjs.isDayjs(value) ? (value as Dayjs).format('YYYY-MM-DD') : value;
  if (schema.type === 'string' && typeof value === 'string' && value.trim() === '') return undefined;
  return value;
}

/** Validates the antd form, then returns the value for the API. */
export async function schemaFormValue(form: FormInstance, schema: JsonSchema): Promise<Record<string, unknown>> {
  const values: unknown = await form.validateFields();
  return (toSchemaValue(schema, values) ?? {}) as Record<string, unknown>;
}
