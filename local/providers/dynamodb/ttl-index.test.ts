import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { names } from '../../../contracts/names.ts';
import { expiriesInRequest, TtlIndex } from './ttl-index.ts';

const key = (id: string) => ({ owner: { S: 'o' }, id: { S: id } });

describe('expiriesInRequest', () => {
  it('reads the expiry of a PutItem, an UpdateItem SET (by name or #alias), batch puts and transaction writes', () => {
    const put = { TableName: names.table, Item: { ...key('a'), expiresAtEpoch: { N: '10' } } };
    const update = {
      TableName: names.table,
      Key: key('b'),
      UpdateExpression: 'SET #s = :s, #t = :t REMOVE statusKey',
      ExpressionAttributeNames: { '#s': 'status', '#t': 'expiresAtEpoch' },
      ExpressionAttributeValues: { ':s': { S: 'PENDING_UPLOAD' }, ':t': { N: '20' } },
    };
    expect(expiriesInRequest('PutItem', JSON.stringify(put))).toEqual([
      { expiresAt: 10, owner: 'o', id: 'a' },
    ]);
    expect(expiriesInRequest('UpdateItem', JSON.stringify(update))).toEqual([
      { expiresAt: 20, owner: 'o', id: 'b' },
    ]);
    const batch = { RequestItems: { [names.table]: [{ PutRequest: { Item: put.Item } }] } };
    expect(expiriesInRequest('BatchWriteItem', JSON.stringify(batch))).toHaveLength(1);
    const transaction = { TransactItems: [{ Put: put }, { Update: update }] };
    expect(expiriesInRequest('TransactWriteItems', JSON.stringify(transaction))).toHaveLength(2);
  });

  it('ignores a REMOVE of the attribute, other tables and bodies that are not JSON', () => {
    const remove = {
      TableName: names.table,
      Key: key('c'),
      UpdateExpression: 'SET #s = :s REMOVE expiresAtEpoch',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': { S: 'PROCESSING' } },
    };
    expect(expiriesInRequest('UpdateItem', JSON.stringify(remove))).toEqual([]);
    const other = { TableName: 'Other', Item: { ...key('d'), expiresAtEpoch: { N: '1' } } };
    expect(expiriesInRequest('PutItem', JSON.stringify(other))).toEqual([]);
    expect(expiriesInRequest('PutItem', '{expiresAtEpoch')).toEqual([]);
  });
});

describe('TtlIndex', () => {
  let dir: string | undefined;
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('hands out due entries earliest first and keeps the rest on disk for the next load', async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'darkroom-ttl-'));
    const file = path.join(dir, 'ttl.log');
    const index = new TtlIndex(file);
    expect(await index.load()).toBe(false);
    await index.record(
      [30, 10, 50, 20, 40].map((expiresAt) => ({ expiresAt, owner: 'o', id: `${expiresAt}` })),
    );

    expect(index.takeDue(35).map((entry) => entry.expiresAt)).toEqual([10, 20, 30]);

    const reloaded = new TtlIndex(file);
    expect(await reloaded.load()).toBe(true);
    expect(reloaded.size).toBe(5); // the log still holds every recorded entry until compaction
    expect(reloaded.takeDue(100).map((entry) => entry.expiresAt)).toEqual([10, 20, 30, 40, 50]);
    await reloaded.clear();
    expect(await readFile(file, 'utf8')).toBe('');
  });
});
