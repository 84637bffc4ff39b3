import { CST, isScalar, type Node, type Scalar, type YAMLMap } from 'yaml';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { keyOf, YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { isMap, isSeq, mapEntries, nodeSpan, pairOf, scalarString, valueOf, yamlParsesCleanly } from '../../server/src/engine/parse/yaml';
import type { Fix } from '../../server/src/engine/types';
import { publishCommand } from '../gha-npm-token-publish';
import {
  allScalars,
  cstItemAt,
  editableSeq,
  gitlabJobs,
  isLiteralBlock,
  isOneLineScalar,
  isStandaloneLine,
  literalIndent,
  removeSeqItem,
  setLiteralScript,
  shellCommands,
  soleJob,
  type GitlabJob,
} from '../lib/gitlab-ci';

export const TOKEN_VARIABLES = ['NPM_TOKEN', 'NODE_AUTH_TOKEN'];
const PUBLIC_REGISTRY = 'registry.npmjs.org';
/** npm's documented GitLab ID tokens: the publish audience, and Sigstore's for provenance. */
const ID_TOKENS: ReadonlyArray<readonly [name: string, aud: string]> = [
  ['NPM_ID_TOKEN', '"npm:registry.npmjs.org"'],
  ['SIGSTORE_ID_TOKEN', 'sigstore'],
];

/** Whether a script line mentions an npm token variable as a whole word (comments aside). */
export function mentionsToken(text: string): boolean {
  return text.split('\n').some((line) => !line.trimStart().startsWith('#') && /(?<![\w])(?:NPM_TOKEN|NODE_AUTH_TOKEN)(?![\w])/.test(line));
}

/** An `_authToken` line this rule is about: the public registry, not the GitLab registry or a private one. */
export function isPublicAuthTokenLine(line: string): boolean {
  return line.includes('_authToken') && !line.trimStart().startsWith('#') && !line.includes('CI_JOB_TOKEN') && (!line.includes('//') || line.includes(PUBLIC_REGISTRY));
}

/**
 * A script line that does nothing but store an npm auth token: `echo "//registry.npmjs.org/:_authToken=$T" > .npmrc`
 * (or `>>`, `printf`), or `npm config set //registry.npmjs.org/:_authToken "$T"` (npm, pnpm, yarn; `npm set`).
 */
export function isTokenWrite(line: string): boolean {
  const trimmed = line.trim();
  if (!isPublicAuthTokenLine(trimmed)) return false;
  const commands = shellCommands(trimmed);
  const words = commands[0];
  if (commands.length !== 1 || !words) return false;
  if (words[0] === 'echo' || words[0] === 'printf') return /\s>>?\s*["']?[^\s"'<>]*\.npmrc["']?$/.test(trimmed);
  return ['npm', 'pnpm', 'yarn'].includes(words[0]!) && (words[1] === 'set' || (words[1] === 'config' && words[2] === 'set'));
}

/** `NPM_TOKEN=$X npm publish ...` without the token assignment, or undefined when the line is not of that form. */
export function withoutTokenPrefix(line: string): string | undefined {
  const match = /^(\s*)(?:NPM_TOKEN|NODE_AUTH_TOKEN)=(?:"[^"]*"|'[^']*'|[^\s"']+)\s+(?=npm\s)/.exec(line);
  return match ? match[1] + line.slice(match[0].length) : undefined;
}

/** A script scalar without its npm token setup: the new value (`null` when the whole entry goes) and what was taken out. */
export interface ScriptChange {
  readonly value: string | null;
  /** Lines that stored the token (`echo … > .npmrc`, `npm config set …`). */
  readonly writes: number;
  /** Variables whose `NAME=… npm publish` assignment was dropped. */
  readonly prefixes: string[];
}

/**
 * How a script scalar reads without its npm token setup, or undefined when a change is needed but
 * unsafe (the token inside a longer command, a continuation, a heredoc or a folded scalar). An
 * entry is dropped whole only when it is its own line of a block list (`ownLine`).
 */
export function scriptWithoutToken(document: ParsedDocument, node: Node, ownLine: boolean): ScriptChange | undefined {
  const value = scalarString(node) ?? '';
  const touches = (line: string) => isPublicAuthTokenLine(line) || mentionsToken(line);
  if (!value.split('\n').some(touches)) return { value, writes: 0, prefixes: [] };
  const prefix = (line: string) => /^\s*(\w+)=/.exec(line)?.[1] ?? '';
  if (isOneLineScalar(document, node)) {
    if (isTokenWrite(value)) return ownLine ? { value: null, writes: 1, prefixes: [] } : undefined;
    const stripped = withoutTokenPrefix(value);
    return stripped !== undefined && !touches(stripped) ? { value: stripped, writes: 0, prefixes: [prefix(value)] } : undefined;
  }
  if (!isLiteralBlock(document, node)) return undefined;
  const lines = value.split('\n');
  const kept: string[] = [];
  const prefixes: string[] = [];
  let writes = 0;
  for (const [index, line] of lines.entries()) {
    if (!touches(line)) {
      kept.push(line);
      continue;
    }
    if (!isStandaloneLine(lines, index)) return undefined;
    if (isTokenWrite(line)) {
      writes++;
      continue;
    }
    const stripped = withoutTokenPrefix(line);
    if (stripped === undefined || touches(stripped)) return undefined;
    kept.push(stripped);
    prefixes.push(prefix(line));
  }
  if (kept.some((line) => line.trim() !== '' && !line.trimStart().startsWith('#'))) return { value: kept.join('\n'), writes, prefixes };
  return ownLine ? { value: null, writes, prefixes } : undefined;
}

/** What the fix title says it removes. */
export function removedWhat(variables: readonly string[], writes: number, prefixes: readonly string[]): string {
  const parts = [...new Set(variables)];
  if (writes > 0) parts.push(writes > 1 ? 'the .npmrc _authToken lines' : 'the .npmrc _authToken line');
  for (const name of new Set(prefixes)) parts.push(`the ${name}=… assignment`);
  return parts.length > 1 ? `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}` : (parts[0] ?? 'the token');
}

type YMap = YAMLMap<unknown, unknown>;

interface NpmPlan {
  readonly job: GitlabJob;
  readonly jobVariables?: { readonly map: YMap; readonly keys: string[]; readonly all: boolean };
  readonly globalVariables?: { readonly map: YMap; readonly keys: string[]; readonly all: boolean };
  /** Script entries to drop, and scalars to rewrite (token lines removed, `NPM_TOKEN=… npm publish` prefixes stripped). */
  readonly drop: Node[];
  readonly rewrite: Array<{ readonly node: Scalar; readonly value: string }>;
  readonly idTokens: { readonly map?: YMap; readonly missing: string[] };
  readonly writes: number;
  readonly prefixes: string[];
}

export function npmPlan(document: ParsedDocument, job: GitlabJob): NpmPlan | undefined {
  if (job.job.flow) return undefined;
  const drop: Node[] = [];
  const rewrite: Array<{ node: Scalar; value: string }> = [];
  const publishers: string[] = [];
  const prefixes: string[] = [];
  let writes = 0;
  for (const key of ['before_script', 'script', 'after_script']) {
    const script = valueOf(job.job, key);
    // An anchored list is shared with the jobs that alias it: it is read, never edited.
    const shared = isSeq(script) && script.anchor !== undefined;
    const entries: Array<{ node: unknown; ownLine: boolean }> = isSeq(script) ? script.items.map((node) => ({ node, ownLine: !script.flow })) : [{ node: script, ownLine: false }];
    for (const { node, ownLine } of entries) {
      if (node === undefined || node === null) continue;
      if (!isScalar(node)) {
        // A nested list (from an anchor) is left as is; it must not hold the token.
        if ([...allScalars(node)].some((scalar) => mentionsToken(scalarString(scalar) ?? '') || isPublicAuthTokenLine(scalarString(scalar) ?? ''))) return undefined;
        continue;
      }
      const publisher = publishCommand(scalarString(node) ?? '');
      if (publisher) publishers.push(publisher);
      const change = scriptWithoutToken(document, node, ownLine);
      if (!change || (shared && change.value !== scalarString(node))) return undefined;
      writes += change.writes;
      prefixes.push(...change.prefixes);
      if (change.value === null) drop.push(node);
      else if (change.value !== scalarString(node)) rewrite.push({ node, value: change.value });
    }
  }
  // Trusted publishing is npm's: other tools' publish commands keep their own authentication.
  if (publishers.length === 0 || publishers.some((publisher) => publisher !== 'npm publish')) return undefined;

  const variablesPlan = (variables: unknown) => {
    const keys = mapEntries(variables).filter(({ key }) => TOKEN_VARIABLES.includes(key));
    if (keys.length === 0) return undefined;
    const all = keys.length === mapEntries(variables).length;
    const rest = mapEntries(variables).filter(({ key }) => !TOKEN_VARIABLES.includes(key));
    // Another variable built from the token (`AUTH: $NPM_TOKEN`) would be left dangling.
    if ((!all && (variables as YMap).flow) || (variables as YMap).anchor || rest.some(({ pair }) => [...allScalars(pair.value)].some((scalar) => mentionsToken(scalarString(scalar) ?? '')))) return null;
    return { map: variables as YMap, keys: keys.map(({ key }) => key), all };
  };
  const jobVariables = variablesPlan(valueOf(job.job, 'variables'));
  const sole = soleJob(document);
  const globalVariables = sole?.job === job.job ? variablesPlan(valueOf(job.root, 'variables')) : undefined;
  if (jobVariables === null || globalVariables === null) return undefined;
  if (!jobVariables && !globalVariables && drop.length === 0 && rewrite.length === 0) return undefined;

  // Nothing else in the job may still read the token once its setup is gone.
  const changed = new Set<unknown>([...drop, ...rewrite.map(({ node }) => node)]);
  for (const { key, pair } of mapEntries(job.job)) {
    if (key === 'variables' || key === 'before_script' || key === 'script' || key === 'after_script') continue;
    if ([...allScalars(pair.value)].some((scalar) => !changed.has(scalar) && mentionsToken(scalarString(scalar) ?? ''))) return undefined;
  }

  const idTokens = valueOf(job.job, 'id_tokens');
  const missing = ID_TOKENS.map(([name]) => name).filter((name) => !pairOf(idTokens, name));
  if (idTokens !== undefined && missing.length > 0 && (!isMap(idTokens) || idTokens.flow)) return undefined;
  return {
    job,
    ...(jobVariables ? { jobVariables } : {}),
    ...(globalVariables ? { globalVariables } : {}),
    drop,
    rewrite,
    idTokens: { ...(isMap(idTokens) ? { map: idTokens as YMap } : {}), missing },
    writes,
    prefixes,
  };
}

export function npmFix(document: ParsedDocument, jobName: unknown): Fix[] {
  const job = [...gitlabJobs(document)].find((candidate) => candidate.name === jobName);
  const plan = job && npmPlan(document, job);
  if (!plan) return [];
  const text = document.text;
  const editor = new YamlCstEditor(text);
  const at = (node: unknown) => nodeSpan(node as Node)?.[0] ?? -1;
  // Everything is looked up before anything changes: inserted tokens carry offsets of their own.
  const jobMap = editor.blockMapAt(at(plan.job.job));
  const rootMap = plan.globalVariables ? editor.blockMapAt(at(plan.job.root)) : undefined;
  const variableMaps = [plan.jobVariables, plan.globalVariables].map((variables) => (variables && !variables.all ? editor.blockMapAt(at(variables.map)) : undefined));
  const idMap = plan.idTokens.map && plan.idTokens.missing.length > 0 ? editor.blockMapAt(at(plan.idTokens.map)) : undefined;
  if (!jobMap || (plan.globalVariables && !rootMap) || (plan.idTokens.map && plan.idTokens.missing.length > 0 && !idMap)) return [];
  const seqs = ['before_script', 'script', 'after_script'].map((key) => editableSeq(jobMap.items.find((item) => keyOf(item) === key))).filter((seq) => seq !== undefined);
  const drops = plan.drop.map((node) => ({ seq: seqs.find((seq) => cstItemAt(seq, at(node))), item: seqs.map((seq) => cstItemAt(seq, at(node))).find(Boolean) }));
  const rewrites = plan.rewrite.map(({ node, value }) => ({ item: cstItemAt(jobMap, at(node)), value, literal: node.type === 'BLOCK_LITERAL' }));
  if (drops.some(({ seq, item }) => !seq || !item) || rewrites.some(({ item }) => !item?.value)) return [];

  for (const { item, value, literal } of rewrites) {
    const token = item!.value!;
    if (literal) {
      const indent = literalIndent(token);
      if (indent === undefined || !setLiteralScript(token, value, indent)) return [];
    } else {
      CST.setScalarValue(token, value);
    }
  }
  for (const { seq, item } of drops) if (!removeSeqItem(seq!, item!)) return [];
  const removed: string[] = [];
  for (const [index, variables] of [plan.jobVariables, plan.globalVariables].entries()) {
    if (!variables) continue;
    const owner = index === 0 ? jobMap : rootMap!;
    const ok = variables.all ? editor.removeKeys(owner, ['variables']) !== -1 : editor.removeKeys(variableMaps[index]!, variables.keys) !== -1;
    if (!ok) return [];
    removed.push(...variables.keys);
  }
  const entries = plan.idTokens.missing.map((name) => ID_TOKENS.find(([candidate]) => candidate === name)!).map(([name, aud]) => `${name}:\n  aud: ${aud}\n`);
  if (idMap) {
    editor.insertEntries(idMap, entries.join(''));
  } else if (!plan.idTokens.map) {
    const before = ['variables', 'before_script', 'script'].map((key) => editor.indexOf(jobMap, key)).filter((index) => index !== -1);
    editor.insertEntries(jobMap, `id_tokens:\n${entries.join('').replace(/^(?=.)/gm, '  ')}`, before.length > 0 ? Math.min(...before) : undefined);
  }

  const fixed = editor.toString();
  if (!yamlParsesCleanly(fixed)) return [];
  return [
    {
      // Not preferred: publishing fails until the package has a trusted publisher on npmjs.com.
      title: `Use npm trusted publishing: add id_tokens NPM_ID_TOKEN (aud npm:registry.npmjs.org) and SIGSTORE_ID_TOKEN, remove ${removedWhat(removed, plan.writes, plan.prefixes)}; needs the package's trusted publisher configured on npmjs.com, GitLab.com shared runners and npm >= 11.5.1`,
      edits: diffToEdits(text, fixed),
    },
  ];
}
