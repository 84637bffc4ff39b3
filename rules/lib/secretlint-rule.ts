import { lintSource } from '@secretlint/core';
import { secretLintProfiler } from '@secretlint/profiler';
import type { SecretLintCoreConfig } from '@secretlint/types';
import { rules as recommendedRules } from '@secretlint/secretlint-rule-preset-recommend';
import { defineRule } from '../../server/src/engine/define-rule';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { Category, Report, Rule, Severity } from '../../server/src/engine/types';

type SecretlintRule = (typeof recommendedRules)[number];

export interface SecretlintBackedRule {
  readonly id: string;
  /** The secretlint rule id, e.g. `@secretlint/secretlint-rule-aws`. */
  readonly secretlintRuleId: string;
  /** Our message; `{{secret}}` becomes the masked value and `{{kind}}` the token kind. */
  readonly message: string;
  /** Lower-case substrings every match of the secretlint rule contains. */
  readonly keywords: readonly string[];
  /**
   * A condition every match of the secretlint rule meets, for rules whose keywords are common
   * (a URL scheme): tested once on the whole text, before the rule joins a secretlint pass.
   * Bounded quantifiers after a literal anchor, so the search is linear.
   */
  readonly pattern?: RegExp;
  /**
   * What the rule finds itself, beside secretlint's messages: a shape our prefilter locates (the
   * rule then locates its keywords) where secretlint's search for it would pass over the whole text.
   */
  readonly ownFindings?: (document: ParsedDocument) => Iterable<Report>;
  /** Whether a match secretlint reported (the text of its range) is reported by us, when not every one is. */
  readonly accept?: (matched: string) => boolean;
  /** Per secretlint message id: our message, severity, and which matched values count. */
  readonly messageIds?: Readonly<Record<string, { readonly message?: string; readonly severity?: Severity; readonly accept?: (value: string) => boolean }>>;
  /**
   * Where the secret itself is (the first capture group that matched), when secretlint's range is
   * not the secret: a whole key file (GCP), or a range that starts at the key name but has the
   * length of the value (secretlint reports `[match start, match start + value length]` for AWS's
   * `secret_access_key = …`, npm's `_authToken=…` and `…:x-oauth-basic@github.com`). The pattern
   * is run from the start of the range and may read up to {@link PART_SLACK} characters past its
   * end; the part must start inside the range. The finding, its mask and its fingerprint use that
   * part; when the pattern finds none, secretlint's range is kept.
   */
  readonly secretPart?: RegExp;
  readonly category?: Category;
  readonly severity?: Severity;
  readonly docs: string;
}

const byId = new Map<string, SecretlintRule>(recommendedRules.map((rule) => [rule.meta.id, rule]));

// secretlint's profiler keeps every performance mark for the life of the process and searches
// them linearly on each new mark: quadratic time and unbounded memory in a long-running server.
// We never read its measurements, so marks are dropped.
secretLintProfiler.mark = () => undefined;

type Message = Awaited<ReturnType<typeof lintSource>>['messages'][number];

/** Every wrapped rule, so one secretlint pass per document serves all of them. */
const wrapped: Array<{ secretlintRuleId: string; keywords: readonly string[]; pattern?: RegExp; rule: SecretlintRule }> = [];

/**
 * Runs secretlint once on a document with every wrapped rule whose keywords occur in it, and
 * groups the messages by secretlint rule id. The first wrapped rule to run on a document version
 * starts the pass; the others share its result.
 */
function secretlintPass(document: ParsedDocument): Promise<ReadonlyMap<string, Message[]>> {
  return document.derived(runSecretlint);
}

