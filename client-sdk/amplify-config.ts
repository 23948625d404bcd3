/**
 * Turns an `amplify_outputs.json` (local or deployed) into aws-amplify's configuration. The local
 * Cognito endpoint travels under `custom.userPoolEndpoint` (Amplify's parser drops unknown auth
 * keys); it is merged here, in one place.
 */
import type { ResourcesConfig } from 'aws-amplify';
import { ConsoleLogger, parseAmplifyConfig } from 'aws-amplify/utils';

export interface AmplifyOutputs {
  version: string;
  auth?: { aws_region: string; user_pool_id: string; user_pool_client_id: string } & Record<string, unknown>;
  data?: { url: string; aws_region: string; default_authorization_type: string } & Record<string, unknown>;
  custom?: { userPoolEndpoint?: string } & Record<string, unknown>;
}

export function toResourcesConfig(outputs: AmplifyOutputs): ResourcesConfig {
  const config = parseAmplifyConfig(outputs as unknown as Parameters<typeof parseAmplifyConfig>[0]);
  const endpoint = outputs.custom?.userPoolEndpoint;
  const cognito = config.Auth?.Cognito;
  if (endpoint && cognito) {
    const Cognito = { ...cognito, userPoolEndpoint: endpoint };
    return { ...config, Auth: { ...config.Auth, Cognito } as NonNullable<ResourcesConfig['Auth']> };
  }
  return config;
}

/** True when the API is served from this machine (the local stack). */
export function isLoopbackApi(outputs: AmplifyOutputs): boolean {
  const url = outputs.data?.url;
  if (!url) return false;
  const { hostname } = new URL(url);
  return hostname === 'localhost' || hostname.startsWith('127.') || hostname === '[::1]';
}

/** Amplify logs errors only (it warns on every run against a custom, local, Cognito endpoint). */
export function quietAmplifyLogs(): void {
  ConsoleLogger.LOG_LEVEL = 'ERROR';
}
