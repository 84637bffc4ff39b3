import { isMap, isScalar, type Node, type Pair } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { keySpan, pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import { allMaps, isTemplated } from '../lib/k8s-yaml';
import docs from './docs.md';

/**
 * Ansible tasks that create or activate long-term IAM user access keys: the `iam_access_key`
 * module (amazon.aws / community.aws) unless it deletes or deactivates the key, and the older
 * `iam` module for a user with `access_key_state: create` or `active`.
 */
const ACCESS_KEY_MODULES = new Set(['amazon.aws.iam_access_key', 'community.aws.iam_access_key', 'iam_access_key']);
const IAM_MODULES = new Set(['community.aws.iam', 'iam']);
const CREATING_STATES = new Set(['create', 'active']);
/** Words that turn a YAML boolean off, as Ansible reads them. */
const FALSE = new Set(['false', 'no', 'off', 'n', '0']);

const ADVICE =
  'an IAM user key never expires, works from anywhere, and its secret is handed to whoever runs the play; give the workload a role instead (instance profile, IRSA, or OIDC federation for CI) and delete the user\'s keys';

export default defineRule({
  id: 'ansible-iam-access-key',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['yaml'],
  keywords: ['iam_access_key', 'access_key_state'],
  syntax: 'yaml',
  docs,
  check({ document, report }) {
    for (const yaml of document.yaml()) {
      for (const task of allMaps(yaml.contents)) {
        for (const pair of task.items) {
          const module = isScalar(pair.key) ? String(pair.key.value) : '';
          if (ACCESS_KEY_MODULES.has(module) && isMap(pair.value)) {
            const args = pair.value;
            const state = scalarString(valueOf(args, 'state'))?.toLowerCase() ?? 'present';
            const active = scalarString(valueOf(args, 'active'))?.toLowerCase();
            if (state === 'absent' || (active !== undefined && FALSE.has(active))) continue;
            const user = userOf(document.text, args, 'user_name', 'name', 'username');
            // With an `id` the task manages an existing key (and keeps it active); without, it creates one.
            const what = valueOf(args, 'id') ? 'keeps a long-term access key active' : 'creates a long-term access key';
            const span = keySpan(pair as Pair<Node, Node | null>);
            if (span) report({ span, message: `This task ${what} for IAM user ${user} (${module}): ${ADVICE}.`, construct: `${module}:${user}` });
          } else if (IAM_MODULES.has(module) && isMap(pair.value)) {
            const args = pair.value;
            if (scalarString(valueOf(args, 'iam_type'))?.toLowerCase() !== 'user') continue;
            const keyState = pairOf(args, 'access_key_state');
            const value = scalarString(keyState?.value)?.toLowerCase();
            if (!keyState || !value || !CREATING_STATES.has(value)) continue;
            const user = userOf(document.text, args, 'name');
            const verb = value === 'create' ? 'creates' : 'activates';
            const span = keySpan(keyState);
            if (span) report({ span, message: `This task ${verb} long-term access keys for IAM user ${user} (access_key_state: ${value}): ${ADVICE}.`, construct: `${module}:${user}` });
          }
        }
      }
    }
  },
});

function userOf(text: string, args: unknown, ...keys: readonly string[]): string {
  for (const key of keys) {
    const node = valueOf(args, key);
    // Jinja (`{{ item }}`) is blanked in the parse: the user is named by the play at run time.
    if (isTemplated(text, node)) return '(templated name)';
    const name = scalarString(node);
    if (name) return `'${name}'`;
  }
  return '(unnamed)';
}

