/**
 * `darkroom` — the command line for scripts: sign-up / confirm / sign-in / sign-out, upload with
 * progress, list, search, usage, get, watch, delete. Exit codes: 0 ok, 1 some failed, 2 usage.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { MultiBar, Presets } from 'cli-progress';
import { type AmplifyOutputs, quietAmplifyLogs } from '../amplify-config.ts';
import { keepTokensIn } from '../auth.ts';
import { createDarkroomClient, type DarkroomClient } from '../client.ts';
import type { ImageStatus } from '../generated/operations.ts';
import {
  imageDetails,
  imageTable,
  type UploadOutcome,
  uploadBar,
  uploadTable,
  usageLines,
} from './format.ts';
import { defaultTokenFile, fileTokenStore } from './token-store.ts';

const USAGE = `usage: darkroom [--outputs amplify_outputs.json] <command>

  sign-up <email> <password>     create an account (a confirmation code follows)
  confirm <email> <code>         confirm the account
  sign-in <email> <password>     sign in (tokens are kept per endpoint)
  sign-out
  upload <files…>                upload and wait for processing; prints a table
  list [--status S] [--limit N]  your images, newest first
  search <label> [--faces|--no-faces] [--status S] [--from T] [--to T]
                                 your images with that label (or a parent of it), newest first
  usage                          your uploads today and bytes stored, against your quotas
  get <id> [--json]              one image
  watch                          print each milestone and outcome of your images as they happen
  delete <id>                    delete an image and its files
  admin add-moderator <email>    local stack only: put a user in the moderators group
                                 (signed with the stack's credentials; sign in again after)`;

class UsageError extends Error {}

export async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      outputs: { type: 'string', default: process.env.DARKROOM_OUTPUTS ?? 'amplify_outputs.json' },
      status: { type: 'string' },
      limit: { type: 'string' },
      json: { type: 'boolean', default: false },
      faces: { type: 'boolean' },
      'no-faces': { type: 'boolean' },
      from: { type: 'string' },
      to: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command, ...args] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return values.help ? 0 : 2;
  }
  // Amplify warns on every run against a custom (local) Cognito endpoint: noise in a terminal.
  quietAmplifyLogs();
  const outputs = JSON.parse(await readFile(values.outputs, 'utf8')) as AmplifyOutputs;
  const client = createDarkroomClient(outputs);
  keepTokensIn(fileTokenStore(defaultTokenFile(), outputs.data?.url ?? 'default'));
  if ((command === 'upload' || command === 'watch') && typeof globalThis.WebSocket === 'undefined') {
    // Progress and the processed image arrive over a WebSocket: without one the command could only wait.
    throw new Error(
      `${command} needs a global WebSocket (Node.js 22 or later); this is Node ${process.version}`,
    );
  }
  try {
    switch (command) {
      case 'sign-up': {
        const [email, password] = need(args, 2, 'sign-up <email> <password>');
        const result = await client.signUp(email, password);
        console.log(
          result.isSignUpComplete
            ? 'signed up'
            : `signed up: enter the code with "darkroom confirm ${email} <code>"`,
        );
        return 0;
      }
      case 'confirm': {
        const [email, code] = need(args, 2, 'confirm <email> <code>');
        await client.confirmSignUp(email, code);
        console.log('confirmed: now "darkroom sign-in"');
        return 0;
      }
      case 'sign-in': {
        const [email, password] = need(args, 2, 'sign-in <email> <password>');
        const result = await client.signIn(email, password);
        if (!result.isSignedIn) throw new Error(`sign-in needs another step: ${result.nextStep.signInStep}`);
        console.log(`signed in as ${email}`);
        return 0;
      }
      case 'sign-out':
        await client.signOut();
        console.log('signed out');
        return 0;
      case 'upload':
        if (args.length === 0) throw new UsageError('upload <files…>');
        return await upload(client, args);
      case 'list': {
        const limit = values.limit ? Number(values.limit) : undefined;
        const status = values.status as ImageStatus | undefined;
        const images = [];
        for await (const page of client.listImages({ status, limit })) images.push(...page.items);
        console.log(values.json ? JSON.stringify(images, null, 2) : imageTable(images));
        return 0;
      }
      case 'search': {
        const [label] = need(args, 1, 'search <label>');
        if (values.faces && values['no-faces']) {
          throw new UsageError('search: --faces and --no-faces exclude each other');
        }
        const hasFaces = values.faces ? true : values['no-faces'] ? false : undefined;
        const images = await client.searchImages({
          label,
          hasFaces,
          status: values.status as ImageStatus | undefined,
          from: values.from,
          to: values.to,
        });
        console.log(values.json ? JSON.stringify(images, null, 2) : imageTable(images));
        return 0;
      }
      case 'usage': {
        const usage = await client.myUsage();
        console.log(values.json ? JSON.stringify(usage, null, 2) : usageLines(usage));
        return 0;
      }
      case 'get': {
        const [id] = need(args, 1, 'get <id>');
        const image = await client.getImage(id);
        if (!image) {
          console.error(`no image ${id}`);
          return 1;
        }
        console.log(values.json ? JSON.stringify(image, null, 2) : imageDetails(image));
        return 0;
      }
      case 'watch':
        return await new Promise<number>((resolve) => {
          client.onImageProgress({
            next: (image) =>
              console.log(
                `${new Date().toISOString()}  ${image.id}  ${image.status === 'PROCESSING' ? (image.stage ?? image.status) : image.status}  ${image.fileName}`,
              ),
            error: (error) => {
              console.error(String(error));
              resolve(1);
            },
          });
          console.error('watching: Ctrl-C to stop');
        });
      case 'admin': {
        const [action, email] = need(args, 2, 'admin add-moderator <email>');
        if (action !== 'add-moderator') throw new UsageError('admin add-moderator <email>');
        // Local-only tooling lives with the local stack; it refuses any other endpoint.
        const { addModerator } = await import('../../local/add-moderator.ts');
        await addModerator(outputs, email);
        console.log(`${email} is a moderator: sign in again to review FLAGGED images`);
        return 0;
      }
      case 'delete': {
        const [id] = need(args, 1, 'delete <id>');
        const image = await client.deleteImage(id);
        console.log(`deleted ${image.id} (${image.fileName})`);
        return 0;
      }
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } finally {
    client.close();
  }
}

function need(args: string[], count: 1, usage: string): [string];
function need(args: string[], count: 2, usage: string): [string, string];
function need(args: string[], count: number, usage: string): string[] {
  if (args.length < count) throw new UsageError(usage);
  return args.slice(0, count);
}

async function upload(client: DarkroomClient, files: string[]): Promise<number> {
  // Bars only on a terminal: cli-progress skips a bar's start (and its payload) when the stream is
  // not a TTY, then prints the raw "{file}" template at stop. Pipes and CI get the table alone.
  const bars = process.stderr.isTTY
    ? new MultiBar(
        { format: '{file} |{bar}| {percentage}% {phase}', hideCursor: true, clearOnComplete: false },
        Presets.shades_classic,
      )
    : undefined;
  const noBar = { update: () => undefined };
  const outcomes: UploadOutcome[] = await Promise.all(
    files.map(async (file): Promise<UploadOutcome> => {
      const name = path.basename(file);
      const bar = bars?.create(100, 0, { file: name.padEnd(24).slice(0, 24), phase: 'waiting' }) ?? noBar;
      const progress = uploadBar();
      try {
        const body = await readFile(file);
        const image = await client.upload(body, {
          fileName: name,
          onProgress: (report) => {
            const { value, phase } = progress(report);
            bar.update(value, { phase });
          },
        });
        bar.update(100, { phase: image.status.toLowerCase() });
        return { file: name, image };
      } catch (error) {
        bar.update({ phase: 'failed' });
        return { file: name, error: error instanceof Error ? error.message : String(error) };
      }
    }),
  );
  bars?.stop();
  console.log(uploadTable(outcomes));
  return outcomes.some((outcome) => !outcome.image || outcome.image.status === 'FAILED') ? 1 : 0;
}

export async function run(argv: string[]): Promise<never> {
  let code: number;
  try {
    code = await main(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`usage: darkroom ${error.message}\n\n${USAGE}`);
      code = 2;
    } else {
      console.error(`darkroom: ${error instanceof Error ? error.message : String(error)}`);
      code = 1;
    }
  }
  process.exit(code);
}
