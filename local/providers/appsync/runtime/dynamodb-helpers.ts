// The `@aws-appsync/utils/dynamodb` module: request builders for the DynamoDB data source.
// Outputs pinned against AWS EvaluateCode where the reference has them (get, put, remove, scan,
// update with one operation); how several update operations are joined is our best reading.

import { type AttributeValue, dynamodbUtil, toDynamoDB, toMapValues } from './dynamodb-values.ts';
import { buildCompactExpression } from './expressions.ts';

type Obj = Record<string, unknown>;

interface Operation {
  type: string;
  value?: unknown;
  by?: number;
  items?: unknown[];
  index?: number;
}

const operationTypes = new Set([
  'OPERATION_ADD',
  'OPERATION_REMOVE',
  'OPERATION_REPLACE',
  'OPERATION_INCREMENT',
  'OPERATION_DECREMENT',
  'OPERATION_APPEND',
  'OPERATION_PREPEND',
  'OPERATION_UPDATE_LIST_ITEM',
]);

export const operations = {
  add: (value: unknown): Operation => ({ type: 'OPERATION_ADD', value }),
  remove: (): Operation => ({ type: 'OPERATION_REMOVE' }),
  replace: (value: unknown): Operation => ({ type: 'OPERATION_REPLACE', value }),
  increment: (by = 1): Operation => ({ type: 'OPERATION_INCREMENT', by }),
  decrement: (by = 1): Operation => ({ type: 'OPERATION_DECREMENT', by }),
  append: (items: unknown[]): Operation => ({ type: 'OPERATION_APPEND', items }),
  prepend: (items: unknown[]): Operation => ({ type: 'OPERATION_PREPEND', items }),
  updateListItem: (value: unknown, index: number): Operation => ({
    type: 'OPERATION_UPDATE_LIST_ITEM',
    value,
    index,
  }),
};

function isOperation(value: unknown): value is Operation {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Obj).type === 'string' &&
    operationTypes.has((value as Obj).type as string)
  );
}

const condition = (filter: unknown) =>
  filter === undefined || filter === null
    ? {}
    : { condition: buildCompactExpression(filter as Obj, 'helper') };

function projection(fields: unknown) {
  if (!Array.isArray(fields) || fields.length === 0) return {};
  const expressionNames: Record<string, string> = {};
  const parts = fields.map((field: string) =>
    field
      .split('.')
      .map((segment) => {
        expressionNames[`#${segment}`] = segment;
        return `#${segment}`;
      })
      .join('.'),
  );
  return { projection: { expression: parts.join(', '), expressionNames } };
}

/** Copies the optional fields that are set (AWS omits unset ones). */
function pick(input: Obj, keys: readonly string[]): Obj {
  const out: Obj = {};
  for (const k of keys) if (input[k] !== undefined && input[k] !== null) out[k] = input[k];
  return out;
}

const writeOptions = ['customPartitionKey', 'populateIndexFields', '_version'] as const;

export function get(input: Obj) {
  return {
    operation: 'GetItem',
    key: toMapValues(input.key as Obj),
    ...pick(input, ['consistentRead']),
    ...projection(input.projection),
  };
}

export function put(input: Obj) {
  return {
    operation: 'PutItem',
    key: toMapValues(input.key as Obj),
    attributeValues: toMapValues(input.item as Obj),
    ...condition(input.condition),
    ...pick(input, writeOptions),
  };
}

export function remove(input: Obj) {
  return {
    operation: 'DeleteItem',
    key: toMapValues(input.key as Obj),
    ...condition(input.condition),
    ...pick(input, writeOptions),
  };
}

const readOptions = ['index', 'nextToken', 'limit', 'scanIndexForward', 'consistentRead', 'select'] as const;

export function query(input: Obj) {
  return {
    operation: 'Query',
    query: buildCompactExpression(input.query as Obj, 'helper'),
    ...pick(input, readOptions),
    ...(input.filter ? { filter: buildCompactExpression(input.filter as Obj, 'helper') } : {}),
    ...projection(input.projection),
  };
}

export function scan(input: Obj) {
  return {
    operation: 'Scan',
    ...pick(input, [...readOptions, 'totalSegments', 'segment']),
    ...(input.filter ? { filter: buildCompactExpression(input.filter as Obj, 'helper') } : {}),
    ...projection(input.projection),
  };
}

