// The one-line summaries every writer uses: checks quote values (brief), reports print observed
// values as they are (condense); both cut long text and neither throws on odd values.
import { describe, expect, it } from 'vitest';
import { brief, condense, printable } from '../../src/text/summary.ts';

describe('one-line summaries', () => {
  it('brief quotes strings, says nothing for undefined and cuts at the limit', () => {
    expect(brief('Established')).toBe('"Established"');
    expect(brief(undefined)).toBe('nothing');
    expect(brief({ state: 'Active', n: 3 })).toBe('{"state":"Active","n":3}');
    expect(brief('x'.repeat(300), 10)).toBe(`"${'x'.repeat(8)}…`);
  });

  it('condense keeps strings unquoted on one line and escapes terminal control characters', () => {
    expect(condense('line one\n  line two')).toBe('line one line two');
    expect(condense('\u001b[31mred')).toBe('\\x1B[31mred');
    expect(condense({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(condense('y'.repeat(400)).length).toBe(300);
    expect(printable('tab\there')).toBe('tab\there');
  });

  it('odd values become JSON instead of throwing', () => {
    const loop: Record<string, unknown> = {};
    loop['self'] = loop;
    expect(brief(loop)).toBe('{"self":"[circular]"}');
    expect(brief(new Map([['k', 1n]]))).toBe('{"k":"1"}');
  });
});
