/**
 * The shape of a DynamoDB request body, checked before it is proxied: DynamoDB answers a field of
 * the wrong type with 400 SerializationException, DynamoDB Local with a 500 InternalFailure. Only
 * the fields every operation shares are typed here; the rest is DynamoDB Local's to judge.
 */
import { z } from 'zod';

const attributeValueKeys = ['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL'] as const;

type AttributeValue = { [K in (typeof attributeValueKeys)[number]]?: unknown };

const attributeValue: z.ZodType<AttributeValue> = z.lazy(() =>
  z
    .object({
      S: z.string(),
      N: z.string(),
      B: z.string(),
      SS: z.array(z.string()),
      NS: z.array(z.string()),
      BS: z.array(z.string()),
      M: z.record(z.string(), attributeValue),
      L: z.array(attributeValue),
      NULL: z.boolean(),
      BOOL: z.boolean(),
    })
    .partial()
    .strict()
    .refine((value) => Object.keys(value).length === 1, {
      message: 'an AttributeValue must contain exactly one of the supported datatypes',
    }),
);

const attributeMap = z.record(z.string(), attributeValue);

const requestBody = z.looseObject({
  TableName: z.string().optional(),
  IndexName: z.string().optional(),
  KeyConditionExpression: z.string().optional(),
  FilterExpression: z.string().optional(),
  ProjectionExpression: z.string().optional(),
  ConditionExpression: z.string().optional(),
  UpdateExpression: z.string().optional(),
  Select: z.string().optional(),
  ReturnValues: z.string().optional(),
  ReturnConsumedCapacity: z.string().optional(),
  ExclusiveStartTableName: z.string().optional(),
  Limit: z.number().int().optional(),
  Segment: z.number().int().optional(),
  TotalSegments: z.number().int().optional(),
  ConsistentRead: z.boolean().optional(),
  ScanIndexForward: z.boolean().optional(),
  Key: attributeMap.optional(),
  Item: attributeMap.optional(),
  ExclusiveStartKey: attributeMap.optional(),
  ExpressionAttributeValues: attributeMap.optional(),
  ExpressionAttributeNames: z.record(z.string(), z.string()).optional(),
  AttributesToGet: z.array(z.string()).optional(),
  RequestItems: z.record(z.string(), z.unknown()).optional(),
  TransactItems: z.array(z.record(z.string(), z.unknown())).optional(),
});

/** Why a body cannot be a DynamoDB operation's input, if it cannot. */
export function refuseMalformed(body: Buffer): string | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    return 'The request body is not valid JSON.';
  }
  const checked = requestBody.safeParse(value);
  if (checked.success) return undefined;
  const issue = checked.error.issues[0];
  if (!issue || issue.path.length === 0) return 'The request body must be a JSON object.';
  return `${issue.path.join('.')}: ${issue.message}`;
}
