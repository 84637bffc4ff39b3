import { isScalar, type Node, type YAMLMap } from 'yaml';
import { diffToEdits } from '../../server/src/engine/fix/text-diff';
import { keyOf, YamlCstEditor } from '../../server/src/engine/fix/yaml-cst-editor';
import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import { isMap, isSeq, mapEntries, nodeSpan, pairOf, pairSpan, scalarString, valueOf, yamlParsesCleanly } from '../../server/src/engine/parse/yaml';
import type { Fix } from '../../server/src/engine/types';
import { bareStepWithParameters, circleUnits, environmentOwners, isCircleReference, runCommands, type CircleUnit } from '../lib/circleci';
import { cstItemAt, editableSeq } from '../lib/gitlab-ci';

export const ROLE_PLACEHOLDER = 'arn:aws:iam::<ACCOUNT_ID>:role/<ROLE_NAME>';
/** The orb's own default for the session name. */
const SESSION_NAME = '${CIRCLE_JOB}';
/** Static key parameters of aws-cli/setup from orb 4 on (orb 3 spelled them with dashes and has no role_arn). */
const SNAKE_KEYS = ['aws_access_key_id', 'aws_secret_access_key'];
const DASHED_KEYS = ['aws-access-key-id', 'aws-secret-access-key'];
export const ENV_KEYS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN'];

type YMap = YAMLMap<unknown, unknown>;

/** Names under which the config imports circleci/aws-cli, with the orb's major version (NaN for `@volatile` and the like). */
export function awsCliOrbs(document: ParsedDocument): ReadonlyMap<string, number> {
  // Asked once per job and step: read once per version.
  return document.derived(collectAwsCliOrbs);
}

function collectAwsCliOrbs(document: ParsedDocument): Map<string, number> {
  const orbs = new Map<string, number>();
  for (const yaml of document.yaml()) {
    for (const { key, pair } of mapEntries(valueOf(yaml.contents, 'orbs'))) {
      const ref = scalarString(pair.value);
      if (ref?.startsWith('circleci/aws-cli@')) orbs.set(key, Number.parseInt(ref.slice('circleci/aws-cli@'.length), 10));
    }
  }
  return orbs;
}

/** An `<aws-cli>/setup` step: its pair (`aws-cli/setup: { ... }`) or a bare `- aws-cli/setup`. */
interface SetupStep {
  readonly node: Node;
  /** As written: `aws-cli/setup`, or another alias of the orb. */
  readonly name: string;
  readonly parameters?: YMap;
}

/** The change to one aws-cli/setup step, and for a job's static key `environment:`, the entries to drop. */
interface AwsPlan {
  readonly unit: CircleUnit;
  readonly setup: SetupStep;
  /** Static key parameters the step loses. */
  readonly removeKeys: string[];
  readonly addRole: boolean;
  readonly addSession: boolean;
  readonly environments: Array<{ readonly owner: YMap; readonly env: YMap; readonly keys: string[]; readonly all: boolean }>;
  /** Where the keys came from: CI variables to delete from the project and contexts, or committed literals to revoke. */
  readonly storedIn: string[];
  readonly literal: boolean;
}

function setupPlan(unit: CircleUnit, setup: SetupStep, environments: AwsPlan['environments']): AwsPlan | undefined {
  const parameters = setup.parameters;
  if (parameters && (parameters.flow || parameters.anchor)) return undefined;
  if (DASHED_KEYS.some((key) => pairOf(parameters, key))) return undefined;
  const removeKeys = SNAKE_KEYS.filter((key) => pairOf(parameters, key));
  const values = [
    ...removeKeys.map((key) => scalarString(valueOf(parameters, key))?.trim() ?? ''),
    ...environments.flatMap(({ env, keys }) => keys.map((key) => scalarString(valueOf(env, key))?.trim() ?? '')),
  ];
  // Orb 3 style values name a variable (`ECR_KEY_ID`); later ones reference it (`$ECR_KEY_ID`).
  const variable = (value: string) => /^\$\{?(\w+)\}?$/.exec(value)?.[1] ?? (/^[A-Z][A-Z0-9]*_[A-Z0-9_]*$/.test(value) ? value : undefined);
  return {
    unit,
    setup,
    removeKeys,
    addRole: !pairOf(parameters, 'role_arn'),
    addSession: !pairOf(parameters, 'role_session_name'),
    environments,
    storedIn: [...new Set(values.map(variable).filter((name): name is string => name !== undefined))],
    literal: values.some((value) => value !== '' && variable(value) === undefined && !isCircleReference(value)),
  };
}

