import { isMap, isScalar, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { applyEdits, diffToEdits } from '../../server/src/engine/fix/text-diff';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { mapEntries, nodeSpan, pairOf, pairSpan, scalarString, valueOf, yamlEditKeepsParsing } from '../../server/src/engine/parse/yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Fix, TextEdit } from '../../server/src/engine/types';
import { gitlabJobs } from '../lib/gitlab-ci';
import { replaceScalar } from '../lib/k8s-yaml';
import docs from './docs.md';

/** Stands for the audience a relying party (Vault role, cloud OIDC provider) is configured to accept. */
export const AUDIENCE_PLACEHOLDER = '<RELYING_PARTY_AUDIENCE>';
/** A Vault JWT role's `bound_audiences`, usually the Vault address (as gl-ci-job-jwt-deprecated writes it). */
export const VAULT_AUDIENCE_PLACEHOLDER = 'https://<VAULT_HOST>';

interface IdToken {
  readonly label: string;
  readonly owner: string;
  readonly key: string;
  readonly pair: Pair<Node, Node | null>;
  /** The `id_tokens:` map holding the token. */
  readonly tokens: YAMLMap<unknown, unknown>;
}

function* idTokens(document: ParsedDocument): Generator<IdToken> {
  const owners: Array<{ label: string; name: string; map: unknown }> = [];
  for (const yaml of document.yaml()) owners.push({ label: 'default:', name: 'default', map: valueOf(valueOf(yaml.contents, 'default'), 'id_tokens') });
  for (const job of gitlabJobs(document)) owners.push({ label: `job '${job.name}'`, name: job.name, map: valueOf(job.job, 'id_tokens') });
  for (const { label, name, map } of owners) {
    if (!isMap(map)) continue;
    for (const { key, pair } of mapEntries(map)) yield { label, owner: name, key, pair, tokens: map as YAMLMap<unknown, unknown> };
  }
}

export default defineRule({
  id: 'gl-id-token-aud',
  category: 'fallback',
  defaultSeverity: 'warning',
  fileKinds: ['gitlab-ci'],
  keywords: ['id_tokens'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const token of idTokens(document)) {
      const { key, label, owner, pair } = token;
      const aud = isMap(pair.value) ? pairOf(pair.value, 'aud') : undefined;
      const audiences = isSeq(aud?.value) ? aud.value.items.map(scalarString).filter(Boolean) : [scalarString(aud?.value)].filter(Boolean);
      if (audiences.length === 0) {
        const keySpan = nodeSpan(pair.key);
        if (!keySpan) continue;
        report({
          span: keySpan,
          message: `ID token ${key} in ${label} has no \`aud:\`; give it the one audience of the service that consumes it (e.g. \`aud: https://vault.example.com\`), so the token is accepted there and nowhere else.`,
          construct: `${owner}:${key}:no-aud`,
          data: { offset: keySpan[0] },
          fixable: planAudience(document.text, token, audienceFor(key).value) !== undefined,
        });
      } else if (new Set(audiences).size > 1) {
        const span = aud && pairSpan(aud);
        if (!span) continue;
        // No quick fix: splitting the token means a second variable, and every consumer of this one
        // (a `secrets:` entry, a script) would have to move to the right token by hand.
        report({
          span,
          message: `ID token ${key} in ${label} is valid for ${new Set(audiences).size} audiences, so each of those services could replay it against the others; declare one ID token per service, each with a single \`aud:\`.`,
          construct: `${owner}:${key}:aud:${[...new Set(audiences)].sort().join(',')}`,
          fixable: false,
        });
      }
    }
  },
  fix({ document, finding }) {
    for (const token of idTokens(document)) {
      if (token.pair.key?.range?.[0] !== finding.data?.offset) continue;
      const fix = audienceFix(document.text, token);
      return fix ? [fix] : [];
    }
    return [];
  },
});

/**
 * The audience to write: the one public relying party whose audience is fixed (Sigstore's
 * Fulcio accepts `sigstore`), else a placeholder, shaped like a Vault address for a token whose
 * name says Vault.
 */
function audienceFor(key: string): { value: string; placeholder?: string } {
  if (/SIGSTORE|COSIGN/i.test(key)) return { value: 'sigstore' };
  if (/VAULT/i.test(key)) return { value: VAULT_AUDIENCE_PLACEHOLDER, placeholder: VAULT_AUDIENCE_PLACEHOLDER };
  return { value: AUDIENCE_PLACEHOLDER, placeholder: AUDIENCE_PLACEHOLDER };
}

/**
 * Gives a token without an audience one, in the form its entry is written in: a value for an
 * empty `aud:`, an `aud:` line for a token with nothing under it, `{ aud: ... }` for `{}`.
 * Undefined where the entry is something else (an alias, a string, a list, a block list of
 * empty audiences), which needs a person to read it.
 */
