/**
 * The admin API under `/_darkroom/` (the edge lets loopback clients only): health, reset,
 * executions, EventBridge deliveries, SNS messages, Cognito codes, Rekognition and Lambda call
 * counts and fault injection.
 */
import { ZodError } from 'zod';
import type { FaultRegistry } from './faults.ts';
import { type EdgeRequest, type Provider, type ProviderHealth, sendJson } from './provider.ts';

export interface AdminOptions {
  /** Every provider of the stack, in boot order. */
  providers: () => readonly Provider[];
  faults: FaultRegistry;
  executions?: () => Promise<unknown> | unknown;
  /** EventBridge's recent deliveries (matched, execution started, dropped or duplicated by a fault). */
  events?: () => unknown;
  snsMessages?: () => unknown;
  cognitoCodes?: () => unknown;
  /** How many Rekognition Detect* calls were answered, in all and per S3 object (tests count them). */
  rekognitionCalls?: () => unknown;
  /** How many times each Lambda function ran, by function name (tests count resolver invocations). */
  lambdaInvocations?: () => unknown;
  /** Runs after every provider has been reset (the stack recreates its resources). */
  afterReset?: () => Promise<void>;
}

export interface HealthReport {
  status: 'ok' | 'starting';
  providers: Record<string, ProviderHealth>;
}

export function healthReport(providers: readonly Provider[]): HealthReport {
  const report = Object.fromEntries(providers.map((provider) => [provider.name, provider.health()]));
  const ready = providers.length > 0 && Object.values(report).every((health) => health.ready);
  return { status: ready ? 'ok' : 'starting', providers: report };
}

export function createAdmin(options: AdminOptions): (request: EdgeRequest) => Promise<void> {
  return async ({ req, res, url, body }) => {
    const send = (status: number, payload: unknown) =>
      sendJson(res, status, payload, { 'cache-control': 'no-store' });
    const missing = (what: string) => send(404, { message: `${what} is not running in this stack` });
    const route = `${req.method} ${url.pathname.replace(/\/$/, '')}`;
    switch (route) {
      case 'GET /_darkroom/health': {
        const report = healthReport(options.providers());
        send(report.status === 'ok' ? 200 : 503, report);
        return;
      }
      case 'POST /_darkroom/reset': {
        options.faults.clear();
        for (const provider of options.providers()) await provider.reset();
        await options.afterReset?.();
        send(200, { reset: true });
        return;
      }
      case 'GET /_darkroom/executions':
        if (!options.executions) return missing('stepfunctions');
        send(200, await options.executions());
        return;
      case 'GET /_darkroom/events':
        if (!options.events) return missing('events');
        send(200, options.events());
        return;
      case 'GET /_darkroom/sns/messages':
        if (!options.snsMessages) return missing('sns');
        send(200, options.snsMessages());
        return;
      case 'GET /_darkroom/cognito/codes':
        if (!options.cognitoCodes) return missing('cognito');
        send(200, options.cognitoCodes());
        return;
      case 'GET /_darkroom/rekognition/calls':
        if (!options.rekognitionCalls) return missing('rekognition');
        send(200, options.rekognitionCalls());
        return;
      case 'GET /_darkroom/lambda/invocations':
        if (!options.lambdaInvocations) return missing('lambda');
        send(200, options.lambdaInvocations());
        return;
      case 'GET /_darkroom/faults':
        send(200, options.faults.all());
        return;
      case 'DELETE /_darkroom/faults':
        options.faults.clear();
        send(200, []);
        return;
      case 'PUT /_darkroom/faults': {
        try {
          send(200, options.faults.set(JSON.parse(body.toString('utf8') || '[]')));
        } catch (error) {
          if (error instanceof SyntaxError) return send(400, { message: 'the body is not JSON' });
          if (error instanceof ZodError)
            return send(400, { message: 'invalid faults', issues: error.issues });
          throw error;
        }
        return;
      }
      default:
        send(404, {
          message: `no admin route ${route}`,
          routes: [
            'GET /_darkroom/health',
            'POST /_darkroom/reset',
            'GET /_darkroom/executions',
            'GET /_darkroom/events',
            'GET /_darkroom/sns/messages',
            'GET /_darkroom/cognito/codes',
            'GET /_darkroom/rekognition/calls',
            'GET /_darkroom/lambda/invocations',
            'GET|PUT|DELETE /_darkroom/faults',
          ],
        });
    }
  };
}
