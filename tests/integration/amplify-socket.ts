/** Waiting for aws-amplify's shared real-time socket to close, for tests that subscribe through it. */
import { CONNECTION_STATE_CHANGE, ConnectionState } from 'aws-amplify/api';
import { Hub } from 'aws-amplify/utils';

/**
 * Resolves when Amplify's shared real-time socket closes (about a second after the last
 * unsubscribe). Leaving earlier lets Amplify redial the stack as it shuts down, which keeps this
 * worker alive. Call it before subscribing.
 */
export function amplifySocketClosed(): Promise<void> {
  return new Promise((resolve) => {
    // Amplify also reports Disconnected once before its first connection: wait for one after it.
    let connected = false;
    const stop = Hub.listen('api', ({ payload }) => {
      if (payload.event !== CONNECTION_STATE_CHANGE) return;
      const state = (payload.data as { connectionState?: string } | undefined)?.connectionState;
      if (state === ConnectionState.Connected) connected = true;
      if (connected && state === ConnectionState.Disconnected) {
        stop();
        resolve();
      }
    });
  });
}