function runSecretlint(document: ParsedDocument): Promise<ReadonlyMap<string, Message[]>> {
  const candidates = wrapped.filter(
    (entry) => entry.keywords.some((keyword) => document.containsKeyword(keyword)) && (entry.pattern === undefined || document.text.search(entry.pattern) !== -1),
  );
  if (candidates.length === 0) return Promise.resolve(new Map());
  const config: SecretLintCoreConfig = {
    rules: candidates.map((entry) => ({ id: entry.secretlintRuleId, rule: entry.rule as never })),
  };
  const text = document.text;
  const key = `${document.path}\0${candidates.map((entry) => entry.secretlintRuleId).join('\0')}`;
  const before = lintedChunks.get(key);
  const now = new Map<string, Promise<Message[]>>();
  const lint = async (chunk: string): Promise<Message[]> => {
    const result = await lintSource({
      source: { filePath: document.path, content: chunk, ext: extname(document.path), contentType: 'text' },
      options: { config, maskSecrets: true, noPhysicFilePath: true },
    });
    return result.messages;
  };
  const linted = chunksOf(text).map(([start, end]) => {
    const chunk = text.slice(start, end);
    const messages = now.get(chunk) ?? before?.get(chunk) ?? lint(chunk);
    now.set(chunk, messages);
    return messages.then((list) => list.map((message) => ({ ...message, range: [message.range[0] + start, message.range[1] + start] as typeof message.range })));
  });
  // A document read from disk (version 0: the CLI, a closed file) has no next version to serve.
  lintedChunks.delete(key);
  if (document.source.version > 0) lintedChunks.set(key, now);
  if (lintedChunks.size > DOCUMENTS_REMEMBERED) lintedChunks.delete(lintedChunks.keys().next().value!);
  return Promise.all(linted).then((chunks) => {
    const byRule = new Map<string, Message[]>();
    for (const message of chunks.flat()) {
      if (message.type !== 'message') continue;
      const list = byRule.get(message.ruleId) ?? [];
      list.push(message);
      byRule.set(message.ruleId, list);
    }
    return byRule;
  });
}

/**
 * The last version's messages per chunk text (ranges in the chunk), for the few open documents
 * linted last, by path and the rules that ran: a keystroke in a large file lints the chunk it changed,
 * not the file. secretlint's messages are a function of the chunk's text, so this changes no result.
 */
const lintedChunks = new Map<string, Map<string, Promise<Message[]>>>();
const DOCUMENTS_REMEMBERED = 8;

/** secretlint's work per call grows faster than linearly with the findings in it; chunks bound it. */
const CHUNK_CHARS = 32 * 1024;
/** A chunk ends at the first cut line after this many characters (or at CHUNK_CHARS). */
const CHUNK_MIN_CHARS = 16 * 1024;
/** About one line in this many is a cut line. */
const CUT_LINE_ODDS = 16;

/**
 * Splits a text into spans of 16 to about 32 KiB at line ends, never inside a PEM block (private
 * keys span lines), so every token secretlint can match lies wholly in one chunk. Where a chunk
 * ends depends on the lines near its end, not on its start (a content-defined cut: the first
 * line past CHUNK_MIN_CHARS whose hash picks it), so an edit moves the cuts of its own chunk at
 * most, and the chunks after it keep their text.
 */
export function chunksOf(text: string): Array<[number, number]> {
  if (text.length <= CHUNK_CHARS) return [[0, text.length]];
  const blocks = pemBlocks(text);
  let block = 0;
  const chunks: Array<[number, number]> = [];
  let start = 0;
  while (start < text.length) {
    const limit = Math.min(text.length, start + CHUNK_CHARS);
    let end = cutAfter(text, Math.min(text.length, start + CHUNK_MIN_CHARS), limit);
    // A very long line (minified, generated) is cut at a separator no token contains.
    if (end - limit > CHUNK_CHARS) end = separatorAfter(text, limit);
    while (block < blocks.length && blocks[block]![1] < end) block++;
    // A block that starts before the cut and ends after it moves the cut to the line after it.
    const open = blocks[block];
    if (open && open[0] < end) {
      const after = text.indexOf('\n', open[1]);
      end = after === -1 ? text.length : after + 1;
    }
    chunks.push([start, end]);
    start = end;
  }
  return chunks;
}

/** The end of the first cut line that ends at or after `from`; past `limit`, the end of the line there. */
function cutAfter(text: string, from: number, limit: number): number {
  let lineEnd = text.indexOf('\n', from);
  while (lineEnd !== -1 && lineEnd < limit) {
    if (isCutLine(text, lineEnd)) return lineEnd + 1;
    lineEnd = text.indexOf('\n', lineEnd + 1);
  }
  if (lineEnd === -1) return text.length;
  return lineEnd + 1;
}

