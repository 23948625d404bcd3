/**
 * Tests only: AWS's DynamoDB Local (in memory, shared by every access key, on a free port) with the stack's tables
 * (tables.ts), so DynamoDB code is tested against the real thing rather than a fake.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { freePort } from './free-port.ts';
import { defaultJvmFlags, jarFolder } from './index.ts';
import { createTables } from './tables.ts';

export interface DynamoDbLocal {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

async function untilAnswering(client: DynamoDBClient, child: ChildProcess, deadline: number): Promise<void> {
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  for (;;) {
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch (error) {
      if (exited) throw new Error('DynamoDB Local exited during start');
      if (Date.now() > deadline) throw error;
      // The JVM is still starting: the port is not open yet.
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

export async function startDynamoDbLocal(): Promise<DynamoDbLocal> {
  const port = await freePort();
  const folder = jarFolder();
  const args = [...defaultJvmFlags, `-Djava.library.path=${path.join(folder, 'DynamoDBLocal_lib')}`];
  args.push('-jar', path.join(folder, 'DynamoDBLocal.jar'), '-inMemory', '-sharedDb', '-port', String(port));
  const child = spawn('java', args, { cwd: folder, stdio: 'ignore' });
  // A test process that ends without its afterAll (a failed run, an unhandled error) must not
  // leave the JVM behind, holding a port and ~140 MB.
  const killChild = () => child.kill();
  process.once('exit', killChild);
  child.once('exit', () => process.removeListener('exit', killChild));
  const endpoint = `http://127.0.0.1:${port}`;
  // DynamoDB Local accepts only letters and digits in the access key.
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'darkroomtests', secretAccessKey: 'local' },
  });
  try {
    await untilAnswering(client, child, Date.now() + 60_000);
    await createTables(client);
  } catch (error) {
    child.kill();
    throw error;
  }
  return {
    endpoint,
    client,
    async stop() {
      client.destroy();
      if (child.exitCode === null) {
        child.kill();
        await once(child, 'exit');
      }
    },
  };
}