/** Every `<alias>/setup` step under a unit; `supported` when the orb has OIDC (circleci/aws-cli 4 or later) and the step's shape can be edited. */
function setupSteps(document: ParsedDocument, unit: CircleUnit): Array<{ setup: SetupStep; step: unknown; supported: boolean; direct: boolean }> {
  const orbs = awsCliOrbs(document);
  const aliasOf = (name: string | undefined) => (name?.endsWith('/setup') && orbs.has(name.slice(0, -'/setup'.length)) ? name.slice(0, -'/setup'.length) : undefined);
  const steps = valueOf(unit.node, 'steps');
  const direct = new Set<unknown>(isSeq(steps) && !steps.flow && !steps.anchor ? steps.items : []);
  const found: Array<{ setup: SetupStep; step: unknown; supported: boolean; direct: boolean }> = [];
  // Job steps, and orb jobs' step parameters in workflows (`aws-ecr/build_and_push_image: { auth: [aws-cli/setup: ...] }`).
  const walk = (node: unknown, depth: number) => {
    if (depth > 64) return;
    if (isSeq(node)) {
      for (const item of node.items) {
        const alias = isScalar(item) ? aliasOf(scalarString(item)) : undefined;
        if (alias !== undefined) {
          // A bare step is rewritten as `name:` plus parameters: plain, without anchor or tag.
          const plain = isScalar(item) && item.type === 'PLAIN' && !item.anchor && !item.tag;
          found.push({ setup: { node: item as Node, name: scalarString(item)! }, step: item, supported: orbs.get(alias)! >= 4 && !node.flow && plain, direct: direct.has(item) });
        } else {
          walk(item, depth + 1);
        }
      }
    } else if (isMap(node)) {
      for (const { key, pair } of mapEntries(node)) {
        const alias = aliasOf(key);
        if (alias === undefined) {
          walk(pair.value, depth + 1);
        } else if (isMap(pair.value)) {
          const supported = orbs.get(alias)! >= 4 && node.items.length === 1 && !pair.value.flow;
          found.push({ setup: { node: pair.key as Node, name: key, parameters: pair.value as YMap }, step: node, supported, direct: direct.has(node) });
        }
      }
    }
  };
  walk(unit.node, 0);
  return found;
}

/** The plan for a static key parameter of an aws-cli/setup step (the finding's span is the parameter's pair). */
export function parameterPlan(document: ParsedDocument, unit: CircleUnit, span: readonly [number, number]): AwsPlan | undefined {
  const step = setupSteps(document, unit).find(({ setup }) => setup.parameters && mapEntries(setup.parameters).some(({ pair }) => sameSpan(pairSpan(pair), span)));
  return step?.supported ? setupPlan(unit, step.setup, []) : undefined;
}

/**
 * The plan for static keys in a job's `environment:`: its one aws-cli/setup step switches to OIDC
 * and the keys go. Not offered when AWS is used before that step, which would run without credentials.
 */
export function environmentPlan(document: ParsedDocument, unit: CircleUnit): AwsPlan | undefined {
  if (unit.kind !== 'job' || !isMap(unit.node) || unit.node.flow) return undefined;
  const setups = setupSteps(document, unit);
  if (setups.length !== 1 || !setups[0]!.supported || !setups[0]!.direct) return undefined;
  const items = (valueOf(unit.node, 'steps') as { items: unknown[] }).items;
  const index = items.indexOf(setups[0]!.step);
  if (index === -1 || items.slice(0, index).some((step) => runCommands(step).some((command) => /(^|[^\w-])aws(\s|$)/m.test(scalarString(command) ?? '')))) return undefined;
  const environments: AwsPlan['environments'] = [];
  for (const { owner, env } of environmentOwners(unit.node)) {
    const entries = mapEntries(env);
    const keys = entries.filter(({ key }) => ENV_KEYS.includes(key)).map(({ key }) => key);
    if (keys.length === 0) continue;
    const all = keys.length === entries.length;
    if ((!all && env.flow) || env.anchor || (all && (owner.flow || owner.items.length < 2))) return undefined;
    environments.push({ owner, env, keys, all });
  }
  return environments.length > 0 ? setupPlan(unit, setups[0]!.setup, environments) : undefined;
}

