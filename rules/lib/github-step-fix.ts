import type { YAMLMap } from 'yaml';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import { applyEdits, diffToEdits } from '../../server/src/engine/fix/text-diff';
import { isMap, nodeSpan, pairOf, pairSpan, scalarString, valueOf, yamlEditKeepsParsing } from '../../server/src/engine/parse/yaml';
import type { Finding, Fix, TextEdit } from '../../server/src/engine/types';
import { envLevels, workflowSteps, type WorkflowStep } from './github-actions';
import { withIdTokenWrite } from './github-permissions';

type BlockMap = NonNullable<ReturnType<YamlCstEditor['blockMapAt']>>;

/** What a finding about one workflow step keeps in `data`, so its fix can find the step again. */
export type StepRef = {
  readonly jobId: string;
  readonly stepIndex: number;
};

export function stepRef(step: WorkflowStep): StepRef {
  return { jobId: step.jobId, stepIndex: step.index };
}

/** The step a finding's `data` points at, re-read from the document being fixed. */
export function findStep(document: ParsedDocument, data: unknown): WorkflowStep | undefined {
  const { jobId, stepIndex } = (data ?? {}) as Partial<StepRef>;
  for (const step of workflowSteps(document)) if (step.jobId === jobId && step.index === stepIndex) return step;
  return undefined;
}

/**
 * Whether `id-token: write` can be granted to the step's job by editing block YAML in place.
 * Permission forms the fix cannot extend safely (`read-all`, a flow map) are left to the user
 * rather than half-fixed.
 */
export function canGrantIdToken(step: WorkflowStep): boolean {
  // A composite action's steps get the calling job's permissions: nothing to grant here.
  if (step.composite) return true;
  const workflowPermissions = valueOf(step.yaml.contents, 'permissions');
  const permissions = valueOf(step.job, 'permissions');
  if (permissions === undefined || permissions === null) return !isMap(workflowPermissions) || !workflowPermissions.flow;
  if (isMap(permissions)) return !permissions.flow;
  return scalarString(permissions) === 'write-all';
}

/** A block-style `with:` map (the fixes edit it in place) and a job that can get `id-token: write`. */
export function canRewriteForOidc(step: WorkflowStep): boolean {
  return step.with !== undefined && !step.with.flow && canGrantIdToken(step);
}

/** The source text of a node. Values are read from here when they may hold `${{ }}` expressions. */
export function sourceText(document: ParsedDocument, node: unknown): string {
  const span = nodeSpan(node as Parameters<typeof nodeSpan>[0]);
  return span ? document.text.slice(span[0], span[1]) : '';
}

export interface StepRewrite {
  /** `with:` inputs to delete. When nothing else is left, `with:` itself goes. */
  readonly remove: readonly string[];
  /** `key: value` inputs written where the first removed one was, unless the step keeps its own value for them. */
  readonly insert?: ReadonlyArray<readonly [key: string, value: string]>;
  /** `env:` variables of the step to delete (the whole `env:` when nothing else is left). */
  readonly removeEnv?: readonly string[];
  /** Grant the job `id-token: write`, keeping the scopes it already has. */
  readonly idToken?: boolean;
}

/**
 * Applies a rewrite to one step through the YAML CST, so comments, quoting and indentation of
 * everything else survive; returns the new text, or undefined when the step's shape is not one
 * the editor can change safely. Inputs written by `insert` are reported back so the caller can
 * list placeholders only for text it actually inserted.
 */
