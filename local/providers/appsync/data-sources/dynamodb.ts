/**
 * The AMAZON_DYNAMODB data source: AppSync's DynamoDB request objects (docs/appsync-reference.md §3) as SDK calls
 * on the local DynamoDB, results as plain values, failures in `ctx.error` with AppSync's types.
 */
import {
  type AttributeValue,
  BatchGetItemCommand,
  BatchWriteItemCommand,
  DeleteItemCommand,
  type DynamoDBClient,
  GetItemCommand,
  PutItemCommand,
  QueryCommand,
  ScanCommand,
  TransactGetItemsCommand,
  type TransactWriteItem,
  TransactWriteItemsCommand,
  UpdateItemCommand,
} from '@aws-sdk/client-dynamodb';
import { toPlainMap, toSdkMap, toWire } from './attribute-values.ts';
import { takePlainItems } from './plain-items.ts';
import { type DataSource, type DataSourceCall, type DataSourceOutcome, requestObject } from './registry.ts';

interface ExpressionJson {
  expression: string;
  expressionNames?: Record<string, string>;
  expressionValues?: Record<string, unknown>;
}

/** Collects expressions' placeholders into the one pair of maps a DynamoDB call takes. */
class Placeholders {
  private readonly names: Record<string, string> = {};
  private readonly values: Record<string, AttributeValue> = {};

  add(expression: unknown): string | undefined {
    if (expression === undefined || expression === null) return undefined;
    const e = expression as ExpressionJson;
    if (typeof e.expression !== 'string')
      throw new Error('an expression object needs an "expression" string');
    Object.assign(this.names, e.expressionNames ?? {});
    Object.assign(this.values, toSdkMap(e.expressionValues ?? {}));
    return e.expression;
  }

  get maps(): {
    ExpressionAttributeNames?: Record<string, string>;
    ExpressionAttributeValues?: Record<string, AttributeValue>;
  } {
    return {
      ...(Object.keys(this.names).length > 0 ? { ExpressionAttributeNames: this.names } : {}),
      ...(Object.keys(this.values).length > 0 ? { ExpressionAttributeValues: this.values } : {}),
    };
  }
}

class InvalidPaginationToken extends Error {}

export function encodeNextToken(key: Record<string, AttributeValue> | undefined): string | null {
  if (!key) return null;
  const wire = Object.fromEntries(Object.entries(key).map(([name, value]) => [name, toWire(value)]));
  return Buffer.from(JSON.stringify(wire), 'utf8').toString('base64');
}

export function decodeNextToken(token: unknown): Record<string, AttributeValue> | undefined {
  if (token === undefined || token === null) return undefined;
  try {
    const decoded = JSON.parse(Buffer.from(String(token), 'base64').toString('utf8')) as unknown;
    if (typeof decoded !== 'object' || decoded === null || Array.isArray(decoded))
      throw new Error('not a key');
    return toSdkMap(decoded);
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
    const ph = new Placeholders();
    switch (op.operation) {
      case 'GetItem': {
        const ProjectionExpression = ph.add(op.projection);
        const command = new GetItemCommand({
          TableName,
          Key: toSdkMap(op.key),
          ConsistentRead: op.consistentRead === true,
          ProjectionExpression,
          ...ph.maps,
        });
        const plain = takePlainItems(command);
        const out = await this.client.send(command);
        return plain.item ?? (out.Item ? toPlainMap(out.Item) : null);
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
        return this.read(op, ph);
      case 'BatchGetItem':
        return this.batchGet(op);
      case 'BatchPutItem':
      case 'BatchDeleteItem':
        return this.batchWrite(op);
      case 'TransactGetItems': {
        const items = (op.transactItems as Array<Record<string, unknown>>).map((item) => {
          const itemPh = new Placeholders();
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

  private async read(op: Record<string, unknown>, ph: Placeholders): Promise<unknown> {
    const common = {
      TableName: this.tableName,
      IndexName: typeof op.index === 'string' ? op.index : undefined,
      Limit: typeof op.limit === 'number' ? op.limit : undefined,
      ConsistentRead: op.consistentRead === true ? true : undefined,
      ExclusiveStartKey: decodeNextToken(op.nextToken),
      FilterExpression: ph.add(op.filter),
      ProjectionExpression: ph.add(op.projection),
      Select: typeof op.select === 'string' ? (op.select as 'ALL_ATTRIBUTES') : undefined,
    };
    const command =
      op.operation === 'Query'
        ? new QueryCommand({
            ...common,
            KeyConditionExpression: ph.add(op.query),
            ScanIndexForward: op.scanIndexForward !== false,
            ...ph.maps,
          })
        : new ScanCommand({
            ...common,
            Segment: typeof op.segment === 'number' ? op.segment : undefined,
            TotalSegments: typeof op.totalSegments === 'number' ? op.totalSegments : undefined,
            ...ph.maps,
          });
    const plain = takePlainItems(command);
    const out = await (command instanceof QueryCommand
      ? this.client.send(command)
      : this.client.send(command as ScanCommand));
    return {
      items: plain.items ?? (out.Items ?? []).map(toPlainMap),
      nextToken: encodeNextToken(out.LastEvaluatedKey),
      scannedCount: out.ScannedCount ?? 0,
    };
  }

  private async batchGet(op: Record<string, unknown>): Promise<unknown> {
    const tables = op.tables as Record<
      string,
      { keys: unknown[]; consistentRead?: boolean; projection?: unknown }
    >;
    const RequestItems = Object.fromEntries(
      Object.entries(tables).map(([table, spec]) => {
        const ph = new Placeholders();
        const ProjectionExpression = ph.add(spec.projection);
        return [
          table,
          {
            Keys: spec.keys.map(toSdkMap),
            ConsistentRead: spec.consistentRead === true,
            ProjectionExpression,
            ...ph.maps,
          },
        ];
      }),
    );
    const command = new BatchGetItemCommand({ RequestItems });
    const plain = takePlainItems(command);
    const out = await this.client.send(command);
    const data: Record<string, unknown[]> = {};
    for (const [table, spec] of Object.entries(tables)) {
      const keys = spec.keys.map((key) => toPlainMap(toSdkMap(key)));
      const attributes = Object.keys(keys[0] ?? {});
      const items = plain.responses?.[table] ?? (out.Responses?.[table] ?? []).map(toPlainMap);
      const found = new Map(items.map((item) => [keyId(item, attributes), item] as const));
      // AppSync answers in key order, with null where an item is missing.
      data[table] = keys.map((key) => found.get(keyId(key, attributes)) ?? null);
    }
    const unprocessedKeys = Object.fromEntries(
      Object.keys(tables).map((table) => [table, (out.UnprocessedKeys?.[table]?.Keys ?? []).map(toPlainMap)]),
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
      const ph = new Placeholders();
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
