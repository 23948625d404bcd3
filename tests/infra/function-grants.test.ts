/**
 * Each function's role grants exactly the IAM actions its code needs: the AWS calls reachable from
 * the handler are read from the code (following imports within functions/ by name, so a shared
 * module's unused helpers do not count), mapped to IAM actions, and compared with the synthesized
 * role policy. A call with no mapping fails the test until it is mapped here.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { functionPolicies } from '../../contracts/function-policies.ts';
import { type FunctionId, functionSpecs, handlerEntry } from '../../contracts/function-specs.ts';
import { getAttTarget, propsOf, resourceNamed, resourcesOfType } from './synthesized.ts';

/**
 * The IAM actions AWS authorises each call by (Service Authorization Reference). DeleteObjects on a
 * versioned bucket is sent with VersionIds by purge-objects.ts, so it is DeleteObjectVersion.
 */
const callActions: Record<string, readonly string[]> = {
  GetObjectCommand: ['s3:GetObject'],
  // A read that may name a version is authorised as GetObjectVersion when it does.
  GetObjectCommandWithVersion: ['s3:GetObject', 's3:GetObjectVersion'],
  PutObjectCommand: ['s3:PutObject'],
  // Copying reads the source (its version when the copy source names one) and writes the destination.
  CopyObjectCommand: ['s3:GetObject', 's3:PutObject'],
  CopyObjectCommandWithVersion: ['s3:GetObjectVersion', 's3:PutObject'],
  ListObjectVersionsCommand: ['s3:ListBucketVersions'],
  DeleteObjectsCommand: ['s3:DeleteObjectVersion'],
  createPresignedPost: ['s3:PutObject'],
  GetCommand: ['dynamodb:GetItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  DeleteCommand: ['dynamodb:DeleteItem'],
  paginateQuery: ['dynamodb:Query'],
  BatchWriteCommand: ['dynamodb:BatchWriteItem'],
  TransactPut: ['dynamodb:PutItem'],
  TransactUpdate: ['dynamodb:UpdateItem'],
  TransactDelete: ['dynamodb:DeleteItem'],
  TransactConditionCheck: ['dynamodb:ConditionCheckItem'],
  QueryCommand: ['dynamodb:Query'],
  PublishCommand: ['sns:Publish'],
  DetectLabelsCommand: ['rekognition:DetectLabels'],
  DetectFacesCommand: ['rekognition:DetectFaces'],
  DetectModerationLabelsCommand: ['rekognition:DetectModerationLabels'],
  StartSyncExecutionCommand: ['states:StartSyncExecution'],
  GetSecretValueCommand: ['secretsmanager:GetSecretValue'],
  ChangeMessageVisibilityCommand: ['sqs:ChangeMessageVisibility'],
  SendMessageCommand: ['sqs:SendMessage'],
  // functions/shared/appsync-client.ts signs GraphQL requests with the role (IAM mode).
  signedGraphqlRequest: ['appsync:GraphQL'],
};

/** Top-level declarations of one module: name → node, plus the imports from other functions/ modules. */
interface ModuleIndex {
  declarations: Map<string, ts.Node>;
  imports: Map<string, { file: string; name: string }>;
  statements: readonly ts.Statement[];
}

const modules = new Map<string, ModuleIndex>();

function indexOf(file: string): ModuleIndex {
  const known = modules.get(file);
  if (known) return known;
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const index: ModuleIndex = { declarations: new Map(), imports: new Map(), statements: source.statements };
  for (const statement of source.statements) {
    if (ts.isFunctionDeclaration(statement) && statement.name) {
      index.declarations.set(statement.name.text, statement);
    } else if (ts.isVariableStatement(statement)) {
      for (const declaration of statement.declarationList.declarations) {
        if (ts.isIdentifier(declaration.name)) index.declarations.set(declaration.name.text, declaration);
      }
    } else if (
      ts.isImportDeclaration(statement) &&
      ts.isStringLiteral(statement.moduleSpecifier) &&
      statement.moduleSpecifier.text.startsWith('.')
    ) {
      const target = path.resolve(path.dirname(file), statement.moduleSpecifier.text);
      const bindings = statement.importClause?.namedBindings;
      if (!target.includes(`${path.sep}functions${path.sep}`) || !bindings || !ts.isNamedImports(bindings))
        continue;
      for (const element of bindings.elements) {
        index.imports.set(element.name.text, {
          file: target,
          name: (element.propertyName ?? element.name).text,
        });
      }
    }
  }
  modules.set(file, index);
  return index;
}

/**
 * The AWS calls reachable from one declaration of a module (or from the whole module, `*`),
 * following the module's own declarations and its imports from functions/ by name.
 */
function callsFrom(file: string, name: string, seen = new Set<string>()): string[] {
  const key = `${file}#${name}`;
  if (seen.has(key)) return [];
  seen.add(key);
  const index = indexOf(file);
  const roots =
    name === '*' ? index.statements : [index.declarations.get(name)].filter((n) => n !== undefined);
  const calls: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isNewExpression(node) && ts.isIdentifier(node.expression)) {
      const callee = node.expression.text;
      const namesVersion =
        callee === 'GetObjectCommand' &&
        node.arguments?.some(
          (argument) =>
            ts.isObjectLiteralExpression(argument) &&
            argument.properties.some((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'VersionId'),
        );
      const copiesVersion =
        callee === 'CopyObjectCommand' &&
        node.arguments?.some((argument) => argument.getText().includes('versionId='));
      if (namesVersion) calls.push('GetObjectCommandWithVersion');
      else if (copiesVersion) calls.push('CopyObjectCommandWithVersion');
      else if (callee.endsWith('Command') && callee !== 'TransactWriteCommand') calls.push(callee);
      if (callee === 'SignatureV4') calls.push('signedGraphqlRequest');
    }
    // A transaction is authorised item by item: each `{Put|Update|Delete|ConditionCheck: {TableName…}}`
    // item, wherever the code builds it, needs that item action.
    if (
      ts.isPropertyAssignment(node) &&
      ts.isIdentifier(node.name) &&
      ['Put', 'Update', 'Delete', 'ConditionCheck'].includes(node.name.text) &&
      ts.isObjectLiteralExpression(node.initializer) &&
      node.initializer.properties.some(
        (p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'TableName',
      )
    ) {
      calls.push(`Transact${node.name.text}`);
    }
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression)) {
      if (['createPresignedPost', 'paginateQuery'].includes(node.expression.text))
        calls.push(node.expression.text);
    }
    if (ts.isIdentifier(node) && !ts.isImportSpecifier(node.parent)) {
      const imported = index.imports.get(node.text);
      if (imported) calls.push(...callsFrom(imported.file, imported.name, seen));
      else if (index.declarations.has(node.text)) calls.push(...callsFrom(file, node.text, seen));
    }
    ts.forEachChild(node, visit);
  };
  for (const root of roots) visit(root);
  return calls;
}