export function rewriteStep(document: ParsedDocument, step: WorkflowStep, rewrite: StepRewrite): { text: string; inserted: string[] } | undefined {
  const editor = new YamlCstEditor(document.text);
  const stepMap = editor.blockMapAt(nodeSpan(step.step)![0]);
  if (!stepMap) return undefined;
  const inserted: string[] = [];

  if (rewrite.remove.length > 0 || rewrite.insert?.length) {
    if (!step.with) return undefined;
    const withMap = editor.blockMapAt(nodeSpan(step.with)![0]);
    if (!withMap) return undefined;
    const present = rewrite.remove.filter((key) => pairOf(step.with, key) !== undefined);
    const inserts = rewrite.insert ?? [];
    // An input both removed and inserted (`method: token` → `method: jwt`) is changed in place.
    const replaced = inserts.filter(([key]) => present.includes(key));
    const added = inserts.filter(([key]) => !present.includes(key) && pairOf(step.with, key) === undefined);
    const dropped = present.filter((key) => !replaced.some(([k]) => k === key));
    if (dropped.length > 0 && added.length === 0 && replaced.length === 0 && dropped.length === step.with.items.length) {
      if (!removeChildKey(editor, stepMap, step.step, 'with')) return undefined;
    } else {
      for (const [key, value] of replaced) {
        if (!editor.setScalar(withMap, key, value)) return undefined;
        inserted.push(key);
      }
      // New inputs take the place of the first removed one; inserting before removing means a
      // map whose every input is replaced is never empty in between.
      const first = dropped.length > 0 ? Math.min(...dropped.map((key) => editor.indexOf(withMap, key))) : withMap.items.length;
      if (added.length > 0) {
        editor.insertEntries(withMap, added.map(([key, value]) => `${key}: ${value}\n`).join(''), first);
        inserted.push(...added.map(([key]) => key));
      }
      if (dropped.length > 0 && editor.removeKeys(withMap, dropped) === -1) return undefined;
    }
  }

  if (rewrite.removeEnv?.length) {
    const env = valueOf(step.step, 'env');
    if (!isMap(env) || env.flow) return undefined;
    const present = rewrite.removeEnv.filter((key) => pairOf(env, key) !== undefined);
    if (present.length > 0 && present.length === env.items.length) {
      if (!removeChildKey(editor, stepMap, step.step, 'env')) return undefined;
    } else if (present.length > 0) {
      const envMap = editor.blockMapAt(nodeSpan(env)![0]);
      if (!envMap || editor.removeKeys(envMap, present) === -1) return undefined;
    }
  }

  if (rewrite.idToken) {
    const jobMap = editor.blockMapAt(nodeSpan(step.job)![0]);
    if (!jobMap) return undefined;
    withIdTokenWrite(editor, jobMap, step);
  }
  return { text: editor.toString(), inserted };
}

/**
 * The fix of a finding about one `with:` input that should not be set (its `data` holds the step
 * and the `input`): the input removed, with the title `title(input)`.
 */
export function removeInputFix(document: ParsedDocument, finding: Finding, title: (input: string) => string): Fix[] {
  const step = findStep(document, finding.data);
  const input = finding.data?.input;
  if (!step || typeof input !== 'string') return [];
  const result = rewriteStep(document, step, { remove: [input] });
  if (!result) return [];
  return [{ title: title(input), edits: diffToEdits(document.text, result.text), isPreferred: true }];
}

/** Removes `key` (and its nested value) from a step map, unless it is the step's only key. */
function removeChildKey(editor: YamlCstEditor, stepMap: BlockMap, step: YAMLMap<unknown, unknown>, key: string): boolean {
  if (step.items.length < 2) return false;
  return editor.removeKeys(stepMap, [key]) !== -1;
}

/** Names `NAME` of every `secrets.NAME` and `secrets['NAME']` (or `secrets["NAME"]`) reference in a piece of workflow source. */
export function secretNames(text: string): string[] {
  const names: string[] = [];
  for (let at = text.indexOf('secrets'); at !== -1; at = text.indexOf('secrets', at + 7)) {
    // `inputs.secrets.x` or `mysecrets.x` is not the secrets context.
    const before = at > 0 ? text.charCodeAt(at - 1) : 32;
    if (isNameChar(before) || before === 46) continue;
    const after = text.charCodeAt(at + 7);
    let start = at + 8;
    if (after === 91) {
      // `secrets['NAME']`: the index form, quoted either way.
      const quote = text.charCodeAt(at + 8);
      if (quote !== 39 && quote !== 34) continue;
      start = at + 9;
    } else if (after !== 46) {
      continue;
    }
    let end = start;
    while (end < text.length && isNameChar(text.charCodeAt(end))) end++;
    if (end > start && (after === 46 || text.charCodeAt(end) === text.charCodeAt(at + 8))) names.push(text.slice(start, end));
  }
  return names;
}

function isNameChar(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122) || code === 95 || code === 45;
}

/** A value that reads a stored secret other than the job's own short-lived `GITHUB_TOKEN`. */
export function readsStoredSecret(text: string): boolean {
  return secretNames(text).some((name) => name.toUpperCase() !== 'GITHUB_TOKEN');
}