function audienceFix(text: string, token: IdToken): Fix | undefined {
  const { value, placeholder } = audienceFor(token.key);
  const edits = planAudience(text, token, value)?.();
  if (!edits || edits.length === 0 || !yamlEditKeepsParsing(text, applyEdits(text, edits))) return undefined;
  return {
    title: `Give ID token ${token.key} the audience of the one service that reads it (aud: ${value})`,
    edits,
    ...(placeholder ? { placeholders: [placeholder] } : {}),
  };
}

type TextEdits = () => TextEdit[] | undefined;

/**
 * How the audience would be written, decided from the parsed tree alone (the scan asks this of
 * every token to mark the finding fixable); the edits themselves, which may build a CST of the
 * whole file, are made only when the returned function is called.
 */
function planAudience(text: string, token: IdToken, value: string): TextEdits | undefined {
  const node = token.pair.value;
  const key = token.pair.key as Scalar | null;
  if (!key?.range || (text.slice(key.range[0], node?.range?.[1] ?? key.range[1]).includes('{{'))) return undefined;
  if (isScalar(node) && node.value === null && node.range) {
    const span: [number, number] = [node.range[0], node.range[1]];
    // `TOKEN: ~`: the null becomes a flow map in place.
    if (span[0] !== span[1]) return () => [{ span, newText: `{ aud: ${value} }` }];
    // `TOKEN:` with nothing under it: an `aud:` line, indented one step further.
    const indent = childIndent(text, token);
    if (indent === undefined) return undefined;
    return () => [insertLineAfter(text, key.range![1], `${indent}aud: ${value}`)];
  }
  if (!isMap(node) || !node.range) return undefined;
  const aud = pairOf(node, 'aud');
  if (aud) {
    const edits = emptyAudienceEdits(text, aud, value);
    return edits && (() => edits);
  }
  const span: [number, number] = [node.range[0], node.range[1]];
  if (node.flow) return node.items.length === 0 ? () => [{ span, newText: `{ aud: ${value} }` }] : undefined;
  return () => {
    const editor = new YamlCstEditor(text);
    const map = editor.blockMapAt(span[0]);
    if (!map) return undefined;
    editor.insertEntries(map, `aud: ${value}\n`, 0);
    return diffToEdits(text, editor.toString());
  };
}

/** `aud:` that is there but names nothing: `aud:`, `aud: ~`, `aud: ""`, `aud: []`. */
function emptyAudienceEdits(text: string, aud: Pair<Node, Node | null>, value: string): TextEdit[] | undefined {
  const node = aud.value;
  if (!node?.range) return undefined;
  if (isScalar(node)) {
    const source = text.slice(node.range[0], node.range[1]);
    if (node.value === null && source !== '') return [{ span: [node.range[0], node.range[1]], newText: value }];
    if (node.value === null) {
      // Nothing after the colon but perhaps a comment: the value goes right after the colon.
      const keyEnd = (aud.key as Node | null)?.range?.[1];
      const colon = keyEnd === undefined ? -1 : text.indexOf(':', keyEnd);
      if (keyEnd === undefined || colon === -1 || text.slice(keyEnd, colon).trim() !== '') return undefined;
      return [{ span: [colon + 1, colon + 1], newText: ` ${value}` }];
    }
    const edit = replaceScalar(text, node as Scalar, value);
    return edit ? [edit] : undefined;
  }
  if (isSeq(node) && node.flow) return [{ span: [node.range[0], node.range[1]], newText: value }];
  return undefined;
}

/** The indentation of a new key under the token: one step (the token's column minus `id_tokens:`'s) deeper. */
function childIndent(text: string, token: IdToken): string | undefined {
  const keyStart = token.pair.key?.range?.[0];
  if (keyStart === undefined || token.tokens.flow) return undefined;
  const lineStart = text.lastIndexOf('\n', keyStart - 1) + 1;
  if (!/^ *$/.test(text.slice(lineStart, keyStart))) return undefined;
  const own = keyStart - lineStart;
  const parent = parentKeyColumn(text, lineStart);
  return ' '.repeat(own + (parent !== undefined && own > parent ? own - parent : 2));
}

/** The column of the nearest line above `lineStart` that is less indented than it (the parent key). */
function parentKeyColumn(text: string, lineStart: number): number | undefined {
  let own = 0;
  while (text.charCodeAt(lineStart + own) === 32) own++;
  let end = lineStart - 1;
  while (end > 0) {
    const start = text.lastIndexOf('\n', end - 1) + 1;
    const line = text.slice(start, end);
    end = start - 1;
    if (line.trim() === '' || line.trimStart().startsWith('#')) continue;
    const indent = /^ */.exec(line)![0].length;
    if (indent < own) return indent;
  }
  return undefined;
}

function insertLineAfter(text: string, offset: number, line: string): TextEdit {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const newline = text.indexOf('\n', offset);
  if (newline === -1) return { span: [text.length, text.length], newText: eol + line };
  return { span: [newline + 1, newline + 1], newText: line + eol };
}
