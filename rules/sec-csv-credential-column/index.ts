import { defineRule } from '../../server/src/engine/define-rule';
import { looksLikeSecretLiteral, namesCredential, nameWords } from '../lib/credential-names';
import docs from './docs.md';

/**
 * Credentials in delimited tables: a column headed by a credential's name (`Password`, `Secret
 * access key`, as the AWS console's `credentials.csv` and password-manager exports have it), and
 * rows that pair a name with its value (`DB_PASSWORD,…`). A table has no `=` or `:` for the
 * assignment rules to read, so its structure is read here: the header, then each row's cells.
 */
const TABLE_FILE = /\.(?:csv|tsv|psv)$/i;
/** A header cell is a label: words, at most a few, no value-like characters. */
const LABEL = /^[A-Za-z][A-Za-z0-9 _.-]{0,40}$/;
/** Password hashes (crypt formats, LDAP schemes): what a credential column of a user export should hold. */
const PASSWORD_HASH = /^(?:\$(?:2[abxy]?|argon2(?:id|i|d)|[156]|y|gy|7|pbkdf2(?:-sha\d+)?|scrypt)\$|\{(?:S?SHA\d*|SMD5|CRYPT|PBKDF2[\w-]*|ARGON2)\}|pbkdf2_sha\d+\$|sha\d+\$|md5\$|bcrypt\$)/i;
/** At most this many rows are read: an export of credentials shows in its first rows, a data dump is not one. */
const MAX_ROWS = 5000;

interface Cell {
  readonly text: string;
  readonly start: number;
}

export default defineRule({
  id: 'sec-csv-credential-column',
  category: 'secret',
  defaultSeverity: 'warning',
  fileKinds: ['text'],
  generic: true,
  keywords: ['pass', 'pwd', 'secret', 'token', 'key', 'credential'],
  docs,
  check({ document, report }) {
    if (!TABLE_FILE.test(document.path)) return;
    const text = document.text;
    const delimiter = /\.tsv$/i.test(document.path) ? '\t' : /\.psv$/i.test(document.path) ? '|' : undefined;
    let header: { columns: Map<number, string>; delimiter: string } | undefined;
    let lineStart = 0;
    for (let row = 0; row < MAX_ROWS && lineStart < text.length; row++) {
      let lineEnd = text.indexOf('\n', lineStart);
      if (lineEnd === -1) lineEnd = text.length;
      const line = text.slice(lineStart, text[lineEnd - 1] === '\r' ? lineEnd - 1 : lineEnd);
      if (line.trim() === '') {
        lineStart = lineEnd + 1;
        continue;
      }
      const separator = header?.delimiter ?? delimiter ?? likelyDelimiter(line);
      const cells = splitCells(line, lineStart, separator);
      if (!header) {
        header = { columns: credentialColumns(cells), delimiter: separator };
        if (header.columns.size > 0) {
          lineStart = lineEnd + 1;
          continue;
        }
      }
      for (const [index, label] of header.columns) {
        const cell = cells[index];
        if (cell && isCredentialValue(cell.text)) {
          report({
            span: [cell.start, cell.start + cell.text.length],
            secret: cell.text,
            message: `Column "${label}" of this table holds a literal credential ({{secret}}): a credential export in a repository is readable by everyone with it; delete the file, rotate the credentials and keep them in a secret store.`,
            construct: label,
          });
        }
      }
      // A row that names a credential, then its value (`AWS_SECRET_ACCESS_KEY,…`), with nothing or blanks after.
      const [name, value, ...rest] = cells;
      if (name && value && !header.columns.has(1) && rest.every((cell) => cell.text === '') && LABEL.test(name.text) && namesCredentialValue(name.text) && isCredentialValue(value.text)) {
        report({
          span: [value.start, value.start + value.text.length],
          secret: value.text,
          message: `${name.text} is given a literal credential ({{secret}}) in this table: it is readable by everyone with the file and never expires on its own; keep it in a secret store and rotate it.`,
          construct: name.text,
        });
      }
      lineStart = lineEnd + 1;
    }
  },
});

/** The header's columns that name a credential, by index; none when the first row is not a header of labels (a value in it makes it data). */
function credentialColumns(cells: readonly Cell[]): Map<number, string> {
  const columns = new Map<number, string>();
  if (cells.length < 2 || !cells.every((cell) => cell.text === '' || (LABEL.test(cell.text) && !looksLikeSecretLiteral(cell.text)))) return columns;
  cells.forEach((cell, index) => {
    if (namesCredentialValue(cell.text)) columns.set(index, cell.text);
  });
  return columns;
}

/**
 * A name of the credential itself, ending in the word for it: `Password`, `Secret access key`,
 * `api_token`; not a column about one (`Password last changed`, `Token status`).
 */
function namesCredentialValue(label: string): boolean {
  const last = nameWords(label).pop() ?? '';
  return namesCredential(label) && /(?:key|token|secret|pass|passwd|password|pwd|passphrase|credentials?|pat)$/.test(last);
}

/** Words joined by punctuation (`excluded:version-mismatch`, `see-vault`): a note or a status, not a credential. */
const JOINED_WORDS = /^[A-Za-z]+(?:[_.:/-]+[A-Za-z]+)+$/;

function isCredentialValue(value: string): boolean {
  return !PASSWORD_HASH.test(value) && !JOINED_WORDS.test(value) && looksLikeSecretLiteral(value);
}

/** Comma unless the line has more semicolons or tabs (European spreadsheets export with `;`). */
function likelyDelimiter(line: string): string {
  let best = ',';
  let bestCount = count(line, ',');
  for (const candidate of [';', '\t']) {
    const found = count(line, candidate);
    if (found > bestCount) [best, bestCount] = [candidate, found];
  }
  return best;
}

function count(line: string, char: string): number {
  let found = 0;
  for (let at = line.indexOf(char); at !== -1; at = line.indexOf(char, at + 1)) found++;
  return found;
}

/** One line's cells, trimmed, with their offsets in the document. A quoted cell may hold the delimiter and doubled quotes. */
function splitCells(line: string, lineOffset: number, delimiter: string): Cell[] {
  const cells: Cell[] = [];
  let at = 0;
  while (at <= line.length) {
    while (at < line.length && line[at] === ' ') at++;
    if (line[at] === '"') {
      let close = at + 1;
      while (close < line.length && (line[close] !== '"' || line[close + 1] === '"')) close += line[close] === '"' ? 2 : 1;
      // The raw text, doubled quotes and all, so that the offsets stay the document's.
      cells.push({ text: line.slice(at + 1, close), start: lineOffset + at + 1 });
      const next = line.indexOf(delimiter, close);
      if (next === -1) break;
      at = next + 1;
    } else {
      let next = line.indexOf(delimiter, at);
      if (next === -1) next = line.length;
      const raw = line.slice(at, next);
      cells.push({ text: raw.trimEnd(), start: lineOffset + at });
      if (next === line.length) break;
      at = next + 1;
    }
  }
  return cells;
}