/** The span of the first `needle` inside a node's source text (e.g. one command of a `run:` script). */
export function spanWithin(document: ParsedDocument, node: unknown, needle: string): readonly [number, number] | undefined {
  const span = nodeSpan(node as Parameters<typeof nodeSpan>[0]);
  if (!span) return undefined;
  const at = document.text.slice(span[0], span[1]).indexOf(needle);
  return at === -1 ? undefined : [span[0] + at, span[0] + at + needle.length];
}

/** The `run:` script of a step as written (with `${{ }}` expressions intact), or undefined. */
export function runScript(document: ParsedDocument, step: WorkflowStep): string | undefined {
  const run = valueOf(step.step, 'run');
  return run === undefined || run === null ? undefined : sourceText(document, run);
}

/**
 * Where a new step goes before `step`: the line of its `- `, moved up over the comment lines right
 * above it (they belong to it). `prefix` is the text before the step's first key: indentation,
 * `-` and spaces. Undefined for a flow-style step or a `-` alone on its line.
 */
export function stepInsertionPoint(text: string, step: WorkflowStep): { at: number; dashIndent: string; prefix: string } | undefined {
  const stepStart = nodeSpan(step.step)?.[0];
  if (stepStart === undefined || step.step.flow) return undefined;
  const lineStart = text.lastIndexOf('\n', stepStart - 1) + 1;
  const prefix = text.slice(lineStart, stepStart);
  const dash = /^( *)- +$/.exec(prefix);
  if (!dash) return undefined;
  const dashIndent = dash[1]!;
  let at = lineStart;
  for (let previous = text.lastIndexOf('\n', at - 2) + 1; at > 0; previous = text.lastIndexOf('\n', previous - 2) + 1) {
    if (!text.slice(previous, at).startsWith(`${dashIndent}#`)) break;
    at = previous;
  }
  return { at, dashIndent, prefix };
}

/** Where a new step goes before a step (stepInsertionPoint), with the column of its keys and its nesting unit. */
export interface NewStepPoint {
  readonly at: number;
  /** The text before the step's first key on its line: indentation, `-` and spaces. */
  readonly prefix: string;
  /** The column of the step's keys, as spaces. */
  readonly keyIndent: string;
  /** One level of nesting, as the step's own `with:` is indented. */
  readonly unit: string;
}

export function newStepPoint(document: ParsedDocument, step: WorkflowStep): NewStepPoint | undefined {
  const text = document.text;
  const point = stepInsertionPoint(text, step);
  if (!point) return undefined;
  const { at, prefix } = point;
  const withStart = step.with && !step.with.flow ? nodeSpan(step.with)?.[0] : undefined;
  const width = withStart !== undefined ? withStart - (text.lastIndexOf('\n', withStart - 1) + 1) - prefix.length : 2;
  return { at, prefix, keyIndent: ' '.repeat(prefix.length), unit: ' '.repeat(width > 0 && width <= 8 ? width : 2) };
}

/** The text of a new step at `point`: `entries` are `[key, value]`, a nested one as `[key, entries]`. */
export function newStepText(document: ParsedDocument, point: NewStepPoint, entries: ReadonlyArray<readonly [string, string | ReadonlyArray<readonly [string, string]>]>): TextEdit {
  const lines: string[] = [];
  entries.forEach(([key, value], index) => {
    const indent = index === 0 ? point.prefix : point.keyIndent;
    if (typeof value === 'string') lines.push(`${indent}${key}: ${value}`);
    else lines.push(`${indent}${key}:`, ...value.map(([inner, text]) => `${point.keyIndent}${point.unit}${inner}: ${text}`));
  });
  const eol = document.text.includes('\r\n') ? '\r\n' : '\n';
  return { span: [point.at, point.at], newText: lines.map((line) => line + eol).join('') };
}

/**
 * Line edits from the original text to the CST editor's result plus a new step inserted as text
 * (the CST editor edits maps, not sequences); undefined when the two collide or the result parses
 * worse than the original.
 */
export function finishStepEdits(original: string, edited: string, insert: TextEdit | undefined): TextEdit[] | undefined {
  let text = edited;
  if (insert) {
    try {
      text = applyEdits(original, [...diffToEdits(original, edited), insert]);
    } catch {
      return undefined;
    }
  }
  if (text === original || !yamlEditKeepsParsing(original, text)) return undefined;
  return diffToEdits(original, text);
}