/** Whether the line ending at `lineEnd` is a cut line: a hash of its last 32 characters. */
function isCutLine(text: string, lineEnd: number): boolean {
  let hash = 0x811c9dc5;
  for (let i = Math.max(0, lineEnd - 32); i < lineEnd; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return (hash >>> 0) % CUT_LINE_ODDS === 0;
}

/** `[BEGIN, END]` offsets of each PEM-style block, in one forward pass (no search restarts from the start). */
function pemBlocks(text: string): Array<[number, number]> {
  const blocks: Array<[number, number]> = [];
  let from = 0;
  for (;;) {
    const begin = text.indexOf('-----BEGIN', from);
    if (begin === -1) return blocks;
    const close = text.indexOf('-----END', begin);
    if (close === -1) return blocks;
    blocks.push([begin, close]);
    from = close + 1;
  }
}

function separatorAfter(text: string, from: number): number {
  const limit = Math.min(text.length, from + 4096);
  for (let i = from; i < limit; i++) {
    if (' \t,;"\'`<>()'.includes(text[i]!)) return i + 1;
  }
  return limit;
}

/**
 * Wraps one rule of `@secretlint/secretlint-rule-preset-recommend` as one of ours: secretlint finds
 * the token shapes it knows, we map each message into a finding with our id, category and masking.
 * The wrapped rule runs only when our keyword prefilter passes, which keeps secretlint's cost off
 * the files that cannot match.
 */
export function secretlintRule(spec: SecretlintBackedRule): Rule {
  const secretlint = byId.get(spec.secretlintRuleId);
  if (!secretlint) throw new Error(`secretlint preset has no rule ${spec.secretlintRuleId}`);
  wrapped.push({
    secretlintRuleId: spec.secretlintRuleId,
    keywords: spec.keywords,
    rule: secretlint,
    ...(spec.pattern ? { pattern: spec.pattern } : {}),
  });
  // `d` for the capture group's own offsets; no `g`/`y`, so `exec` keeps no state between calls.
  const secretPart = spec.secretPart && new RegExp(spec.secretPart.source, `${spec.secretPart.flags.replace(/[dgy]/g, '')}d`);
  return defineRule({
    id: spec.id,
    category: spec.category ?? 'secret',
    defaultSeverity: spec.severity ?? 'error',
    fileKinds: '*',
    keywords: spec.keywords,
    // Own findings need not meet secretlint's pattern; the pass still does (`runSecretlint`).
    ...(spec.pattern && !spec.ownFindings ? { pattern: spec.pattern } : {}),
    ...(spec.ownFindings ? { locatesKeywords: true } : {}),
    aliases: [spec.secretlintRuleId],
    docs: spec.docs,
    async check({ document, report }) {
      const messages = (await secretlintPass(document)).get(spec.secretlintRuleId) ?? [];
      // Two patterns of one rule can find the same secret (npm's `_authToken=npm_…` is both an
      // .npmrc token and an npm access token): one secret, one finding.
      const seen = new Set<string>();
      for (const message of messages) {
        if (spec.accept && !spec.accept(document.text.slice(message.range[0], message.range[1]))) continue;
        const [start, end] = narrowed(document.text, message.range, secretPart);
        const secret = document.text.slice(start, end);
        const kind = spec.messageIds?.[message.messageId];
        if (kind?.accept && !kind.accept(secret)) continue;
        if (seen.has(`${start}:${end}`)) continue;
        seen.add(`${start}:${end}`);
        report({
          span: [start, end],
          secret,
          message: (kind?.message ?? spec.message).split('{{kind}}').join(humanise(message.messageId)),
          ...(kind?.severity ? { severity: kind.severity } : {}),
        });
      }
      if (spec.ownFindings) for (const found of spec.ownFindings(document)) report(found);
    },
  });
}

/** How far past secretlint's reported end a {@link SecretlintBackedRule.secretPart} may read. */
const PART_SLACK = 256;

function narrowed(text: string, [start, end]: readonly [number, number], part: RegExp | undefined): [number, number] {
  if (!part) return [start, end];
  // The first capture group that took part in the match (a pattern may offer alternatives).
  const group = part.exec(text.slice(start, Math.min(text.length, end + PART_SLACK)))?.indices?.slice(1).find(Boolean);
  if (!group || group[0] === group[1] || start + group[0] >= end) return [start, end];
  return [start + group[0], start + group[1]];
}

function extname(path: string): string {
  const slash = path.lastIndexOf('/');
  const dot = path.lastIndexOf('.');
  return dot > slash + 1 ? path.slice(dot) : '';
}

/** `AWSAccessKeyID` → `AWS access key ID`; `GRAFANA_CLOUD_API_TOKEN` → `Grafana cloud API token`. */
function humanise(messageId: string): string {
  return messageId
    .replace(/_/g, ' ')
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/\b([A-Z][a-z]+)\b/g, (word) => word.toLowerCase())
    .trim();
}
