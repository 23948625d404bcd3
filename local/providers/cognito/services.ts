/**
 * Builds cognito-local's services in process (as its own `createDefaultServer` does) with our data
 * folder, our token issuer and a message sender that keeps the confirmation codes.
 */
import AWS from 'aws-sdk';
import type { Config } from 'cognito-local/lib/server/config.js';
import { DefaultConfig } from 'cognito-local/lib/server/config.js';
import { Router } from 'cognito-local/lib/server/Router.js';
import { CognitoServiceFactoryImpl } from 'cognito-local/lib/services/cognitoService.js';
import { CryptoService } from 'cognito-local/lib/services/crypto.js';
import {
  DateClock,
  LambdaService,
  MessagesService,
  TriggersService,
} from 'cognito-local/lib/services/index.js';
import type { LogService } from 'cognito-local/lib/services/LogService.js';
import { MessageDeliveryService } from 'cognito-local/lib/services/messageDelivery/messageDelivery.js';
import type { MessageSender } from 'cognito-local/lib/services/messageDelivery/messageSender.js';
import { otp } from 'cognito-local/lib/services/otp.js';
import { JwtTokenGenerator, type TokenGenerator } from 'cognito-local/lib/services/tokenGenerator.js';
import { UserPoolServiceFactoryImpl } from 'cognito-local/lib/services/userPoolService.js';
import { AtomicDataStoreFactory } from './atomic-data-store.ts';
import { resign, type SigningKey } from './signing-key.ts';

/** A confirmation code cognito-local would have e-mailed. */
export interface DeliveredCode {
  username: string;
  destination: string;
  code: string;
  at: string;
}

export type Operation = (body: Record<string, unknown>) => Promise<Record<string, unknown>>;

/** cognito-local logs through pino; the stack keeps it quiet and prints only what matters. */
const silent: LogService = {
  child: () => silent,
  debug: () => {},
  error: () => {},
  info: () => {},
  warn: () => {},
};

export interface CognitoServices {
  /** Runs one `AWSCognitoIdentityProviderService.<target>` operation. */
  operation(target: string): Operation;
}

export async function createCognitoServices(options: {
  dataDir: string;
  /** Read at every token issue, so the edge may learn its port after the services exist. */
  tokenConfig: { IssuerDomain: string };
  onCode: (code: DeliveredCode) => void;
  /** The data folder's own key; cognito-local would sign with the private key it publishes. */
  signingKey: SigningKey;
}): Promise<CognitoServices> {
  const ctx = { logger: silent };
  const config: Config = { ...DefaultConfig, TriggerFunctions: {}, TokenConfig: options.tokenConfig };
  const clock = new DateClock();
  const dataStoreFactory = new AtomicDataStoreFactory(options.dataDir);
  const cognito = await new CognitoServiceFactoryImpl(
    options.dataDir,
    dataStoreFactory,
    new UserPoolServiceFactoryImpl(clock, dataStoreFactory),
  ).create(ctx, config.UserPoolDefaults);
  // No trigger functions are configured, so this Lambda client is never called.
  const triggers = new TriggersService(
    clock,
    cognito,
    new LambdaService(config.TriggerFunctions, new AWS.Lambda(config.LambdaClient)),
    new CryptoService(config.KMSConfig),
  );
  const sender: MessageSender = {
    sendEmail: async (_ctx, user, destination, message) => keep(user.Username, destination, message.__code),
    sendSms: async (_ctx, user, destination, message) => keep(user.Username, destination, message.__code),
  };
  function keep(username: string, destination: string, code: string | undefined): void {
    if (code !== undefined) options.onCode({ username, destination, code, at: new Date().toISOString() });
  }
  const router = Router({
    clock,
    cognito,
    config,
    messages: new MessagesService(triggers, new MessageDeliveryService(sender)),
    otp,
    tokenGenerator: signedWith(
      options.signingKey,
      new JwtTokenGenerator(clock, triggers, options.tokenConfig),
    ),
    triggers,
  });
  return {
    operation: (target) => {
      const route = router(target);
      return (body) => route(ctx, body);
    },
  };
}

/**
 * cognito-local's generator builds the claims; its tokens are signed again with our key before
 * anything (its refresh-token store included) sees them.
 */
function signedWith(key: SigningKey, generator: TokenGenerator): TokenGenerator {
  return {
    generate: async (...args) => {
      const tokens = await generator.generate(...args);
      const [AccessToken, IdToken, RefreshToken] = await Promise.all(
        [tokens.AccessToken, tokens.IdToken, tokens.RefreshToken].map((token) => resign(key, token)),
      );
      return { AccessToken: AccessToken ?? '', IdToken: IdToken ?? '', RefreshToken: RefreshToken ?? '' };
    },
  };
}
