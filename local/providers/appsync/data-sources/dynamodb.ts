/**
 * The AMAZON_DYNAMODB data source: AppSync's DynamoDB request objects (docs/appsync-reference.md §3) as calls
 * on the local DynamoDB, results as plain values, failures in `ctx.error` with AppSync's types.
 * Reads (GetItem, Query, Scan, BatchGetItem: every page a client lists) speak DynamoDB's JSON
 * protocol directly (../../dynamodb/wire-client.ts); writes and transactions go through the SDK
 * client, whose middleware feeds the stack's expiry index.
 */
import {
  type AttributeValue,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  PutItemCommand,
  TransactGetItemsCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { wireFor } from '../../dynamodb/wire-client.ts';
import { toPlainMap, toSdkMap, toWireMap } from './attribute-values.ts';
import { plainMap } from './plain-items.ts';
import { type DataSource, type DataSourceCall, type DataSourceOutcome, requestObject } from './registry.ts';

interface ExpressionJson {
  expression: string;
  expressionNames?: Record<string, string>;
  expressionValues?: Record<string, unknown>;
}

/**
 * Collects expressions' placeholders into the one pair of maps a DynamoDB call takes, the values
 * converted for the SDK (toSdkMap) or for the wire (toWireMap).
 */
class Placeholders<Value = AttributeValue> {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, Value> = {};

  constructor(private readonly convert: (values: unknown) => Record<string, Value>) {}

  add(expression: unknown): string | undefined {
    if (expression === undefined || expression === null) return undefined;
    const e = expression as ExpressionJson;
    if (typeof e.expression !== 'string')
      throw new Error('an expression object needs an "expression" string');
    Object.assign(this.names, e.expressionNames ?? {});
    Object.assign(this.values, this.convert(e.expressionValues ?? {}));
    return e.expression;
  }

  get maps(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, Value>;
  } {
    return {
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

class InvalidPaginationToken extends Error {}

/** LastEvaluatedKey (DynamoDB's JSON) → AppSync's opaque nextToken. */
export function encodeNextToken(key: Record<string, unknown> | undefined): string | null {
  if (!key) return null;
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64');
}

/** A nextToken → ExclusiveStartKey as DynamoDB's JSON; anything that is not an encoded key is refused. */
export function decodeNextToken(token: unknown): Record<string, unknown> | undefined {
  if (token === undefined || token === null) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as unknown;
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded))
      throw new Error('not a key');
    return toWireMap(decoded);
  } catch {
    throw new InvalidPaginationToken(`Invalid pagination token: ${String(token).slice(0, 64)}`);
  }
}

function keyId(item: Record<string, unknown>, attributes: string[]): string {
  return JSON.stringify(attributes.map((name) => item[name]));
}

interface SdkError {
  name: string;
  message: string;
  $metadata?: { requestId?: string; httpStatusCode?: number };
}

function awsErrorMessage(error: SdkError): string {
  const requestId = error.$metadata?.requestId ?? 'local';
  const status = error.$metadata?.httpStatusCode ?? 400;
  const text =
    error.name === 'ConditionalCheckFailedException' ? 'The conditional request failed' : error.message;
  return `${text} (Service: DynamoDb, Status Code: ${status}, Request ID: ${requestId})`;
}

export class DynamoDbDataSource implements DataSource {
  readonly kind = 'AMAZON_DYNAMODB';

  constructor(
    readonly name: string,
    readonly tableName: string,
    /** A getter: the client exists only once the provider has started. */
    private readonly clientOf: () => DynamoDBClient,
  ) {}

  private get client(): DynamoDBClient {
    return this.clientOf();
  }

  /** Reads go straight to DynamoDB's JSON protocol (wire-client.ts); writes through the SDK. */
  private async call(operation: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
    return (await wireFor(this.client)).call(operation, input);
  }

  async run({ request }: DataSourceCall): Promise<DataSourceOutcome> {
    const op = requestObject(request, this.name);
    try {
      return { result: await this.operation(op) };
    } catch (error) {
      if (error instanceof InvalidPaginationToken) {
        return { result: null, error: { type: 'DynamoDB:DynamoDbException', message: error.message } };
      }
      if (error instanceof Error && '$metadata' in error) {
        const outcome: DataSourceOutcome = {
          result: null,
          error: { type: `DynamoDB:${error.name}`, message: awsErrorMessage(error as SdkError) },
        };
        const reasons = (error as { CancellationReasons?: Array<{ Code?: string; Message?: string }> })
          .CancellationReasons;
        if (reasons) {
          outcome.result = {
            keys: null,
            cancellationReasons: reasons.map((r) => ({ type: r.Code ?? 'None', message: r.Message ?? null })),
          };
        }
        return outcome;
      }
      throw error;
    }
  }

  private async operation(op: Record<string, unknown>): Promise<unknown> {
    const TableName = this.tableName;
    const ph = new Placeholders(toSdkMap);
    switch (op.operation) {
      case 'GetItem': {
        const wire = new Placeholders(toWireMap);
        const ProjectionExpression = wire.add(op.projection);
        const out = await this.call('GetItem', {
          TableName,
          Key: toWireMap(op.key),
          ConsistentRead: op.consistentRead === true,
          ...(ProjectionExpression === undefined ? {} : { ProjectionExpression }),
          ...wire.maps,
        });
        return out.Item ? plainMap(out.Item) : null;
      }
      case 'PutItem': {
        const Item = { ...toSdkMap(op.attributeValues ?? {}), ...toSdkMap(op.key) };
        const ConditionExpression = ph.add(op.condition);
        await this.client.send(new PutItemCommand({ TableName, Item, ConditionExpression, ...ph.maps }));
        return toPlainMap(Item);
      }
      case 'UpdateItem': {
        const UpdateExpression = ph.add(op.update);
        const ConditionExpression = ph.add(op.condition);
        const out = await this.client.send(
          new UpdateItemCommand({
            TableName,
            Key: toSdkMap(op.key),
            UpdateExpression,
            ConditionExpression,
            ReturnValues: 'ALL_NEW',
            ...ph.maps,
          }),
        );
        return out.Attributes ? toPlainMap(out.Attributes) : null;
      }
      case 'DeleteItem': {
        const ConditionExpression = ph.add(op.condition);
        const out = await this.client.send(
          new DeleteItemCommand({
            TableName,
            Key: toSdkMap(op.key),
            ConditionExpression,
            ReturnValues: 'ALL_OLD',
            ...ph.maps,
          }),
        );
        return out.Attributes ? toPlainMap(out.Attributes) : null;
      }
      case 'Query':
      case 'Scan':
        return this.read(op);
      case 'BatchGetItem':
        return this.batchGet(op);
      case 'BatchPutItem':
      case 'BatchDeleteItem':
        return this.batchWrite(op);
      case 'TransactGetItems': {
        const items = (op.transactItems as Array<Record<string, unknown>>).map((item) => {
          const itemPh = new Placeholders(toSdkMap);
          const ProjectionExpression = itemPh.add(item.projection);
          return {
            Get: {
              TableName: String(item.table),
              Key: toSdkMap(item.key),
              ProjectionExpression,
              ...itemPh.maps,
            },
          };
        });
        const out = await this.client.send(new TransactGetItemsCommand({ TransactItems: items }));
        return {
          items: (out.Responses ?? []).map((r) => (r.Item ? toPlainMap(r.Item) : null)),
          cancellationReasons: null,
        };
      }
      case 'TransactWriteItems':
        return this.transactWrite(op);
      default:
        throw new Error(`unsupported DynamoDB operation "${String(op.operation)}"`);
    }
  }

  private async read(op: Record<string, unknown>): Promise<unknown> {
    const ph = new Placeholders(toWireMap);
    const input: Record<string, unknown> = {
      TableName: this.tableName,
      IndexName: typeof op.index === 'string' ? op.index : undefined,
      Limit: typeof op.limit === 'number' ? op.limit : undefined,
      ConsistentRead: op.consistentRead === true ? true : undefined,
      ExclusiveStartKey: decodeNextToken(op.nextToken),
      FilterExpression: ph.add(op.filter),
      ProjectionExpression: ph.add(op.projection),
      Select: typeof op.select === 'string' ? op.select : undefined,
    };
    if (op.operation === 'Query') {
      input.KeyConditionExpression = ph.add(op.query);
      input.ScanIndexForward = op.scanIndexForward !== false;
    } else {
      input.Segment = typeof op.segment === 'number' ? op.segment : undefined;
      input.TotalSegments = typeof op.totalSegments === 'number' ? op.totalSegments : undefined;
    }
    // JSON.stringify leaves out what is undefined, as DynamoDB wants absent members absent.
    const out = await this.call(String(op.operation), { ...input, ...ph.maps });
    return {
      items: ((out.Items ?? []) as unknown[]).map(plainMap),
      nextToken: encodeNextToken(out.LastEvaluatedKey as Record<string, unknown> | undefined),
      scannedCount: typeof out.ScannedCount === 'number' ? out.ScannedCount : 0,
    };
  }

  private async batchGet(op: Record<string, unknown>): Promise<unknown> {
    const tables = op.tables as Record<
      string,
      { keys: unknown[]; consistentRead?: boolean; projection?: unknown }
    >;
    const keysOf: Record<string, Array<Record<string, unknown>>> = {};
    const RequestItems: Record<string, unknown> = {};
    for (const [table, spec] of Object.entries(tables)) {
      const ph = new Placeholders(toWireMap);
      const Keys = spec.keys.map(toWireMap);
      keysOf[table] = Keys;
      RequestItems[table] = {
        Keys,
        ConsistentRead: spec.consistentRead === true,
        ProjectionExpression: ph.add(spec.projection),
        ...ph.maps,
      };
    }
    const out = await this.call('BatchGetItem', { RequestItems });
    const responses = (out.Responses ?? {}) as Record<string, unknown[]>;
    const unprocessed = (out.UnprocessedKeys ?? {}) as Record<string, { Keys?: unknown[] }>;
    const data: Record<string, unknown[]> = {};
    for (const table of Object.keys(tables)) {
      const keys = (keysOf[table] ?? []).map(plainMap);
      const attributes = Object.keys(keys[0] ?? {});
      const items = (responses[table] ?? []).map(plainMap);
      const found = new Map(items.map((item) => [keyId(item, attributes), item] as const));
      // AppSync answers in key order, with null where an item is missing.
      data[table] = keys.map((key) => found.get(keyId(key, attributes)) ?? null);
    }
    const unprocessedKeys = Object.fromEntries(
      Object.keys(tables).map((table) => [table, (unprocessed[table]?.Keys ?? []).map(plainMap)]),
    );
    return { data, unprocessedKeys };
  }

  private async batchWrite(op: Record<string, unknown>): Promise<unknown> {
    const put = op.operation === 'BatchPutItem';
    const tables = op.tables as Record<string, unknown[]>;
    const RequestItems = Object.fromEntries(
      Object.entries(tables).map(([table, entries]) => [
        table,
        entries.map((entry) =>
          put ? { PutRequest: { Item: toSdkMap(entry) } } : { DeleteRequest: { Key: toSdkMap(entry) } },
        ),
      ]),
    );
    const out = await this.client.send(new BatchWriteItemCommand({ RequestItems }));
    const data = Object.fromEntries(
      Object.entries(tables).map(([table, entries]) => [
        table,
        entries.map((entry) => toPlainMap(toSdkMap(entry))),
      ]),
    );
    const unprocessed = Object.fromEntries(
      Object.keys(tables).map((table) => [
        table,
        (out.UnprocessedItems?.[table] ?? []).map((r) =>
          toPlainMap((put ? r.PutRequest?.Item : r.DeleteRequest?.Key) ?? {}),
        ),
      ]),
    );
    return put ? { data, unprocessedItems: unprocessed } : { data, unprocessedKeys: unprocessed };
  }

  private async transactWrite(op: Record<string, unknown>): Promise<unknown> {
    const items = op.transactItems as Array<Record<string, unknown>>;
    const TransactItems: TransactWriteItem[] = items.map((item) => {
      const ph = new Placeholders(toSdkMap);
      const TableName = String(item.table);
      const Key = toSdkMap(item.key);
      const condition = item.condition as
        | (ExpressionJson & { returnValuesOnConditionCheckFailure?: boolean })
        | undefined;
      const ConditionExpression = ph.add(condition);
      const failure = condition?.returnValuesOnConditionCheckFailure
        ? { ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const }
        : {};
      switch (item.operation) {
        case 'PutItem':
          return {
            Put: {
              TableName,
              Item: { ...toSdkMap(item.attributeValues ?? {}), ...Key },
              ConditionExpression,
              ...failure,
              ...ph.maps,
            },
          };
        case 'UpdateItem': {
          const UpdateExpression = ph.add(item.update) ?? '';
          return {
            Update: { TableName, Key, UpdateExpression, ConditionExpression, ...failure, ...ph.maps },
          };
        }
        case 'DeleteItem':
          return { Delete: { TableName, Key, ConditionExpression, ...failure, ...ph.maps } };
        case 'ConditionCheck':
          return {
            ConditionCheck: {
              TableName,
              Key,
              ConditionExpression: ConditionExpression ?? '',
              ...failure,
              ...ph.maps,
            },
          };
        default:
          throw new Error(`unsupported transactItems operation "${String(item.operation)}"`);
      }
    });
    await this.client.send(new TransactWriteItemsCommand({ TransactItems }));
    return { keys: items.map((item) => toPlainMap(toSdkMap(item.key))), cancellationReasons: null };
  }
}
