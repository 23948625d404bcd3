/**
 * Local stand-ins for the Task integrations a definition uses. aws-local-stepfunctions can only call
 * Lambda through AWS, so every Task state gets a handler here, chosen by its Resource (never by a
 * hand-kept list of state names): results are shaped and errors named as the real integrations do.
 */
import {
  DeleteItemCommand,
  type DeleteItemCommandInput,
  type DynamoDBClient,
  GetItemCommand,
  type GetItemCommandInput,
  PutItemCommand,
  type PutItemCommandInput,
  UpdateItemCommand,
  type UpdateItemCommandInput,
} from '@aws-sdk/client-dynamodb';
import { DeleteObjectCommand, type DeleteObjectCommandInput, type S3Client } from '@aws-sdk/client-s3';
import { PublishCommand, type PublishCommandInput, type SNSClient } from '@aws-sdk/client-sns';
import { dynamoDbTaskError, lambdaTaskError, s3TaskError, snsTaskError } from './task-errors.ts';

/** The part of an ASL definition this module reads. */
export interface AslState {
  Type: string;
  Resource?: string;
  Retry?: unknown[];
  Branches?: AslMachine[];
  ItemProcessor?: AslMachine;
  Iterator?: AslMachine;
}
export interface AslMachine {
  StartAt: string;
  States: Record<string, AslState>;
}

export type InvokeLambda = (functionName: string, payload: unknown) => Promise<unknown>;

export interface TaskCollaborators {
  /** The local Lambda provider's invoke: throws errors whose `name` is the function's error type. */
  invokeLambda: InvokeLambda;
  dynamodb: DynamoDBClient;
  sns: SNSClient;
  s3: S3Client;
}

/** Receives the state's effective input (its Parameters applied), as the integration's request. */
export type TaskHandler = (input: unknown) => Promise<unknown>;

/** Every state of a definition, Parallel branches and Map processors included, by name. */
export function allStates(machine: AslMachine): Array<[string, AslState]> {
  return Object.entries(machine.States).flatMap(([name, state]): Array<[string, AslState]> => {
    const nested = [...(state.Branches ?? []), state.ItemProcessor ?? state.Iterator].filter(
      (m): m is AslMachine => m !== undefined,
    );
    return [[name, state], ...nested.flatMap(allStates)];
  });
}

/** What a service returns, as Step Functions passes it on: plain JSON, without the SDK's $metadata. */
function asJson(value: unknown): unknown {
  if (value === undefined) return null;
  if (typeof value === 'object' && value !== null && !Array.isArray(value) && '$metadata' in value) {
    const { $metadata: _metadata, ...rest } = value;
    return JSON.parse(JSON.stringify(rest));
  }
  return JSON.parse(JSON.stringify(value));
}

async function run<T>(call: () => Promise<T>, nameError: (error: unknown) => Error): Promise<unknown> {
  try {
    return asJson(await call());
  } catch (error) {
    throw nameError(error);
  }
}

function handlerFor(resource: string, c: TaskCollaborators): TaskHandler | undefined {
  switch (resource) {
    case 'arn:aws:states:::lambda:invoke':
      return async (raw) => {
        const input = raw as { FunctionName: string; Payload?: unknown };
        let payload: unknown;
        try {
          // The name or ARN as the definition gives it, qualifier included: Lambda answers for it.
          payload = await c.invokeLambda(input.FunctionName, input.Payload ?? {});
        } catch (error) {
          throw lambdaTaskError(error);
        }
        // The real integration returns the invocation's metadata with the parsed Payload inside.
        return { ExecutedVersion: '$LATEST', Payload: asJson(payload), StatusCode: 200 };
      };
    case 'arn:aws:states:::dynamodb:getItem':
      return (input) =>
        run(() => c.dynamodb.send(new GetItemCommand(input as GetItemCommandInput)), dynamoDbTaskError);
    case 'arn:aws:states:::dynamodb:putItem':
      return (input) =>
        run(() => c.dynamodb.send(new PutItemCommand(input as PutItemCommandInput)), dynamoDbTaskError);
    case 'arn:aws:states:::dynamodb:updateItem':
      return (input) =>
        run(() => c.dynamodb.send(new UpdateItemCommand(input as UpdateItemCommandInput)), dynamoDbTaskError);
    case 'arn:aws:states:::dynamodb:deleteItem':
      return (input) =>
        run(() => c.dynamodb.send(new DeleteItemCommand(input as DeleteItemCommandInput)), dynamoDbTaskError);
    case 'arn:aws:states:::sns:publish':
      return (raw) => {
        const input = raw as Omit<PublishCommandInput, 'Message'> & { Message: unknown };
        // Step Functions serialises a JSON Message itself.
        const Message = typeof input.Message === 'string' ? input.Message : JSON.stringify(input.Message);
        return run(() => c.sns.send(new PublishCommand({ ...input, Message })), snsTaskError);
      };
    case 'arn:aws:states:::aws-sdk:s3:deleteObject':
      return (input) =>
        run(() => c.s3.send(new DeleteObjectCommand(input as DeleteObjectCommandInput)), s3TaskError);
    default:
      if (/^arn:aws:lambda:[^:]*:[^:]*:function:/.test(resource)) {
        // A bare function ARN: the legacy integration, whose result is the payload itself.
        return async (input) => {
          try {
            return asJson(await c.invokeLambda(resource, input));
          } catch (error) {
            throw lambdaTaskError(error);
          }
        };
      }
      return undefined;
  }
}

/**
 * A handler for every Task state of `machine`, keyed by state name (what aws-local-stepfunctions'
 * `taskResourceLocalHandlers` wants). Throws for a Resource with no local stand-in, so an
 * unsupported definition fails at start, not in the middle of an execution.
 */
export function taskHandlersFor(
  machine: AslMachine,
  collaborators: TaskCollaborators,
): Record<string, TaskHandler> {
  const handlers: Record<string, TaskHandler> = {};
  const seen = new Set<string>();
  for (const [name, state] of allStates(machine)) {
    // Handlers are keyed by name across branches, so names must be unique (as AWS requires too).
    if (seen.has(name)) throw new Error(`state name "${name}" is used twice in the definition`);
    seen.add(name);
    if (state.Type !== 'Task') continue;
    const handler = handlerFor(state.Resource ?? '', collaborators);
    if (!handler) throw new Error(`no local handler for Task "${name}" with Resource ${state.Resource}`);
    handlers[name] = handler;
  }
  return handlers;
}

/** Every state with a Retry, paused `delayMs` between attempts (tests skip the real backoff). */
export function retryIntervalOverridesFor(machine: AslMachine, delayMs: number): Record<string, number> {
  return Object.fromEntries(
    allStates(machine)
      .filter(([, state]) => (state.Retry?.length ?? 0) > 0)
      .map(([name]) => [name, delayMs]),
  );
}