function neededActions(id: FunctionId): string[] {
  const calls = callsFrom(handlerEntry(functionSpecs[id]), '*');
  const unmapped = calls.filter((call) => !(call in callActions));
  expect(unmapped, `${id} makes AWS calls with no IAM mapping here`).toEqual([]);
  return [...new Set(calls.flatMap((call) => callActions[call] ?? []))].sort();
}

interface Statement {
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

function grantedActions(id: FunctionId): string[] {
  const [, fn] = resourceNamed('AWS::Lambda::Function', 'FunctionName', functionSpecs[id].functionName);
  const roleId = getAttTarget(propsOf(fn).Role);
  const statements = resourcesOfType('AWS::IAM::Policy')
    .filter(([, p]) => JSON.stringify(p.Properties?.Roles) === JSON.stringify([{ Ref: roleId }]))
    .flatMap(([, p]) => (propsOf(p).PolicyDocument as { Statement: Statement[] }).Statement);
  const actions = statements.flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action]));
  // Tracing is the platform's, not the code's.
  return [...new Set(actions.filter((action) => !action.startsWith('xray:')))].sort();
}

/** What an SQS event source mapping grants the function's role for the poller (not the code). */
const eventSourceActions = [
  'sqs:ReceiveMessage',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ChangeMessageVisibility',
];
const withoutPlatform = (actions: string[]) =>
  actions.filter((action) => !eventSourceActions.includes(action));

describe('function grants', () => {
  for (const id of Object.keys(functionSpecs) as FunctionId[]) {
    it(`grants ${id} exactly the actions its AWS calls need`, () => {
      const granted = grantedActions(id);
      const needed = neededActions(id);
      expect(granted).toEqual(expect.arrayContaining(needed));
      expect(withoutPlatform(granted)).toEqual(withoutPlatform(needed));
    });
  }

  it('builds every role from contracts/function-policies.ts, listing/version rights only under the key prefixes', () => {
    for (const [id, statements] of Object.entries(functionPolicies)) {
      for (const statement of statements) {
        if (statement.actions.some((action) => /^s3:List/.test(action))) {
          expect(statement.conditions?.StringLike?.['s3:prefix'], id).toEqual(
            expect.arrayContaining([expect.stringMatching(/^(uploads|thumbnails)\/\*$/)]),
          );
        }
      }
    }
  });
});
