/**
 * Local Step Functions: runs the SAME contracts/pipeline.asl.json (substituted with local names) on
 * aws-local-stepfunctions, with a local handler for every Task state, and keeps an execution history.
 *
 * LIMITATIONS
 * - One state machine (the pipeline); executions run in this process, concurrently, with no limit.
 * - Task integrations: lambda:invoke (and bare function ARNs), dynamodb get/put/update/deleteItem,
 *   sns:publish and aws-sdk:s3:deleteObject. A definition using anything else fails at construction.
 * - Choice rules' `false` type tests (`"IsNull": false`, …) are rewritten as `Not { …: true }` before
 *   aws-local-stepfunctions reads the definition, which answers them false whatever the value
 *   (type-tests.ts).
 * - JSONPath only (no JSONata, no Variables). The Context Object has Execution.{Id,Name,Input,StartTime},
 *   StateMachine.{Id,Name} and State.EnteredTime; nothing else.
 * - Error names of integrations follow AWS's conventions (see task-errors.ts), but unmodelled service
 *   errors are reported generically (`DynamoDB.AmazonDynamoDBException`, `S3.S3Exception`).
 * - Executions still RUNNING when the process stops are marked ABORTED at the next start (their
 *   leases are released by local/recovery.ts and their queue messages claim the items again).
 * - The JSON API answers StartExecution, StartSyncExecution (the machine is Express: the answer
 *   waits for the end, HTTP 200 with status SUCCEEDED, FAILED or TIMED_OUT), DescribeExecution and
 *   ListExecutions only; ListExecutions pages with a plain offset token. The SDK sends
 *   StartSyncExecution to a `sync-` host prefix: local clients set `disableHostPrefix: true`.
 */
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import {
  ExecutionAbortedError,
  ExecutionTimeoutError,
  type RunOptions,
  StateMachine,
  type StateMachineDefinition,
} from 'aws-local-stepfunctions';
import { liveFunctionName } from '../../../contracts/function-specs.ts';
import { names } from '../../../contracts/names.ts';
import { loadPipelineDefinition, type PipelineSubstitution } from '../../../contracts/pipeline-definition.ts';
import type { LocalConfig } from '../../config.ts';
import { applyLatency } from '../../faults.ts';
import { readJsonObject } from '../../json-body.ts';
import { AwsError, type EdgeRequest, type Provider, type ProviderHealth, sendJson } from '../../provider.ts';
import type { ProviderContext } from '../../provider-context.ts';
import { executionInput, executionName } from './execution-request.ts';
import { type ExecutionRecord, type ExecutionStatus, ExecutionStore } from './execution-store.ts';
import {
  type AslMachine,
  type InvokeLambda,
  retryIntervalOverridesFor,
  type TaskCollaborators,
  type TaskHandler,
  taskHandlersFor,
} from './task-handlers.ts';
import { withAwsTypeTests } from './type-tests.ts';

type LocalHandlers = NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>;

export type { ExecutionRecord, ExecutionStatus } from './execution-store.ts';

export interface StepFunctionsProviderOptions extends ProviderContext {
  /** The local edge (`http://127.0.0.1:PORT`) the DynamoDB, SNS and S3 integrations call. */
  endpoint: string;
  invokeLambda: InvokeLambda;
  /** Replaces some of the local names/ARNs the definition is filled with. */
  definitionSubstitutions?: Partial<Record<PipelineSubstitution, string>>;
  /** Pause between retries in ms instead of the definition's backoff (tests). */
  retryDelayMs?: number;
  /** Clients for the integrations; built against `endpoint` unless given. */
  clients?: Partial<Omit<TaskCollaborators, 'invokeLambda'>>;
}

