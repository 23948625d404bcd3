import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { toResourcesConfig } from './amplify-config.ts';
import { sniffContentType } from './content-type.ts';
import { NotFoundError, toDarkroomError, ValidationError } from './errors.ts';
import { type Image, ImageEventRouter, type ImageEventSource } from './image-events.ts';
import { rewriteLoopbackUrl } from './loopback-websocket.ts';
import { parseS3Error } from './post-upload.ts';

describe('rewriteLoopbackUrl', () => {
  it('turns wss into ws for loopback hosts only', () => {
    expect(rewriteLoopbackUrl('wss://127.0.0.1:4566/graphql/realtime?x=1')).toBe(
      'ws://127.0.0.1:4566/graphql/realtime?x=1',
    );
    expect(rewriteLoopbackUrl('wss://localhost:4566/graphql/realtime')).toBe(
      'ws://localhost:4566/graphql/realtime',
    );
    expect(rewriteLoopbackUrl('wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/graphql')).toBe(
      'wss://abc.appsync-realtime-api.eu-west-1.amazonaws.com/graphql',
    );
  });
});

describe('toResourcesConfig', () => {
  it('merges the local Cognito endpoint from custom.userPoolEndpoint', () => {
    const config = toResourcesConfig({
      version: '1.3',
      auth: { aws_region: 'us-east-1', user_pool_id: 'local_abc', user_pool_client_id: 'client1' },
      data: {
        url: 'http://127.0.0.1:4566/graphql',
        aws_region: 'us-east-1',
        default_authorization_type: 'AMAZON_COGNITO_USER_POOLS',
        authorization_types: ['AWS_IAM'],
      },
      custom: { userPoolEndpoint: 'http://127.0.0.1:4566' },
    });

    expect(config.Auth?.Cognito).toMatchObject({
      userPoolId: 'local_abc',
      userPoolClientId: 'client1',
      userPoolEndpoint: 'http://127.0.0.1:4566',
    });
    expect(config.API?.GraphQL?.endpoint).toBe('http://127.0.0.1:4566/graphql');
    expect(config.API?.GraphQL?.defaultAuthMode).toBe('userPool');
  });
});

describe('sniffContentType', () => {
  it('recognises the formats darkroom takes, and HEIC so it can be refused by name', async () => {
    const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .jpeg()
      .toBuffer();
    const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#000' } })
      .webp()
      .toBuffer();
    const heic = Buffer.from('\0\0\0\x18ftypheic\0\0\0\0', 'latin1');

    expect(sniffContentType(jpeg)).toBe('image/jpeg');
    expect(sniffContentType(webp)).toBe('image/webp');
    expect(sniffContentType(heic)).toBe('image/heic');
    expect(sniffContentType(Buffer.from('hello world, no image'))).toBeUndefined();
  });
});

describe('errors', () => {
  it('maps AppSync errorTypes to typed errors', () => {
    expect(
      toDarkroomError({ errors: [{ errorType: 'ValidationError', message: 'input.size: too big' }] }),
    ).toBeInstanceOf(ValidationError);
    expect(toDarkroomError({ errors: [{ errorType: 'NotFound', message: 'no such image' }] })).toBeInstanceOf(
      NotFoundError,
    );
  });

  it('reads S3’s code and message from its XML error', () => {
    const error = parseS3Error(
      400,
      '<?xml version="1.0"?><Error><Code>EntityTooLarge</Code><Message>Your proposed upload exceeds the maximum allowed size</Message></Error>',
    );

    expect(error.code).toBe('EntityTooLarge');
    expect(error.status).toBe(400);
    expect(error.message).toContain('exceeds the maximum allowed size');
  });
});

