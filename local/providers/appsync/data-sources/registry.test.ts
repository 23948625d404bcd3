import { describe, expect, it } from 'vitest';
import { createContext } from '../runtime/index.ts';
import { NoneDataSource } from './none.ts';
import { DataSourceRegistry } from './registry.ts';

describe('the data source registry', () => {
  it('refuses a second data source with the same name and names the known ones for an unknown name', () => {
    const registry = new DataSourceRegistry().add(new NoneDataSource('none'));
    expect(() => registry.add(new NoneDataSource('none'))).toThrow('data source "none" is registered twice');
    expect(() => registry.get('images')).toThrow('no data source named "images" (known: none)');
  });

  it('hands a NONE request its payload back as the result', async () => {
    const none = new DataSourceRegistry().add(new NoneDataSource('none')).get('none');
    const call = { ctx: createContext(), batchKey: 'k', batches: new Map() };
    expect(await none.run({ ...call, request: { payload: { id: 'x' } } })).toEqual({ result: { id: 'x' } });
    expect(await none.run({ ...call, request: {} })).toEqual({ result: null });
  });
});
