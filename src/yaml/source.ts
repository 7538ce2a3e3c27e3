// Reading YAML input safely: the bytes must be UTF-8 (a Latin-1 file would otherwise be decoded
// silently into replacement characters), and turning a document into data must not expand an
// alias bomb. Both become bad input naming the file and the line, never a crash.
import { readFile } from 'node:fs/promises';
import type { Document, LineCounter } from 'yaml';
import { InputError } from '../errors.ts';

/** How many alias expansions one document may use; real lab and manifest files use none. */
const MAX_ALIAS_COUNT = 100;

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The line (1-based) of the first byte that is not valid UTF-8, found by decoding line by line. */
function firstInvalidLine(bytes: Uint8Array): number {
  let line = 1;
  let start = 0;
  for (let i = 0; i <= bytes.length; i++) {
    if (i === bytes.length || bytes[i] === 0x0a) {
      try {
        utf8.decode(bytes.subarray(start, i));
      } catch {
        return line;
      }
      line++;
      start = i + 1;
    }
  }
  return line;
}

/** UTF-8 text of `bytes`, or bad input naming `file` and the first line that is not UTF-8. */
function decodeUtf8(bytes: Uint8Array, file: string): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new InputError(file, '', 'UTF-8 text (this line holds bytes that are not UTF-8; re-save the file as UTF-8)', firstInvalidLine(bytes));
  }
}

/** A file's text; `what` names the kind of file expected when it cannot be read. */
export async function readTextFile(file: string, what = 'a readable file'): Promise<string> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(file);
  } catch (e) {
    throw new InputError(file, '', `${what} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  return decodeUtf8(bytes, file);
}

/** A document as plain data; an alias bomb is bad input, not a ReferenceError. */
export function documentData(doc: Document, file: string, lines: LineCounter): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    if (e instanceof ReferenceError && /alias/i.test(e.message)) {
      const line = doc.contents?.range ? lines.linePos(doc.contents.range[0]).line : undefined;
      throw new InputError(file, '', `YAML whose aliases expand to at most ${MAX_ALIAS_COUNT} nodes (this document expands far more: an alias bomb)`, line);
    }
    throw e;
  }
}