/** The substitutions that make the definition point at the local stack's resources. */
export function localPipelineSubstitutions(config: LocalConfig): Record<PipelineSubstitution, string> {
  // The live alias's ARN, as the CDK app substitutes it: the local Lambda answers for the qualifier.
  const functionArn = (name: string) =>
    `arn:aws:lambda:${config.region}:${config.accountId}:function:${liveFunctionName(name)}`;
  return {
    TableName: names.table,
    BucketName: names.localBucket,
    InspectFunctionArn: functionArn(names.functions.inspect),
    ThumbnailsFunctionArn: functionArn(names.functions.thumbnails),
    AnalyseFunctionArn: functionArn(names.functions.analyse),
    FlagFunctionArn: functionArn(names.functions.flag),
    SaveResultFunctionArn: functionArn(names.functions.saveResult),
    MarkFailedFunctionArn: functionArn(names.functions.markFailed),
    PublishFunctionArn: functionArn(names.functions.publish),
    ApproveFunctionArn: functionArn(names.functions.approve),
  };
}

/**
 * Validating a definition costs about a second of CPU; a StateMachine runs any number of
 * independent executions, so each distinct definition is built once per process.
 */
const machines = new Map<string, StateMachine>();
function machineFor(text: string, definition: AslMachine): StateMachine {
  let machine = machines.get(text);
  if (!machine) {
    machine = new StateMachine(withAwsTypeTests(definition) as unknown as StateMachineDefinition);
    machines.set(text, machine);
  }
  return machine;
}

/** `State.EnteredTime` is read when a path is evaluated, i.e. as the state runs. */
function contextFor(executionArn: string, name: string, stateMachineArn: string) {
  const state = {};
  Object.defineProperty(state, 'EnteredTime', { enumerable: true, get: () => new Date().toISOString() });
  return {
    Execution: { Id: executionArn, Name: name },
    StateMachine: { Id: stateMachineArn, Name: names.stateMachine },
    State: state,
  };
}

