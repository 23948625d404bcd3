import { describe, expect, it } from 'vitest';
import { admin, stackInfo } from './support.ts';

describe('the admin API', () => {
  it('reports every provider ready', async () => {
    const health = await admin<{ status: string; providers: Record<string, { ready: boolean }> }>('health');
    expect(health.status).toBe('ok');
    expect(Object.keys(health.providers).sort()).toEqual(
      [
        'appsync',
        'cognito-idp',
        'dynamodb',
        'events',
        'lambda',
        'rekognition',
        's3',
        'sns',
        'sqs',
        'states',
        'web',
      ].sort(),
    );
    console.info(`shared stack booted in ${stackInfo().bootMs} ms`);
  });

  it('stores valid faults and refuses malformed ones with 400', async () => {
    const faults = [
      {
        service: 'rekognition',
        operation: 'DetectLabels',
        match: 'uploads/none/*',
        error: 'ThrottlingException',
      },
    ];
    try {
      expect(await admin('faults', { method: 'PUT', body: JSON.stringify(faults) })).toEqual(faults);
      const refused = await fetch(`${stackInfo().url}/_darkroom/faults`, {
        method: 'PUT',
        body: '[{"rate": 3}]',
      });
      expect(refused.status).toBe(400);
      expect(await admin('faults')).toEqual(faults);
    } finally {
      await admin('faults', { method: 'DELETE' });
    }
  });

  it('answers an unknown admin route with 404 and the list of routes', async () => {
    const response = await fetch(`${stackInfo().url}/_darkroom/nope`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { routes: string[] }).routes).toContain('GET /_darkroom/health');
  });
});