/** `base`, or `base-2`, `base-3`… when a step of the job already has that id. */
export function freshStepId(jobSteps: readonly WorkflowStep[], base: string): string {
  const used = new Set(jobSteps.map((other) => scalarString(valueOf(other.step, 'id'))));
  let id = base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  return id;
}

/** A step's `if:` as written, to copy onto a step inserted before it; null when there is none, undefined when it cannot be copied (multi-line, empty). */
export function conditionOf(document: ParsedDocument, step: WorkflowStep): string | null | undefined {
  const condition = valueOf(step.step, 'if');
  if (condition === undefined) return null;
  const text = condition === null ? '' : sourceText(document, condition);
  return text === '' || text.includes('\n') ? undefined : text;
}

/**
 * The variable `name` as a step sees it (the nearest of its own, its job's and the workflow's
 * `env:`), when that definition reads a stored secret: where a publish step takes a long-lived
 * registry token from. A token from an exchange step (`steps.auth.outputs.token`) is not one.
 */
export function storedSecretEnv(document: ParsedDocument, step: WorkflowStep, name: string): { level: 'step' | 'job' | 'workflow'; span: readonly [number, number] } | undefined {
  for (const [level, env] of envLevels(step)) {
    const pair = isMap(env) ? pairOf(env, name) : undefined;
    if (!pair) continue;
    const span = pairSpan(pair);
    return span && readsStoredSecret(sourceText(document, pair.value)) ? { level, span } : undefined;
  }
  return undefined;
}

/** An editor with `name` in the step's own block `env:` set to `value`; undefined when the step has no such map or entry. */
export function withStepEnv(document: ParsedDocument, step: WorkflowStep, name: string, value: string): YamlCstEditor | undefined {
  const env = valueOf(step.step, 'env');
  if (!isMap(env) || env.flow) return undefined;
  const editor = new YamlCstEditor(document.text);
  const envMap = editor.blockMapAt(nodeSpan(env)![0]);
  return envMap && editor.setScalar(envMap, name, value) ? editor : undefined;
}

/**
 * An editor with `name` removed from the step's own block `env:` (the whole `env:` when it is the
 * only entry: an empty map is not one); undefined when the step has no such map or entry.
 */
export function withoutStepEnv(document: ParsedDocument, step: WorkflowStep, name: string): YamlCstEditor | undefined {
  const env = valueOf(step.step, 'env');
  if (!isMap(env) || env.flow || !pairOf(env, name)) return undefined;
  const editor = new YamlCstEditor(document.text);
  const [owner, keys] = env.items.length > 1 ? [editor.blockMapAt(nodeSpan(env)![0]), [name]] : [editor.blockMapAt(nodeSpan(step.step)![0]), ['env']];
  return owner && editor.removeKeys(owner, keys) !== -1 ? editor : undefined;
}

/** A token-exchange step a trusted-publishing fix inserts: its id (made unique in the job), action and inputs. */
export interface ExchangeStep {
  readonly id: string;
  readonly uses: string;
  readonly inputs?: ReadonlyArray<readonly [string, string]>;
}

/**
 * The edits of a trusted-publishing fix: the exchange step inserted before `step` (copying its
 * `if:`), `id-token: write` for the job, and whatever `pointAt` does to aim the step's credential
 * at the new step's id (an editor over the document, or undefined when it cannot).
 */
export function exchangeStepEdits(document: ParsedDocument, step: WorkflowStep, exchange: ExchangeStep, pointAt: (id: string) => YamlCstEditor | undefined): TextEdit[] | undefined {
  const point = newStepPoint(document, step);
  const condition = conditionOf(document, step);
  if (!point || condition === undefined) return undefined;
  const id = freshStepId(workflowSteps(document).filter((other) => other.job === step.job), exchange.id);
  const editor = pointAt(id);
  const jobMap = editor?.blockMapAt(nodeSpan(step.job)![0]);
  if (!editor || !jobMap) return undefined;
  withIdTokenWrite(editor, jobMap, step);
  const insert = newStepText(document, point, [
    ['id', id],
    ['uses', exchange.uses],
    ...(condition ? [['if', condition] as const] : []),
    ...(exchange.inputs ? [['with', exchange.inputs] as const] : []),
  ]);
  return finishStepEdits(document.text, editor.toString(), insert);
}
