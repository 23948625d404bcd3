/** The `image-processed` SNS topic: told about every finished image, by the pipeline and the sweeper. */
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import type { Construct } from 'constructs';
import { names } from '../contracts/names.ts';

export function createImageProcessedTopic(scope: Construct): sns.Topic {
  return new sns.Topic(scope, 'ImageProcessedTopic', {
    topicName: names.topic,
    // The AWS-managed key: same-account publishers need no key policy of their own.
    masterKey: kms.Alias.fromAliasName(scope, 'SnsManagedKey', 'alias/aws/sns'),
    enforceSSL: true,
  });
}