function sameSpan(a: readonly [number, number] | undefined, b: readonly [number, number]): boolean {
  return a !== undefined && a[0] === b[0] && a[1] === b[1];
}

export function awsFix(document: ParsedDocument, data: unknown, span: readonly [number, number]): Fix[] {
  const { unit: unitId, kind } = (data ?? {}) as { unit?: string; kind?: string };
  const unit = [...circleUnits(document)].find((candidate) => `${candidate.kind}:${candidate.name}` === unitId);
  const plan = unit && (kind === 'environment' ? environmentPlan(document, unit) : parameterPlan(document, unit, span));
  if (!plan) return [];
  const text = document.text;
  const editor = new YamlCstEditor(text);
  const at = (node: unknown) => nodeSpan(node as Node)?.[0] ?? -1;
  // Everything is looked up before anything changes: inserted tokens carry offsets of their own.
  const parameters = plan.setup.parameters ? editor.blockMapAt(at(plan.setup.parameters)) : undefined;
  const unitMap = editor.blockMapAt(at(plan.unit.node));
  const steps = plan.setup.parameters ? undefined : unitMap && editableSeq(unitMap.items.find((item) => keyOf(item) === 'steps'));
  const bare = steps && cstItemAt(steps, at(plan.setup.node));
  const environments = plan.environments.map((environment) => ({ environment, map: editor.blockMapAt(at(environment.all ? environment.owner : environment.env)) }));
  if ((plan.setup.parameters ? !parameters : !bare) || environments.some(({ map }) => !map)) return [];

  const added = [...(plan.addRole ? [`role_arn: ${ROLE_PLACEHOLDER}\n`] : []), ...(plan.addSession ? [`role_session_name: ${SESSION_NAME}\n`] : [])].join('');
  if (parameters) {
    // The OIDC parameters take the place of the first key (inserted first, so the map is never empty).
    const first = plan.removeKeys.length > 0 ? Math.min(...plan.removeKeys.map((key) => editor.indexOf(parameters, key))) : parameters.items.length;
    if (added) editor.insertEntries(parameters, added, first);
    if (plan.removeKeys.length > 0 && editor.removeKeys(parameters, plan.removeKeys) === -1) return [];
  } else if (!bareStepWithParameters(steps!, bare!, added)) {
    return [];
  }
  for (const { environment, map } of environments) {
    if (editor.removeKeys(map!, environment.all ? ['environment'] : environment.keys) === -1) return [];
  }

  const fixed = editor.toString();
  if (!yamlParsesCleanly(fixed)) return [];
  const cleanup = [
    ...(plan.storedIn.length > 0 ? [`delete ${plan.storedIn.map((name) => `$${name}`).join(', ')} and any AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the project settings and contexts (left there, they override OIDC)`] : []),
    ...(plan.storedIn.length === 0 ? ['delete any AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY from the project settings and contexts (left there, they override OIDC)'] : []),
    ...(plan.literal ? ['revoke the committed key'] : []),
  ];
  return [
    {
      // Not preferred: the step cannot authenticate until the IAM role and CircleCI's OIDC provider exist.
      title: `Use CircleCI OIDC in ${plan.setup.name} (role_arn + role_session_name) instead of static keys; the role must trust https://oidc.circleci.com/org/<ORG_ID> and the job must use a context; then ${cleanup.join(' and ')}`,
      edits: diffToEdits(text, fixed),
      ...(plan.addRole ? { placeholders: [ROLE_PLACEHOLDER] } : {}),
    },
  ];
}

