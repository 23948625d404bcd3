/**
 * Glue between the AppSync provider and the real-time WebSocket server (`realtime/server.ts`):
 * the provider's auth, subscription start (field auth + resolver filters) and publish hook in the
 * shape the server asks for.
 */
import { buildSchema, print } from 'graphql';
import type { AppSyncProvider } from './index.ts';
import { type RealtimeBackend, SubscriptionRefused } from './realtime/server.ts';
import { applyAwsScalars } from './scalars.ts';

export function realtimeBackend(
  provider: AppSyncProvider,
  graphqlUrl: () => string,
  schemaSdl: string,
): RealtimeBackend {
  const projection = buildSchema(schemaSdl);
  applyAwsScalars(projection);
  return {
    schema: () => provider.api.schema,
    projectionSchema: () => projection,
    authenticate: async (headers, request) => {
      const result = await provider.authenticate(headers, request);
      if (!result.ok) throw new SubscriptionRefused(result.errorType, result.message);
      return result.caller;
    },
    startSubscription: async ({ caller, document, variables }) => {
      const start = await provider.startSubscription({
        query: print(document),
        variables,
        caller,
        headers: {},
      });
      if (!start.ok) {
        const [first] = start.errors;
        throw new SubscriptionRefused(first?.errorType ?? 'BadRequestException', first?.message ?? 'refused');
      }
      return start.filter;
    },
    onPublish: (listener) =>
      provider.onPublish((event) =>
        listener({ subscriptionFields: [event.subscriptionField], value: event.value }),
      ),
    graphqlUrl,
  };
}