export function update(input: Obj) {
  const set: string[] = [];
  const del: string[] = [];
  const names: Record<string, string> = {};
  const values: Record<string, AttributeValue> = {};
  let n = 0;
  const name = (field: string) => {
    n += 1;
    names[`#expName_${n}`] = field;
    return `#expName_${n}`;
  };
  const value = (v: unknown) => {
    values[`:expValue_${n}`] = toDynamoDB(v);
    return `:expValue_${n}`;
  };
  for (const [field, change] of Object.entries((input.update ?? {}) as Obj)) {
    if (change === undefined) continue;
    const f = name(field);
    if (!isOperation(change)) {
      set.push(`${f} = ${value(change)}`);
      continue;
    }
    switch (change.type) {
      // operations.add adds an attribute (AWS prints SET), unlike DynamoDB's numeric/set ADD.
      case 'OPERATION_ADD':
        set.push(`${f} = ${value(change.value)}`);
        break;
      case 'OPERATION_REMOVE':
        del.push(f);
        break;
      case 'OPERATION_REPLACE':
        set.push(`${f} = ${value(change.value)}`);
        break;
      case 'OPERATION_INCREMENT':
        set.push(`${f} = ${f} + ${value(change.by)}`);
        break;
      case 'OPERATION_DECREMENT':
        set.push(`${f} = ${f} - ${value(change.by)}`);
        break;
      case 'OPERATION_APPEND':
        set.push(`${f} = list_append(${f}, ${value(change.items)})`);
        break;
      case 'OPERATION_PREPEND':
        set.push(`${f} = list_append(${value(change.items)}, ${f})`);
        break;
      case 'OPERATION_UPDATE_LIST_ITEM':
        set.push(`${f}[${change.index}] = ${value(change.value)}`);
        break;
    }
  }
  const clauses = [
    set.length > 0 ? `SET ${set.join(', ')}` : '',
    del.length > 0 ? `REMOVE ${del.join(', ')}` : '',
  ].filter((c) => c !== '');
  return {
    operation: 'UpdateItem',
    key: toMapValues(input.key as Obj),
    update: {
      expression: clauses.join(' '),
      expressionNames: names,
      ...(Object.keys(values).length > 0 ? { expressionValues: values } : {}),
    },
    ...condition(input.condition),
    ...pick(input, writeOptions),
  };
}

export function batchGet(input: { tables: Record<string, Obj> }) {
  const tables: Obj = {};
  for (const [table, spec] of Object.entries(input.tables)) {
    tables[table] = {
      keys: (spec.keys as Obj[]).map((k) => toMapValues(k)),
      ...pick(spec, ['consistentRead']),
      ...projection(spec.projection),
    };
  }
  return { operation: 'BatchGetItem', tables };
}

export function batchPut(input: { tables: Record<string, Obj[]> }) {
  const tables: Obj = {};
  for (const [table, items] of Object.entries(input.tables)) tables[table] = items.map((i) => toMapValues(i));
  return { operation: 'BatchPutItem', tables };
}

export function batchDelete(input: { tables: Record<string, Obj[]> }) {
  const tables: Obj = {};
  for (const [table, keys] of Object.entries(input.tables)) tables[table] = keys.map((k) => toMapValues(k));
  return { operation: 'BatchDeleteItem', tables };
}

export function transactGet(input: { items: Obj[] }) {
  return {
    operation: 'TransactGetItems',
    transactItems: input.items.map((item) => ({
      table: item.table,
      key: toMapValues(item.key as Obj),
      ...projection(item.projection),
    })),
  };
}

export function transactWrite(input: { items: Obj[] }) {
  return {
    operation: 'TransactWriteItems',
    transactItems: input.items.map((entry) => {
      const [kind, spec] = Object.entries(entry)[0] as [string, Obj];
      const base = { table: spec.table, key: toMapValues(spec.key as Obj), ...condition(spec.condition) };
      switch (kind) {
        case 'putItem':
          return { ...base, operation: 'PutItem', attributeValues: toMapValues(spec.item as Obj) };
        case 'updateItem': {
          const { update: expression } = update({ key: spec.key, update: spec.update });
          return { ...base, operation: 'UpdateItem', update: expression };
        }
        case 'deleteItem':
          return { ...base, operation: 'DeleteItem' };
        case 'conditionCheck':
          return { ...base, operation: 'ConditionCheck' };
        default:
          throw new Error(`unknown transactWrite item "${kind}"`);
      }
    }),
  };
}

export const toStringSet = dynamodbUtil.toStringSet;
export const toNumberSet = dynamodbUtil.toNumberSet;
export const toBinarySet = dynamodbUtil.toBinarySet;

/** The module object resolver bundles import as `@aws-appsync/utils/dynamodb`. */
export const dynamodbModule = {
  get,
  put,
  update,
  remove,
  query,
  scan,
  batchGet,
  batchPut,
  batchDelete,
  transactGet,
  transactWrite,
  toStringSet,
  toNumberSet,
  toBinarySet,
  operations,
};
