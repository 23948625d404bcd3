/**
 * Glue between the AppSync provider and the real-time WebSocket server (`realtime/server.ts`):
 * the provider's auth, subscription start (field auth + resolver filters) and publish hook in the
 * shape the server asks for.
 */
import { buildSchema, type GraphQLSchema, print } from 'graphql';
import type { AppSyncProvider } from './index.ts';
import { type RealtimeBackend, SubscriptionRefused } from './realtime/server.ts';
import { applyAwsScalars } from './scalars.ts';

export function realtimeBackend(provider: AppSyncProvider, graphqlUrl: () => string): RealtimeBackend {
  // A resolver-free copy of the schema in service, rebuilt when a hot reload changes the SDL.
  let projection: { sdl: string; schema: GraphQLSchema } | undefined;
  const projectionSchema = () => {
    const sdl = provider.currentSchemaSdl();
    if (projection?.sdl !== sdl) {
      const schema = buildSchema(sdl);
      applyAwsScalars(schema);
      projection = { sdl, schema };
    }
    return projection.schema;
  };
  return {
    schema: () => provider.api.schema,
    projectionSchema,
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
