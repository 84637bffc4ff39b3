import { CST, isScalar, type Node, type Scalar, type YAMLMap } from 'yaml';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { keyOf, YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { isMap, isSeq, mapEntries, nodeSpan, pairOf, scalarString, valueOf, yamlParsesCleanly } from '../../server/src/engine/parse/yaml';
import type { Fix } from '../../server/src/engine/types';
import { publishCommand } from '../gha-npm-token-publish';
import { mentionsToken, removedWhat, scriptWithoutToken, TOKEN_VARIABLES } from '../gl-npm-token-publish/fix';
import { allPairs, circleUnits, environmentOwners, runCommand, type CircleUnit } from '../lib/circleci';
import { allScalars, cstItemAt, editableSeq, isInlineValue, isLiteralBlock, isStandaloneLine, literalIndent, removeSeqItem, setLiteralScript } from '../lib/gitlab-ci';

/** npm's documented CircleCI step: an OIDC token for the npm audience, which npm exchanges when NPM_ID_TOKEN is set. */
export const EXPORT_ID_TOKEN = `export NPM_ID_TOKEN=$(circleci run oidc get --claims '{"aud": "npm:registry.npmjs.org"}')`;

type YMap = YAMLMap<unknown, unknown>;

interface CommandChange {
  readonly node: Scalar;
  /** The new script, or null when its whole step goes. */
  readonly value: string | null;
  /** The step, when it is an item of the unit's own `steps:` list. */
  readonly step?: Node;
  /** A one-line command that becomes a literal block. */
  readonly toLiteral: boolean;
}

interface CircleNpmPlan {
  readonly unit: CircleUnit;
  readonly commands: CommandChange[];
  /** `environment:` maps holding the token, and the map that owns each (to drop an emptied `environment:`). */
  readonly environments: Array<{ readonly owner: YMap; readonly env: YMap; readonly keys: string[]; readonly all: boolean }>;
  readonly writes: number;
  readonly prefixes: string[];
}

export function circleNpmPlan(document: ParsedDocument, unit: CircleUnit): CircleNpmPlan | undefined {
  if (unit.kind === 'workflow' || !isMap(unit.node) || unit.node.flow) return undefined;
  const steps = valueOf(unit.node, 'steps');
  if (!isSeq(steps) || steps.flow || steps.anchor) return undefined;
  const commands: CommandChange[] = [];
  const publishers: string[] = [];
  const prefixes: string[] = [];
  let writes = 0;
  const direct = new Map<unknown, Node>();
  for (const step of steps.items) {
    const pair = pairOf(step, 'run');
    const command = pair && runCommand(pair);
    if (command && isMap(step) && !step.flow && (isScalar(pair.value) || (isMap(pair.value) && !pair.value.flow))) direct.set(command, step as Node);
  }
  const changed = new Set<unknown>();
  for (const pair of allPairs(unit.node)) {
    const command = runCommand(pair) as Scalar | undefined;
    const script = scalarString(command);
    if (!command || script === undefined) continue;
    const step = direct.get(command);
    const change = scriptWithoutToken(document, command, step !== undefined);
    const publisher = publishCommand(change?.value ?? '');
    if (publisher) publishers.push(publisher);
    if (!change) return undefined;
    if (change.value !== script || publisher) {
      // Steps nested under `when:` or an orb parameter are left to the user.
      if (!step) return undefined;
      changed.add(command);
    }
    writes += change.writes;
    prefixes.push(...change.prefixes);
    if (change.value === null) {
      commands.push({ node: command, value: null, step, toLiteral: false });
      continue;
    }
    if (!publisher) {
      if (change.value !== script) commands.push({ node: command, value: change.value, step, toLiteral: false });
      continue;
    }
    // `export` lasts for one `run` step only: the token is requested in the step that publishes.
    if (change.value.includes('NPM_ID_TOKEN')) {
      if (change.value !== script) commands.push({ node: command, value: change.value, step, toLiteral: false });
      continue;
    }
    if (isInlineValue(document, isScalar(pair.value) ? pair : pairOf(pair.value, 'command'))) {
      commands.push({ node: command, value: `${EXPORT_ID_TOKEN}\n${change.value}\n`, step, toLiteral: true });
      continue;
    }
    if (!isLiteralBlock(document, command)) return undefined;
    const lines = change.value.split('\n');
    const at = lines.findIndex((line) => publishCommand(line));
    if (at === -1 || !isStandaloneLine(lines, at)) return undefined;
    const indent = /^\s*/.exec(lines[at]!)![0];
    lines.splice(at, 0, indent + EXPORT_ID_TOKEN);
    commands.push({ node: command, value: lines.join('\n'), step, toLiteral: false });
  }
  // Trusted publishing is npm's: other tools' publish commands keep their own authentication.
  if (publishers.length === 0 || publishers.some((publisher) => publisher !== 'npm publish')) return undefined;

  const environments: CircleNpmPlan['environments'] = [];
  for (const { owner, env } of environmentOwners(unit.node)) {
    const entries = mapEntries(env);
    const keys = entries.filter(({ key }) => TOKEN_VARIABLES.includes(key)).map(({ key }) => key);
    if (keys.length === 0) continue;
    const all = keys.length === entries.length;
    if ((!all && env.flow) || env.anchor || (all && (owner.flow || owner.items.length < 2))) return undefined;
    environments.push({ owner, env, keys, all });
    for (const { pair } of entries) if (TOKEN_VARIABLES.includes(String(scalarString(pair.key)))) for (const scalar of allScalars(pair.value)) changed.add(scalar);
  }
  if (commands.length === 0 && environments.length === 0) return undefined;
  // Nothing else in the job may still read the token once its setup is gone.
  if ([...allScalars(unit.node)].some((scalar) => !changed.has(scalar) && mentionsToken(scalarString(scalar) ?? ''))) return undefined;
  return { unit, commands, environments, writes, prefixes };
}

export function circleNpmFix(document: ParsedDocument, unitName: unknown): Fix[] {
  const unit = [...circleUnits(document)].find((candidate) => candidate.kind !== 'workflow' && `${candidate.kind}:${candidate.name}` === unitName);
  const plan = unit && circleNpmPlan(document, unit);
  if (!plan) return [];
  const text = document.text;
  const editor = new YamlCstEditor(text);
  const at = (node: unknown) => nodeSpan(node as Node)?.[0] ?? -1;
  // Everything is looked up before anything changes: inserted tokens carry offsets of their own.
  const unitMap = editor.blockMapAt(at(plan.unit.node));
  const steps = unitMap && editableSeq(unitMap.items.find((item) => keyOf(item) === 'steps'));
  if (!unitMap || !steps) return [];
  const commands = plan.commands.map((change) => ({
    change,
    item: change.value === null ? cstItemAt(steps, at(change.step)) : cstItemAt(unitMap, at(change.node)),
  }));
  const environments = plan.environments.map((environment) => ({
    environment,
    map: editor.blockMapAt(at(environment.all ? environment.owner : environment.env)),
  }));
  if (commands.some(({ item }) => !item?.value) || environments.some(({ map }) => !map)) return [];

  for (const { change, item } of commands) {
    if (change.value === null) {
      if (!removeSeqItem(steps, item!)) return [];
      continue;
    }
    const token = item!.value!;
    // A one-line command becomes a block indented one level under its key (`run:` or `command:`).
    const indent = change.toLiteral ? ((item!.key as { indent?: number } | null | undefined)?.indent ?? -2) + 2 : literalIndent(token);
    if (indent === undefined || indent <= 0) return [];
    if (change.toLiteral || isLiteralBlock(document, change.node)) {
      if (!setLiteralScript(token, change.value, indent)) return [];
    } else {
      CST.setScalarValue(token, change.value);
    }
  }
  const removed: string[] = [];
  for (const { environment, map } of environments) {
    if (editor.removeKeys(map!, environment.all ? ['environment'] : environment.keys) === -1) return [];
    removed.push(...environment.keys);
  }

  const fixed = editor.toString();
  if (!yamlParsesCleanly(fixed)) return [];
  const exported = plan.commands.some((change) => change.value?.includes(EXPORT_ID_TOKEN));
  return [
    {
      // Not preferred: publishing fails until the package has a trusted publisher on npmjs.com.
      title: `Use npm trusted publishing: ${exported ? 'export NPM_ID_TOKEN from `circleci run oidc get` before npm publish, ' : ''}remove ${removedWhat(removed, plan.writes, plan.prefixes)}; needs the package's trusted publisher configured on npmjs.com (CircleCI cloud, npm >= 11.5.1), then delete the token from the project settings and contexts`,
      edits: diffToEdits(text, fixed),
    },
  ];
}
