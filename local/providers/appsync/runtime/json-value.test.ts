import vm from 'node:vm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonValue } from './json-value.ts';

const roundTrip = (value: unknown) => (value === undefined ? undefined : JSON.parse(JSON.stringify(value)));

describe('jsonValue', () => {
  it('equals the JSON round trip for any JSON-like value, and shares no object with its input', () => {
    fc.assert(
      fc.property(
        fc.anything({
          withNullPrototype: true,
          withSparseArray: true,
          withBoxedValues: true,
          withDate: true,
          withMap: true,
          withSet: true,
        }),
        (value) => {
          let expected: unknown;
          try {
            expected = roundTrip(value);
          } catch (error) {
            expect(() => jsonValue(value)).toThrow((error as Error).constructor as ErrorConstructor);
            return;
          }
          const copied = jsonValue(value);
          expect(copied).toStrictEqual(expected);
          if (typeof value === 'object' && value !== null) expect(copied).not.toBe(value);
        },
      ),
      { numRuns: 2000 },
    );
  });

  it("reads the APPSYNC_JS sandbox's own objects and arrays as plain data", () => {
    // Prepare: values made inside another realm, as resolver code returns them.
    const made = vm.runInNewContext(
      '({ items: [{ id: "a", n: -0, x: NaN, u: undefined }, [undefined, 1]], at: new Date(0) })',
    );

    // Act
    const copied = jsonValue(made);

    // Assess
    expect(copied).toStrictEqual({
      items: [{ id: 'a', n: 0, x: null }, [null, 1]],
      at: '1970-01-01T00:00:00.000Z',
    });
  });

  it('keeps the round trip rules for what JSON treats specially', () => {
    const withProto = JSON.parse('{"__proto__": {"polluted": true}, "a": 1}');
    expect(jsonValue(withProto)).toStrictEqual(roundTrip(withProto));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(jsonValue({ toJSON: () => 'custom' })).toBe('custom');
    expect(jsonValue([() => 1, Symbol('s'), undefined])).toEqual([null, null, null]);
    expect(jsonValue({ f: () => 1, s: Symbol('s'), u: undefined, kept: 'yes' })).toEqual({ kept: 'yes' });
    expect(jsonValue(Number.POSITIVE_INFINITY)).toBeNull();
    expect(() => jsonValue({ big: 1n })).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => jsonValue(cyclic)).toThrow(TypeError);
    expect(jsonValue(undefined)).toBeUndefined();
  });
});
