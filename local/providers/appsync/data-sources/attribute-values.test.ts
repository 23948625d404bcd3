import { describe, expect, it } from 'vitest';
import { toPlainMap } from './attribute-values.ts';

describe('toPlainMap', () => {
  it('turns an item into plain values, nested maps and lists too, sets as arrays, binaries as base64', () => {
    // Act
    const plain = toPlainMap({
      id: { S: 'a' },
      size: { N: '12.5' },
      ok: { BOOL: true },
      none: { NULL: true },
      tags: { SS: ['x', 'y'] },
      bytes: { B: new Uint8Array([1, 2, 3]) },
      analysis: { M: { labels: { L: [{ M: { name: { S: 'Cat' }, parents: { L: [{ S: 'Animal' }] } } }] } } },
    });

    // Assess
    expect(plain).toStrictEqual({
      id: 'a',
      size: 12.5,
      ok: true,
      none: null,
      tags: ['x', 'y'],
      bytes: 'AQID',
      analysis: { labels: [{ name: 'Cat', parents: ['Animal'] }] },
    });
  });

  it('keeps an attribute named __proto__ as an own property, never as the prototype', () => {
    // Prepare: as the SDK parses DynamoDB's answer, an own property.
    const item = JSON.parse('{"__proto__": {"M": {"polluted": {"BOOL": true}}}, "id": {"S": "a"}}');

    // Act
    const plain = toPlainMap(item);

    // Assess
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype);
    expect(Object.keys(plain)).toEqual(['__proto__', 'id']);
    expect((plain as { polluted?: boolean }).polluted).toBeUndefined();
  });
});