describe('ImageEventRouter', () => {
  const image = (id: string, status: Image['status']) => ({ id, status }) as Image;

  function fakeSource(stored: Map<string, Image>) {
    const handlers: Parameters<ImageEventSource['subscribe']>[0][] = [];
    const source: ImageEventSource = {
      subscribe: (h) => {
        handlers.push(h);
        return () => {};
      },
      getImage: async (id) => stored.get(id) ?? null,
    };
    return { source, handlers };
  }

  it('starts one subscription for many waiters and routes terminal events by id', async () => {
    const { source, handlers } = fakeSource(new Map());
    const router = new ImageEventRouter(source);
    const ready = router.ready();
    handlers[0]?.onReady('connected');
    await ready;
    await router.ready();
    const a = router.waitFor('a');
    const b = router.waitFor('b');

    handlers[0]?.next(image('b', 'PROCESSING'));
    handlers[0]?.next(image('b', 'COMPLETED'));
    handlers[0]?.next(image('a', 'FAILED'));

    expect(handlers).toHaveLength(1);
    await expect(b.done).resolves.toMatchObject({ id: 'b', status: 'COMPLETED' });
    await expect(a.done).resolves.toMatchObject({ id: 'a', status: 'FAILED' });
  });

  it('reads pending images after a reconnect so a missed event is not lost', async () => {
    const stored = new Map([['c', image('c', 'COMPLETED')]]);
    const { source, handlers } = fakeSource(stored);
    const router = new ImageEventRouter(source);
    const ready = router.ready();
    handlers[0]?.onReady('connected');
    await ready;
    const c = router.waitFor('c');

    handlers[0]?.onReady('reconnected');

    await expect(c.done).resolves.toMatchObject({ id: 'c', status: 'COMPLETED' });
  });

  const at = (id: string, sequence: number, status: Image['status'] = 'PROCESSING', stage = 'INSPECTED') =>
    ({ id, status, sequence, stage }) as Image;

  it('delivers each image’s events once, in sequence order, whatever order they arrive in', async () => {
    const { source, handlers } = fakeSource(new Map());
    const router = new ImageEventRouter(source);
    const ready = router.ready();
    handlers[0]?.onReady('connected');
    await ready;
    const seen: number[] = [];
    const done = router.waitFor('d', (event) => seen.push(event.sequence ?? -1)).done;

    for (const sequence of [1, 2, 2, 1, 3, 5, 4]) {
      handlers[0]?.next(at('d', sequence, sequence === 5 ? 'COMPLETED' : 'PROCESSING'));
    }

    await expect(done).resolves.toMatchObject({ id: 'd', status: 'COMPLETED', sequence: 5 });
    expect(seen).toEqual([1, 2, 3, 5]);
  });

  it('after a reconnect delivers the stored state only when it is newer than the last event', async () => {
    const stored = new Map([['e', at('e', 2)]]);
    const { source, handlers } = fakeSource(stored);
    const router = new ImageEventRouter(source);
    const ready = router.ready();
    handlers[0]?.onReady('connected');
    await ready;
    const seen: number[] = [];
    const done = router.waitFor('e', (event) => seen.push(event.sequence ?? -1)).done;
    handlers[0]?.next(at('e', 3));

    // The read is older than what was delivered: nothing goes back.
    handlers[0]?.onReady('reconnected');
    await new Promise((resolve) => setImmediate(resolve));
    expect(seen).toEqual([3]);

    // The socket was down while the image finished: the read delivers the final state.
    stored.set('e', at('e', 5, 'FLAGGED'));
    handlers[0]?.onReady('reconnected');
    await expect(done).resolves.toMatchObject({ status: 'FLAGGED', sequence: 5 });
    handlers[0]?.next(at('e', 4));
    expect(seen).toEqual([3, 5]);
  });

  it('follows one image by id: its state at the ack, and its end after a reconnect when no event had come', async () => {
    const stored = new Map([['g', { id: 'g', status: 'PENDING_UPLOAD', sequence: null } as Image]]);
    const { source, handlers } = fakeSource(stored);
    const events: Image[] = [];
    const router = new ImageEventRouter(source, { onImage: (image) => events.push(image), follow: 'g' });
    const ready = router.ready();
    handlers[0]?.onReady('connected');
    await ready;
    await new Promise((resolve) => setImmediate(resolve));
    expect(events.map((event) => event.status)).toEqual(['PENDING_UPLOAD']);

    // Every event was published while the socket was down.
    stored.set('g', at('g', 5, 'COMPLETED', 'ANALYSED'));
    handlers[0]?.onReady('reconnected');
    await new Promise((resolve) => setImmediate(resolve));
    handlers[0]?.next(at('g', 4, 'PROCESSING', 'THUMBNAILS_READY'));
    expect(events.map((event) => [event.status, event.sequence])).toEqual([
      ['PENDING_UPLOAD', null],
      ['COMPLETED', 5],
    ]);
  });

  it('reads the image after a gap in its sequence, and follows every image with onImage', async () => {
    const stored = new Map([['f', at('f', 4, 'PROCESSING', 'ANALYSED')]]);
    const { source, handlers } = fakeSource(stored);
    const events: Image[] = [];
    const router = new ImageEventRouter(source, { onImage: (image) => events.push(image) });
    const ready = router.ready();
    handlers[0]?.onReady('connected');
    await ready;

    handlers[0]?.next(at('f', 1, 'PROCESSING', 'UPLOADED'));
    handlers[0]?.next(at('f', 3, 'PROCESSING', 'THUMBNAILS_READY'));
    await new Promise((resolve) => setImmediate(resolve));

    expect(events.map((event) => [event.sequence, event.stage])).toEqual([
      [1, 'UPLOADED'],
      [3, 'THUMBNAILS_READY'],
      [4, 'ANALYSED'],
    ]);
  });
});
