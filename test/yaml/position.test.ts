// The one path-to-line walk both loaders use: value or key line, case folding for converted
// legacy manifests, and the deepest existing ancestor for a path that is not there.
import { LineCounter, parseDocument } from 'yaml';
import { describe, expect, it } from 'vitest';
import { lineOfPath } from '../../src/yaml/position.ts';

const TEXT = `spec:
  peers:
    - address: 10.0.0.1
      myASN: 64512
  hosts:
    -
      name: a
`;

describe('lineOfPath', () => {
  const lines = new LineCounter();
  const doc = parseDocument(TEXT, { lineCounter: lines });
  const at = (path: (string | number)[], options = {}) => lineOfPath(doc.contents, lines, path, 99, options);

  it('finds a value, or the key it sits under', () => {
    expect(at(['spec', 'peers', 0, 'myASN'])).toBe(4);
    expect(at(['spec', 'hosts'])).toBe(6);
    expect(at(['spec', 'hosts'], { keyLine: true })).toBe(5);
  });

  it('falls back to the deepest ancestor that exists', () => {
    expect(at(['spec', 'peers', 0, 'password'])).toBe(3);
    expect(at(['spec', 'peers', 7])).toBe(3);
  });

  it('matches a key that differs in case only when asked to', () => {
    expect(at(['spec', 'peers', 0, 'myAsn'])).toBe(3);
    expect(at(['spec', 'peers', 0, 'myAsn'], { foldCase: true })).toBe(4);
  });
});
