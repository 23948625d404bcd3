// Filter/condition objects ({field: {op: value}, and, or, not}) to DynamoDB expressions. Two
// spellings exist: util.transform's (every clause parenthesised, placeholders `:field_op`, as AWS
// EvaluateCode prints them) and the dynamodb helpers' (bare `#f = :f`, as in query()/put()).
import { type AttributeValue, toDynamoDB } from './dynamodb-values.ts';

export interface Expression {
  expression: string;
  expressionNames: Record<string, string>;
  expressionValues: Record<string, AttributeValue>;
}

export type ExpressionStyle = 'transform' | 'helper';

const comparators: Record<string, string> = { eq: '=', ne: '<>', le: '<=', lt: '<', ge: '>=', gt: '>' };

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class Builder {
  readonly names: Record<string, string> = {};
  readonly values: Record<string, AttributeValue> = {};
  constructor(private readonly style: ExpressionStyle) {}

  name(field: string): string {
    const placeholder = `#${field}`;
    this.names[placeholder] = field;
    return placeholder;
  }

  value(field: string, op: string, v: unknown): string {
    const base = this.style === 'helper' && op === 'eq' ? `:${field}` : `:${field}_${op}`;
    let placeholder = base;
    for (let n = 1; placeholder in this.values; n += 1) placeholder = `${base}_${n}`;
    this.values[placeholder] = toDynamoDB(v);
    return placeholder;
  }

  wrap(clause: string): string {
    return this.style === 'transform' ? `(${clause})` : clause;
  }

  operation(field: string, op: string, v: unknown): string {
    const n = this.name(field);
    const cmp = comparators[op];
    if (cmp !== undefined) return `${n} ${cmp} ${this.value(field, op, v)}`;
    switch (op) {
      case 'contains':
        return `contains(${n},${this.value(field, op, v)})`;
      case 'notContains':
        return `NOT contains(${n},${this.value(field, op, v)})`;
      case 'beginsWith':
        return `begins_with(${n},${this.value(field, op, v)})`;
      case 'attributeExists':
        return v ? `attribute_exists(${n})` : `attribute_not_exists(${n})`;
      case 'attributeType':
        return `attribute_type(${n},${this.value(field, op, v)})`;
      case 'size':
        throw new Error('size() filters are not supported by the local runtime');
      case 'between': {
        const [low, high] = Array.isArray(v) ? v : [];
        return `${n} BETWEEN ${this.value(field, 'between_0', low)} AND ${this.value(field, 'between_1', high)}`;
      }
      case 'in': {
        const list = Array.isArray(v) ? v : [v];
        return `${n} IN (${list.map((item, i) => this.value(field, `in_${i}`, item)).join(', ')})`;
      }
      default:
        throw new Error(`unsupported filter operator "${op}" on "${field}"`);
    }
  }

  object(filter: Record<string, unknown>): string {
    const clauses: string[] = [];
    for (const [key, spec] of Object.entries(filter)) {
      if (spec === undefined) continue;
      if (key === 'and' || key === 'or') {
        const parts = (Array.isArray(spec) ? spec : [spec]).filter(isObject).map((f) => this.object(f));
        clauses.push(`(${parts.join(key === 'and' ? ' AND ' : ' OR ')})`);
      } else if (key === 'not') {
        const inner = isObject(spec) ? spec : {};
        clauses.push(`(NOT ${this.object(inner)})`);
      } else if (isObject(spec)) {
        for (const [op, v] of Object.entries(spec)) {
          if (v !== undefined) clauses.push(this.wrap(this.operation(key, op, v)));
        }
      } else {
        throw new Error(`filter field "${key}" needs an operator object such as {eq: value}`);
      }
    }
    return clauses.join(' AND ');
  }
}

export function buildExpression(filter: Record<string, unknown>, style: ExpressionStyle): Expression {
  const builder = new Builder(style);
  const expression = builder.object(filter);
  return { expression, expressionNames: builder.names, expressionValues: builder.values };
}

/** Like buildExpression, but omits empty names/values maps (an expression without placeholders). */
export function buildCompactExpression(filter: Record<string, unknown>, style: ExpressionStyle) {
  const { expression, expressionNames, expressionValues } = buildExpression(filter, style);
  return {
    expression,
    ...(Object.keys(expressionNames).length > 0 ? { expressionNames } : {}),
    ...(Object.keys(expressionValues).length > 0 ? { expressionValues } : {}),
  };
}

// --- Subscription filters -------------------------------------------------------------------

export interface SubscriptionFilterJson {
  filterGroup: { filters: { fieldName: string; operator: string; value: unknown }[] }[];
}

type Filters = SubscriptionFilterJson['filterGroup'][number]['filters'];

/** Disjunctive normal form: each returned alternative is an AND of filters. */
function alternatives(obj: Record<string, unknown>, ignored: ReadonlySet<string>): Filters[] {
  let result: Filters[] = [[]];
  const cross = (options: Filters[]) => {
    result = result.flatMap((left) => options.map((right) => [...left, ...right]));
  };
  for (const [key, spec] of Object.entries(obj)) {
    if (spec === undefined || ignored.has(key)) continue;
    if (key === 'or') {
      const list = (Array.isArray(spec) ? spec : [spec]).filter(isObject);
      cross(list.flatMap((o) => alternatives(o, ignored)));
    } else if (key === 'and') {
      for (const o of (Array.isArray(spec) ? spec : [spec]).filter(isObject)) cross(alternatives(o, ignored));
    } else if (isObject(spec)) {
      const filters = Object.entries(spec)
        .filter(([, value]) => value !== undefined)
        .map(([operator, value]) => ({ fieldName: key, operator, value }));
      cross([filters]);
    }
  }
  return result;
}

export function toSubscriptionFilter(
  obj: unknown,
  ignoredFields: readonly string[] = [],
  rules?: unknown,
): SubscriptionFilterJson | null {
  if (!isObject(obj)) return null;
  const ignored = new Set(ignoredFields);
  const groups = alternatives(obj, ignored);
  const ruleList = rules === undefined || rules === null ? [] : Array.isArray(rules) ? rules : [rules];
  for (const rule of ruleList.filter(isObject)) groups.push(...alternatives(rule, ignored));
  return { filterGroup: groups.filter((filters) => filters.length > 0).map((filters) => ({ filters })) };
}
