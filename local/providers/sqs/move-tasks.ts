/**
 * Message move tasks (StartMessageMoveTask / ListMessageMoveTasks / CancelMessageMoveTask): a
 * dead-letter queue's messages go back to the queue each came from, or to DestinationArn, as new
 * messages (receive count reset) — the documented redrive.
 */
import { randomUUID } from 'node:crypto';
import type { Queue, QueueStore } from './store.ts';

export type MoveTaskStatus = 'RUNNING' | 'FAILED' | 'CANCELLING' | 'CANCELLED' | 'COMPLETED';

export interface MoveTask {
  taskHandle: string;
  sourceArn: string;
  destinationArn?: string;
  maxNumberOfMessagesPerSecond?: number;
  moved: number;
  toMove: number;
  status: MoveTaskStatus;
  startedAt: number;
  failureReason?: string;
  /** Settles when the task stops moving (tests and stop()). */
  done: Promise<void>;
}

export class MoveTasks {
  private readonly tasks: MoveTask[] = [];

  constructor(
    private readonly store: QueueStore,
    private readonly log: (line: string) => void,
  ) {}

  running(sourceArn: string): MoveTask | undefined {
    return this.tasks.find((task) => task.sourceArn === sourceArn && task.status === 'RUNNING');
  }

  start(source: Queue, destination: Queue | undefined, maxPerSecond: number | undefined): MoveTask {
    const now = Date.now();
    const ids = [...source.messages.values()]
      .filter((message) => message.delayUntil <= now && message.visibleAt <= now)
      .map((message) => message.id);
    const task: MoveTask = {
      taskHandle: Buffer.from(JSON.stringify({ taskId: randomUUID(), sourceArn: source.arn })).toString(
        'base64',
      ),
      sourceArn: source.arn,
      ...(destination ? { destinationArn: destination.arn } : {}),
      ...(maxPerSecond ? { maxNumberOfMessagesPerSecond: maxPerSecond } : {}),
      moved: 0,
      toMove: ids.length,
      status: 'RUNNING',
      startedAt: now,
      done: Promise.resolve(),
    };
    task.done = this.run(task, source, destination, ids).catch((error: unknown) => {
      task.status = 'FAILED';
      task.failureReason = error instanceof Error ? error.message : String(error);
      this.log(`[sqs] message move task from ${source.name} failed: ${task.failureReason}`);
    });
    this.tasks.unshift(task);
    return task;
  }

  /** The source queue's tasks, newest first. */
  list(sourceArn: string, max: number): MoveTask[] {
    return this.tasks.filter((task) => task.sourceArn === sourceArn).slice(0, max);
  }

  find(taskHandle: string): MoveTask | undefined {
    return this.tasks.find((task) => task.taskHandle === taskHandle);
  }

  cancel(task: MoveTask): void {
    if (task.status === 'RUNNING') task.status = 'CANCELLING';
  }

  async clear(): Promise<void> {
    for (const task of this.tasks) this.cancel(task);
    await Promise.all(this.tasks.map((task) => task.done));
    this.tasks.length = 0;
  }

  private async run(
    task: MoveTask,
    source: Queue,
    destination: Queue | undefined,
    ids: string[],
  ): Promise<void> {
    const pauseMs = task.maxNumberOfMessagesPerSecond ? 1000 / task.maxNumberOfMessagesPerSecond : 0;
    for (const id of ids) {
      if (task.status !== 'RUNNING') break;
      const message = source.messages.get(id);
      const now = Date.now();
      // Deleted, received or expired since the task started: nothing to move.
      if (!message || message.visibleAt > now) continue;
      const target = destination ?? this.store.queueByArn(message.deadLetterSourceArn ?? '');
      if (!target) throw new Error(`the source queue of message ${id} does not exist any more`);
      await this.store.move(source, target, message, {
        receiveCount: 0,
        firstReceiveAt: undefined,
        deadLetterSourceArn: undefined,
        sentAt: now,
        delayUntil: now,
      });
      task.moved += 1;
      await new Promise((resolve) => (pauseMs > 0 ? setTimeout(resolve, pauseMs) : setImmediate(resolve)));
    }
    task.status = task.status === 'CANCELLING' ? 'CANCELLED' : 'COMPLETED';
  }
}