/** What a failed run reports: the Fail state's Error/Cause, or the error that ended it. */
function failureOf(error: unknown): { status: ExecutionStatus; error: string; cause: string } {
  if (error instanceof ExecutionTimeoutError) {
    return { status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out' };
  }
  if (error instanceof ExecutionAbortedError) {
    return { status: 'ABORTED', error: 'States.Aborted', cause: 'The execution was aborted' };
  }
  const reason = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  if (reason instanceof Error) return { status: 'FAILED', error: reason.name, cause: reason.message };
  return { status: 'FAILED', error: 'States.Runtime', cause: String(reason) };
}

export class StepFunctionsProvider implements Provider {
  readonly name = 'states';
  readonly stateMachineArn: string;
  readonly definition: AslMachine;
  private readonly machine: StateMachine;
  private readonly handlers: Record<string, TaskHandler>;
  private readonly retryIntervalOverrides: Record<string, number> | undefined;
  private readonly store: ExecutionStore;
  private readonly running = new Map<string, { promise: Promise<void>; abort: () => void }>();
  private started = false;

  constructor(private readonly options: StepFunctionsProviderOptions) {
    const { config, endpoint } = options;
    this.stateMachineArn = `arn:aws:states:${config.region}:${config.accountId}:stateMachine:${names.stateMachine}`;
    const text = loadPipelineDefinition({
      ...localPipelineSubstitutions(config),
      ...options.definitionSubstitutions,
    });
    this.definition = JSON.parse(text) as AslMachine;
    this.machine = machineFor(text, this.definition);
    const clientConfig = { endpoint, region: config.region, credentials: config.credentials };
    this.handlers = taskHandlersFor(this.definition, {
      invokeLambda: options.invokeLambda,
      dynamodb: options.clients?.dynamodb ?? new DynamoDBClient(clientConfig),
      sns: options.clients?.sns ?? new SNSClient(clientConfig),
      s3: options.clients?.s3 ?? new S3Client({ ...clientConfig, forcePathStyle: true }),
    });
    this.retryIntervalOverrides =
      options.retryDelayMs === undefined
        ? undefined
        : retryIntervalOverridesFor(this.definition, options.retryDelayMs);
    this.store = new ExecutionStore(path.join(config.dataDir, 'stepfunctions', 'executions.json'));
  }

  async start(): Promise<void> {
    await this.store.load();
    this.started = true;
  }

  async stop(): Promise<void> {
    for (const { abort } of this.running.values()) abort();
    await this.waitForIdle();
    this.started = false;
  }

  async reset(): Promise<void> {
    for (const { abort } of this.running.values()) abort();
    await this.waitForIdle();
    await this.store.clear();
  }

  health(): ProviderHealth {
    return {
      ready: this.started,
      detail: `${this.running.size} running, ${this.store.list().length} executions`,
    };
  }

  /** Starts an execution and returns at once (as StartExecution does); it runs in the background. */
  startExecution(input: unknown, name: string = randomUUID()): { executionArn: string; startDate: string } {
    const executionArn = `arn:aws:states:${this.options.config.region}:${this.options.config.accountId}:execution:${names.stateMachine}:${name}`;
    // Synchronous as StartExecution's answer is: an injected error fails the start (no latency here).
    const fault = this.options.faults.find('states', 'StartExecution', [name]);
    if (fault?.error)
      throw new AwsError(fault.error, fault.message ?? `Injected fault: ${fault.error}`, fault.status ?? 400);
    if (this.store.get(executionArn)) {
      throw new AwsError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
    }
    const startDate = new Date().toISOString();
    const record: ExecutionRecord = {
      executionArn,
      stateMachineArn: this.stateMachineArn,
      name,
      status: 'RUNNING',
      input: JSON.stringify(input ?? {}),
      startDate,
      states: [],
      retries: {},
    };
    this.store.add(record);

    const execution = this.machine.run(JSON.parse(record.input), {
      overrides: {
        // Handlers return plain JSON (task-handlers.ts); the library's type insists on its JSONValue.
        taskResourceLocalHandlers: this.handlers as LocalHandlers,
        ...(this.retryIntervalOverrides && { retryIntervalOverrides: this.retryIntervalOverrides }),
      },
      context: contextFor(executionArn, name, this.stateMachineArn),
    });
    const promise = Promise.all([
      this.follow(record, execution.eventLogs),
      this.settle(record, execution.result),
    ])
      .then(() => undefined)
      .finally(() => this.running.delete(executionArn));
    this.running.set(executionArn, { promise, abort: execution.abort });
    return { executionArn, startDate };
  }

  /** Records each state entered and each retry, as the execution goes. */
  private async follow(
    record: ExecutionRecord,
    events: AsyncIterable<{ type: string; state?: { name: string } }>,
  ) {
    for await (const event of events) {
      if (event.type === 'StateEntered' && event.state) record.states.push(event.state.name);
      if (event.type === 'StateRetried' && event.state) {
        record.retries[event.state.name] = (record.retries[event.state.name] ?? 0) + 1;
      }
    }
  }

  private async settle(record: ExecutionRecord, result: Promise<unknown>): Promise<void> {
    try {
      const output = await result;
      this.store.update(record.executionArn, {
        status: 'SUCCEEDED',
        output: JSON.stringify(output ?? null),
        stopDate: new Date().toISOString(),
      });
    } catch (error) {
      this.store.update(record.executionArn, { ...failureOf(error), stopDate: new Date().toISOString() });
    }
  }

  /**
   * StartSyncExecution: runs an execution to its end and returns its record (as an Express
   * machine's synchronous start does; a failed execution is an answer, not an error).
   */
  async startSyncExecution(input: unknown, name?: string): Promise<ExecutionRecord> {
    const { executionArn } = this.startExecution(input, name);
    await this.running.get(executionArn)?.promise;
    const record = this.store.get(executionArn);
    if (!record) throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${executionArn}'`);
    return record;
  }

  describeExecution(executionArn: string): ExecutionRecord | undefined {
    return this.store.get(executionArn);
  }

  /** Newest first. */
  listExecutions(): ExecutionRecord[] {
    return this.store.list();
  }

  /** Resolves when no execution is running and the history is on disk (tests, shutdown). */
  async waitForIdle(): Promise<void> {
    while (this.running.size > 0) {
      await Promise.allSettled([...this.running.values()].map(({ promise }) => promise));
    }
    await this.store.flush();
  }

  /** The Step Functions JSON API (`X-Amz-Target: AWSStepFunctions.*`), for the SDK and the CLI. */
  async handle({ req, res, body }: EdgeRequest): Promise<void> {
    const send = (status: number, payload: unknown) =>
      sendJson(res, status, payload, { 'content-type': 'application/x-amz-json-1.0' });
    const read = readJsonObject(body);
    if (!read.ok) {
      send(400, { __type: read.code, message: read.message });
      return;
    }
    const operation = String(req.headers['x-amz-target'] ?? '').replace(/^AWSStepFunctions\./, '');
    try {
      // StartExecution asks for its faults itself (the EventBridge target calls it directly too).
      if (operation !== 'StartExecution') {
        const fault = this.options.faults.find('states', operation);
        await applyLatency(fault);
        if (fault?.error)
          throw new AwsError(
            fault.error,
            fault.message ?? `Injected fault: ${fault.error}`,
            fault.status ?? 400,
          );
      }
      send(200, await this.answer(operation, read.value));
    } catch (error) {
      const aws = error instanceof AwsError ? error : new AwsError('InvalidRequest', String(error));
      send(aws.status, { __type: aws.code, message: aws.message });
    }
  }

  private async answer(operation: string, request: Record<string, unknown>): Promise<unknown> {
    const epochSeconds = (iso: string | undefined) => (iso ? Date.parse(iso) / 1000 : undefined);
    const describe = (r: ExecutionRecord) => ({
      executionArn: r.executionArn,
      stateMachineArn: r.stateMachineArn,
      name: r.name,
      status: r.status,
      startDate: epochSeconds(r.startDate),
      stopDate: epochSeconds(r.stopDate),
      input: r.input,
      output: r.output,
      error: r.error,
      cause: r.cause,
    });
    switch (operation) {
      case 'StartExecution': {
        this.assertStateMachine(request.stateMachineArn);
        const input = executionInput(request);
        const name = executionName(request);
        const started = this.startExecution(input, name);
        return { executionArn: started.executionArn, startDate: epochSeconds(started.startDate) };
      }
      case 'StartSyncExecution': {
        this.assertStateMachine(request.stateMachineArn);
        const input = executionInput(request);
        const name = executionName(request);
        const record = await this.startSyncExecution(input, name);
        const { executionArn, stateMachineArn, startDate, stopDate, status, output, error, cause } =
          describe(record);
        return {
          executionArn,
          stateMachineArn,
          name: record.name,
          startDate,
          stopDate,
          // An Express execution ends SUCCEEDED, FAILED or TIMED_OUT (an abort at shutdown is a failure).
          status: status === 'ABORTED' ? 'FAILED' : status,
          input: record.input,
          inputDetails: { included: true },
          ...(output === undefined ? {} : { output, outputDetails: { included: true } }),
          ...(error === undefined ? {} : { error }),
          ...(cause === undefined ? {} : { cause }),
          billingDetails: {
            billedMemoryUsedInMB: 64,
            billedDurationInMilliseconds: Math.max(
              100,
              Math.ceil(((stopDate ?? 0) - (startDate ?? 0)) * 1000),
            ),
          },
        };
      }
      case 'DescribeExecution': {
        const record = this.store.get(String(request.executionArn));
        if (!record)
          throw new AwsError('ExecutionDoesNotExist', `Execution Does Not Exist: '${request.executionArn}'`);
        return describe(record);
      }
      case 'ListExecutions': {
        this.assertStateMachine(request.stateMachineArn);
        const filtered = this.store
          .list()
          .filter((r) => request.statusFilter === undefined || r.status === request.statusFilter);
        const offset = Number(request.nextToken ?? 0) || 0;
        const max = Number(request.maxResults ?? 100) || 100;
        const page = filtered.slice(offset, offset + max);
        return {
          executions: page.map((r) => {
            const { input: _input, output: _output, error: _error, cause: _cause, ...rest } = describe(r);
            return rest;
          }),
          nextToken: offset + max < filtered.length ? String(offset + max) : undefined,
        };
      }
      default:
        throw new AwsError('UnknownOperationException', `Unsupported Step Functions operation: ${operation}`);
    }
  }

  private assertStateMachine(arn: unknown): void {
    if (arn !== this.stateMachineArn) {
      throw new AwsError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${String(arn)}'`);
    }
  }
}
