/**
 * Glue between the AppSync provider and the real-time WebSocket server (`realtime/server.ts`):
 * the provider's auth, one-pass subscription start and publish hook in the shape the server asks
 * for. Whichever GraphqlApi is in service (hot reload) answers each start.
 */
import type { AppSyncProvider } from './index.ts';
import { type RealtimeBackend, SubscriptionRefused } from './realtime/server.ts';

export function realtimeBackend(provider: AppSyncProvider, graphqlUrl: () => string): RealtimeBackend {
  return {
    authenticate: async (headers, request) => {
      const result = await provider.authenticate(headers, request);
      if (!result.ok) throw new SubscriptionRefused(result.errorType, result.message);
      return result.caller;
    },
    startSubscription: (request, caller) => provider.startSubscription({ ...request, caller, headers: {} }),
    onPublish: (listener) => provider.onPublish(listener),
    graphqlUrl,
  };
}
