import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import { looksLikeSecretLiteral, nameWords, namesCredentialOrKeyId } from '../lib/credential-names';
import { enclosingScope, isFunctionNode, named, nodeAt, parentOf, stringValue, unwrapExpression } from '../lib/syntax';
import docs from './docs.md';

/**
 * Break-glass style switch names (the catalog's list, separators spelled out): env flags, feature
 * flags, headers. An alternation of literal words with single optional separators, so linear.
 */
const SWITCH_NAME = /break[-_. ]?glass|emergency|backdoor|god[-_. ]?mode|admin[-_. ]?override|(?:bypass|skip|disable)[-_. ]?(?:auth|sso|mfa)|(?:bypass|skip)[-_. ]?login/gi;
/**
 * The same names spelled out, each pair of words joined by each separator, as the prefilter's
 * keywords: `skip`, `disable` and `override` alone are in most JavaScript files, and the pattern,
 * an alternation, costs a slow pass over each of them.
 */
const SWITCH_KEYWORDS = [
  'emergency',
  'backdoor',
  ...joinedWords(['break'], ['glass']),
  ...joinedWords(['god'], ['mode']),
  ...joinedWords(['admin'], ['override']),
  ...joinedWords(['bypass', 'skip', 'disable'], ['auth', 'sso', 'mfa']),
  ...joinedWords(['bypass', 'skip'], ['login']),
];
function joinedWords(firsts: readonly string[], seconds: readonly string[]): string[] {
  return firsts.flatMap((first) => seconds.flatMap((second) => ['', '-', '_', '.', ' '].map((separator) => first + separator + second)));
}

/** An `if`, `elif`, or conditional expression: the branch a switch selects. */
const CONDITIONALS = new Set(['if_statement', 'elif_clause', 'ternary_expression', 'conditional_expression']);
/** Where an expression ends: climbing past one of these leaves the condition. */
const BOUNDARIES = new Set(['block', 'statement_block', 'statement_list', 'module', 'program', 'source_file', 'class_body', 'else_clause', 'decorated_definition']);
/** Declarations whose value can carry the switch into a plainly named local (`const enabled = …`). */
const DECLARATIONS = new Set(['variable_declarator', 'assignment', 'assignment_expression', 'short_var_declaration', 'assignment_statement', 'var_spec']);

const IDENTIFIERS = new Set(['identifier', 'property_identifier', 'field_identifier', 'shorthand_property_identifier', 'type_identifier', 'private_property_identifier']);
const STRING_CONTENT = new Set(['string_fragment', 'string_content', 'interpreted_string_literal_content', 'raw_string_literal_content']);
const STRINGS = new Set(['string', 'string_literal', 'interpreted_string_literal', 'raw_string_literal', 'template_string']);
const CALLS = new Set(['call_expression', 'call', 'new_expression', 'method_invocation', 'object_creation_expression']);
const NULLISH = new Set(['null', 'undefined', 'None', 'nil', 'false', 'False', '""', "''", '``']);
const TRUE = new Set(['true', 'True']);

/** `emergency` in these names is data about people and places, not a switch. */
const EMERGENCY_DATA = new Set(['contact', 'contacts', 'phone', 'phones', 'number', 'numbers', 'address', 'relationship', 'relation', 'exit', 'exits', 'room', 'kit', 'hotline', 'dispatch', 'medical', 'shelter', 'services', 'fund', 'leave']);
/** Words that make a check time-boxed: an expiry read or a clock compared. */
const TIME_WORDS = new Set(['until', 'expires', 'expiry', 'expiration', 'expire', 'expired', 'ttl', 'deadline', 'now', 'utcnow', 'today', 'notafter', 'validuntil']);
/** Words of an approval artefact. */
const APPROVAL_WORDS = new Set(['approval', 'approvals', 'approved', 'approve', 'approver', 'approvers', 'ticket', 'tickets']);
/** Words of a call that leaves an audit trail or raises an alert. */
const AUDIT_WORDS = new Set(['log', 'logger', 'logging', 'slog', 'syslog', 'klog', 'glog', 'logrus', 'audit', 'auditor', 'audits', 'alert', 'alerts', 'notify', 'pagerduty', 'opsgenie', 'warn', 'warning', 'warnings', 'critical']);
/** Calls that hand a request on to the protected handler: calling one in the branch skips what follows. */
const PASS_THROUGH = new Set(['next', 'call_next', 'callNext', 'get_response', 'doFilter', 'ServeHTTP', 'proceed', 'Next']);
/** A name holding the outcome of an authorization decision (`authorized = true`, `is_admin=True`). */
const AUTH_STATE = new Set(['authorized', 'authorised', 'authenticated', 'allowed', 'permitted', 'granted', 'admin', 'superuser', 'privileged', 'authz', 'authn']);
/** Names of functions whose `return true` is an authorization decision. */
const AUTH_FUNCTION = new Set([
  'auth', 'authn', 'authz', 'authorize', 'authorise', 'authorized', 'authorised', 'authenticate', 'authenticated', 'authentication', 'authorization',
  'authorisation', 'allowed', 'allow', 'permit', 'permitted', 'permission', 'permissions', 'access', 'guard', 'admin', 'privileged', 'verify',
]);
/** Who a request runs as: setting one to an administrator skips the real check. */
const PRINCIPALS = new Set(['user', 'principal', 'identity', 'role', 'roles', 'currentuser', 'current_user']);
/** Credential constructors whose names do not say `credential`. */
const CREDENTIAL_TYPES = new Set(['UsernamePasswordAuthenticationToken', 'PasswordAuthentication', 'BasicAuth', 'HTTPBasicAuth']);

/** Nodes walked per file in branches and conditions: linear whatever the nesting. */
const BUDGET_PER_CHARACTER = 2;
/** Plainly named locals followed per file, and uses read per local. */
const MAX_FLAGS = 16;
const MAX_USES = 64;
/** The longest flag, env or header name read as a switch. */
const MAX_NAME_LENGTH = 64;
/** Ancestors climbed from a switch name to its condition, or from a branch to the function. */
const MAX_CLIMB = 40;

interface Conditional {
  node: SyntaxNode;
  condition: SyntaxNode;
  /** Go's `if v := …; cond`: read as part of the condition. */
  initializer?: SyntaxNode;
  branch: SyntaxNode;
}

interface Action {
  /** What the branch does, for the message: never a value. */
  what: string;
}

interface Guards {
  time: boolean;
  audit: boolean;
  approval: boolean;
}

export default defineRule({
  id: 'code-break-glass-unguarded',
  category: 'fallback',
  defaultSeverity: 'warning',
  fileKinds: ['javascript', 'typescript', 'python', 'go', 'java'],
  keywords: SWITCH_KEYWORDS,
  pattern: SWITCH_NAME,
  syntax: 'code',
  docs,
  check({ document, report }) {
    const text = document.text;
    const root = document.tree(document.codeLanguage!).rootNode;
    const budget = { left: BUDGET_PER_CHARACTER * text.length + 10_000 };
    const seen = new Set<number>();
    const followed = new Set<string>();
    const consider = (conditional: Conditional, flag: string, extra?: SyntaxNode) => {
      if (seen.has(conditional.node.id) || budget.left <= 0) return;
      seen.add(conditional.node.id);
      const action = branchAction(conditional, budget);
      if (!action) return;
      const guards: Guards = { time: false, audit: false, approval: false };
      const guardNodes = [conditional.condition, conditional.initializer, conditional.branch, extra, ...enclosingConditions(conditional.node)];
      for (const node of guardNodes) if (node) readGuards(node, guards, budget);
      if (guards.time || guards.audit || guards.approval || budget.left <= 0) return;
      const span = unwrapExpression(conditional.condition) ?? conditional.condition;
      report({
        // Go's `if v := os.Getenv("GOD_MODE"); v == "1"`: the whole header.
        span: [conditional.initializer?.startIndex ?? span.startIndex, span.endIndex],
        message:
          `Break-glass switch ${flag} ${action.what}, and nothing in the branch checks an expiry, writes an audit log or checks an approval: ` +
          'whoever can set the switch gets a silent, permanent way around normal access. Time-box it, log every use to an audit trail, ' +
          'require an approval ticket, and prefer a separate, monitored emergency role over embedded credentials.',
        fixable: false,
      });
    };
    // A name with the switch words twice (`skipAuthBypassMfa`) is one switch, read once.
    const readLeaves = new Set<number>();
    for (const match of text.matchAll(SWITCH_NAME)) {
      if (budget.left <= 0) break;
      const leaf = nodeAt(root.tree, match.index);
      if (readLeaves.has(leaf.id)) continue;
      const flag = switchName(leaf, match, text);
      if (!flag) continue;
      readLeaves.add(leaf.id);
      const found = conditionalAbove(leaf);
      if (found && 'conditional' in found) {
        consider(found.conditional, flag);
        continue;
      }
      // `const enabled = process.env.BREAK_GLASS === '1'` … `if (enabled)`: the uses of the local.
      if (!found || followed.size >= MAX_FLAGS) continue;
      const key = `${found.scope.id}:${found.name}`;
      if (followed.has(key)) continue;
      followed.add(key);
      for (const use of usesOf(root, text, found.name, found.declaration.endIndex, found.scope.endIndex)) {
        const conditional = conditionalAbove(use);
        if (conditional && 'conditional' in conditional) consider(conditional.conditional, `${flag} (through ${found.name})`, found.value);
      }
    }
  },
});

/** The switch name a match stands for, quoted for the message, or undefined when it is not one. */
function switchName(leaf: SyntaxNode, match: RegExpMatchArray, text: string): string | undefined {
  const end = match.index! + match[0].length;
  // `disableAuthor…` is not `disableAuth…`; `…Authorization` and `…Authorise` are.
  if (/auth$/i.test(match[0])) {
    const next = text.slice(end, end + 4).toLowerCase();
    if (next.startsWith('or') && !next.startsWith('oriz') && !next.startsWith('oris')) return undefined;
  }
  let name: string;
  if (IDENTIFIERS.has(leaf.type)) {
    // Names of flags are short; a longer identifier is generated or minified, and reading it once
    // per match inside it would make a run of matches quadratic.
    if (leaf.endIndex - leaf.startIndex > MAX_NAME_LENGTH) return undefined;
    name = leaf.text;
  } else if (STRING_CONTENT.has(leaf.type) || STRINGS.has(leaf.type)) {
    const holder = STRINGS.has(leaf.type) ? leaf : parentOf(leaf);
    const value = stringValue(holder) ?? leaf.text;
    // A flag, env or header name, not a path, a URL or a sentence.
    if (value.length > MAX_NAME_LENGTH || /[\s/]/.test(value)) return undefined;
    name = value;
  } else {
    return undefined;
  }
  const words = nameWords(name);
  if (words.some((word) => word.includes('emergency')) && words.some((word) => EMERGENCY_DATA.has(word))) return undefined;
  return name.length > 48 ? `${name.slice(0, 45)}…` : name;
}

type Above = { conditional: Conditional } | { declaration: SyntaxNode; name: string; value: SyntaxNode; scope: SyntaxNode };

/**
 * The conditional whose condition holds `leaf` (not negated), or the local declaration whose value
 * holds it (`enabled = os.getenv("BREAK_GLASS") == "1"`), climbing no further than the expression.
 */
function conditionalAbove(leaf: SyntaxNode): Above | undefined {
  let previous = leaf;
  let negated = false;
  let depth = 0;
  for (let current = parentOf(leaf); current && depth < MAX_CLIMB; previous = current, current = parentOf(current), depth++) {
    if (CONDITIONALS.has(current.type)) {
      const conditional = partsOf(current);
      if (!conditional) return undefined;
      const inCondition = conditional.condition.id === previous.id || conditional.initializer?.id === previous.id;
      return inCondition && !negated ? { conditional } : undefined;
    }
    if (negates(current, previous)) negated = true;
    // Go's `if v := os.Getenv("BREAK_GLASS"); v == "1"`: the initializer belongs to the condition.
    const holder = DECLARATIONS.has(current.type) ? parentOf(current) : undefined;
    if (holder?.type === 'if_statement' && holder.childForFieldName('initializer')?.id === current.id) continue;
    if (DECLARATIONS.has(current.type)) {
      const left = current.childForFieldName('left') ?? current.childForFieldName('name');
      const right = current.childForFieldName('right') ?? current.childForFieldName('value');
      const targets = left?.type === 'expression_list' ? named(left) : left ? [left] : [];
      const values = right?.type === 'expression_list' ? named(right) : right ? [right] : [];
      if (!right || previous.id === left?.id || targets.length !== 1 || values.length !== 1 || targets[0]!.type !== 'identifier' || negated) return undefined;
      const name = targets[0]!.text;
      // A name that is itself a switch name is found where it is used. (`search` leaves the
      // shared global pattern's lastIndex alone.)
      if (name.search(SWITCH_NAME) !== -1) return undefined;
      return { declaration: current, name, value: values[0]!, scope: enclosingScope(current) };
    }
    if (BOUNDARIES.has(current.type) || current.type.endsWith('_statement') || current.type.endsWith('_declaration') || isFunctionNode(current)) return undefined;
  }
  return undefined;
}

/** `!flag`, `not flag`, `flag != "1"` (but not `flag != ""` / `!= null`, which mean "is set"). */
function negates(node: SyntaxNode, operand: SyntaxNode): boolean {
  if (node.type === 'not_operator') return true;
  if (node.type === 'unary_expression') return node.child(0)?.text === '!';
  if (node.type !== 'binary_expression' && node.type !== 'comparison_operator') return false;
  const operator = node.children.find((child) => child !== null && !child.isNamed && ['!=', '!==', 'is not'].includes(child.text)) ?? node.children.find((child) => child?.type === 'is not');
  if (!operator) return false;
  const other = named(node).find((child) => child.id !== operand.id);
  const value = unwrapExpression(other);
  return !(value && (NULLISH.has(value.text) || value.type === 'none' || stringValue(value) === ''));
}

function partsOf(node: SyntaxNode): Conditional | undefined {
  if (node.type === 'conditional_expression') {
    // Python `value if condition else other`: no field names.
    const [branch, condition] = named(node);
    return branch && condition ? { node, condition, branch } : undefined;
  }
  const condition = node.childForFieldName('condition');
  const branch = node.childForFieldName('consequence');
  const initializer = node.childForFieldName('initializer') ?? undefined;
  return condition && branch ? { node, condition, branch, ...(initializer ? { initializer } : {}) } : undefined;
}

/** Whole-word occurrences of `name` in [from, to), as the deepest nodes there. */
function usesOf(root: SyntaxNode, text: string, name: string, from: number, to: number): SyntaxNode[] {
  const uses: SyntaxNode[] = [];
  for (let at = text.indexOf(name, from); at !== -1 && at < to && uses.length < MAX_USES; at = text.indexOf(name, at + name.length)) {
    if (/[\w$]/.test(text[at - 1] ?? ' ') || /[\w$]/.test(text[at + name.length] ?? ' ')) continue;
    const node = nodeAt(root.tree, at);
    if (node.type === 'identifier' && node.text === name) uses.push(node);
  }
  return uses;
}

/** The conditions of the conditionals around `node` in its function: a guard there covers the branch. */
function enclosingConditions(node: SyntaxNode): SyntaxNode[] {
  const conditions: SyntaxNode[] = [];
  let previous = node;
  let depth = 0;
  for (let current = parentOf(node); current && depth < MAX_CLIMB && !isFunctionNode(current); previous = current, current = parentOf(current), depth++) {
    if (!CONDITIONALS.has(current.type)) continue;
    const parts = partsOf(current);
    if (parts && parts.branch.id === previous.id) conditions.push(parts.condition);
  }
  return conditions;
}

// ---------------------------------------------------------------------------------------------
// What the branch does.

/** The last key of an assignment target or a pair key: `token`, `this.apiKey` → `apiKey`, `env["X"]` → `X`. */
function keyOf(node: SyntaxNode | null | undefined): string | undefined {
  const target = unwrapExpression(node);
  if (!target) return undefined;
  switch (target.type) {
    case 'identifier':
    case 'property_identifier':
    case 'field_identifier':
    case 'shorthand_property_identifier':
      return target.text;
    case 'member_expression':
      return target.childForFieldName('property')?.text;
    case 'attribute':
      return target.childForFieldName('attribute')?.text;
    case 'selector_expression':
      return target.childForFieldName('field')?.text;
    case 'field_access':
      return target.childForFieldName('field')?.text;
    case 'subscript_expression':
    case 'subscript':
      return stringValue(target.childForFieldName('index') ?? target.childForFieldName('subscript'));
    case 'literal_element':
      return keyOf(named(target)[0]);
    default:
      return stringValue(target);
  }
}

const isNullish = (node: SyntaxNode | null | undefined) => {
  const value = unwrapExpression(node);
  return !value || NULLISH.has(value.text) || value.type === 'none' || stringValue(value) === '';
};
const isTrue = (node: SyntaxNode | null | undefined) => {
  const value = unwrapExpression(node);
  return value !== null && value !== undefined && (TRUE.has(value.text) || (value.type === 'literal_element' && TRUE.has(value.text)));
};
const short = (name: string) => (name.length > 40 ? `${name.slice(0, 37)}…` : name);

/**
 * A value or key assigned in the branch: a credential swapped in, or an authorization decision
 * made. Assigning to a credential-named variable or field swaps it; handing a credential to a call
 * (`api_key=…`, `{ token: … }`) only does when what is handed is special (an emergency or admin
 * credential, a secret-looking literal) or is a static cloud key, since an ordinary feature behind
 * an `emergency` flag may well call an API with its usual key.
 */
function assignmentAction(target: SyntaxNode | null | undefined, value: SyntaxNode | null | undefined, argument = false): Action | undefined {
  if (!value || isNullish(value)) return undefined;
  const key = keyOf(target);
  if (!key) return undefined;
  if (namesCredentialOrKeyId(key) && (!argument || STATIC_KEYS.has(key) || specialCredential(value))) return { what: `swaps in a credential (${short(key)})` };
  const words = nameWords(key);
  if (isTrue(value) && words.some((word) => AUTH_STATE.has(word))) return { what: `grants access without the normal check (${short(key)} = ${unwrapExpression(value)!.text})` };
  if (PRINCIPALS.has(words.join('_')) || PRINCIPALS.has(words.join(''))) {
    if (/admin|superuser|root|break[-_. ]?glass|emergency/i.test(value.text.slice(0, 400))) return { what: `runs the request as an administrator (${short(key)})` };
  }
  return undefined;
}

/** The names along a callee: `StaticCredentialsProvider.create` → both; `next.ServeHTTP` → both. */
function calleeNames(call: SyntaxNode): string[] {
  let callee: SyntaxNode | null | undefined;
  if (call.type === 'method_invocation') {
    const names = [call.childForFieldName('name')?.text ?? ''];
    for (let object = call.childForFieldName('object'); object; ) {
      if (object.type === 'identifier') names.unshift(object.text);
      if (object.type === 'method_invocation') names.unshift(...calleeNames(object));
      if (object.type === 'field_access') {
        names.unshift(object.childForFieldName('field')?.text ?? '');
        object = object.childForFieldName('object');
        continue;
      }
      break;
    }
    return names;
  }
  if (call.type === 'object_creation_expression') callee = call.childForFieldName('type');
  else if (call.type === 'new_expression') callee = call.childForFieldName('constructor');
  else callee = call.childForFieldName('function');
  return (callee?.text ?? '')
    .replace(/<[^<>]{0,200}>/g, '')
    .split(/[^\w$]+/)
    .filter(Boolean);
}

/** A name of the function `node` is in: its own, or the variable or key holding it. */
function functionNameOf(fn: SyntaxNode): string | undefined {
  const own = fn.childForFieldName('name')?.text;
  if (own) return own;
  const holder = parentOf(fn);
  if (holder?.type === 'variable_declarator') return holder.childForFieldName('name')?.text;
  if (holder?.type === 'pair') return holder.childForFieldName('key')?.text;
  return undefined;
}

/** The functions around `node`, innermost first, at most `limit`. */
function enclosingFunctions(node: SyntaxNode, limit: number): SyntaxNode[] {
  const found: SyntaxNode[] = [];
  let depth = 0;
  for (let current = parentOf(node); current && found.length < limit && depth < 4 * MAX_CLIMB; current = parentOf(current), depth++) {
    if (isFunctionNode(current)) found.push(current);
  }
  return found;
}

const authFunction = (name: string | undefined) => {
  const words = nameWords(name ?? '');
  return words[0] === 'can' || words.some((word) => AUTH_FUNCTION.has(word));
};

function callAction(call: SyntaxNode): Action | undefined {
  const names = calleeNames(call);
  const last = names[names.length - 1] ?? '';
  const args = named(call.childForFieldName('arguments'));
  // `next(…)` is Express's or Echo's continuation only when called bare (not Python's builtin, not an iterator's).
  const passes = last === 'next' ? names.length === 1 && call.type === 'call_expression' : last === 'Next' ? names.length === 2 : PASS_THROUGH.has(last);
  if (passes) return { what: `skips the authorization check (${short(names.join('.'))}())` };
  // A wrapped handler called from an auth decorator or middleware: `return view(*args, **kwargs)`.
  if (names.length === 1 && call.type === 'call') {
    const [inner, outer] = enclosingFunctions(call, 2);
    const decorator = outer ?? inner;
    const parameters = decorator?.childForFieldName('parameters');
    if (decorator && parameters && authFunction(functionNameOf(decorator)) && named(parameters).some((parameter) => parameter.text === last)) {
      return { what: `skips the authorization check (calls ${short(last)} directly)` };
    }
  }
  if (args.length === 0) return undefined;
  for (const name of names) {
    const words = nameWords(name);
    if (words.includes('credential') || words.includes('credentials') || CREDENTIAL_TYPES.has(name)) return { what: `swaps in a different credential (${short(name)})` };
  }
  // `client.setToken(…)`, `SecurityContextHolder.getContext().setAuthentication(…)`.
  const words = nameWords(last);
  if ((words[0] === 'set' || words[0] === 'with' || words[0] === 'use') && words.length > 1) {
    const rest = words.slice(1).join('_');
    if (namesCredentialOrKeyId(rest) || words.some((word) => word === 'authentication' || word === 'principal' || AUTH_STATE.has(word))) {
      return { what: `swaps in a credential (${short(last)})` };
    }
  }
  // A credential-named value handed to a call: `login(EMERGENCY_PASSWORD)`.
  for (const arg of args) {
    const key = IDENTIFIER_LIKE.has(unwrapExpression(arg)?.type ?? '') ? keyOf(arg) : undefined;
    if (key && namesCredentialOrKeyId(key) && specialCredential(arg)) return { what: `swaps in a credential (${short(key)})` };
  }
  return undefined;
}

const IDENTIFIER_LIKE = new Set(['identifier', 'member_expression', 'attribute', 'selector_expression', 'field_access']);

/** Keys that only ever carry a static cloud credential. */
const STATIC_KEYS = new Set(['aws_access_key_id', 'aws_secret_access_key', 'aws_session_token', 'accessKeyId', 'secretAccessKey', 'sessionToken', 'AccessKeyID', 'SecretAccessKey', 'SessionToken', 'client_secret', 'clientSecret', 'ClientSecret']);
/** Words naming a credential kept for emergencies or above the normal one. */
const SPECIAL_WORDS = new Set(['emergency', 'break', 'glass', 'breakglass', 'bg', 'admin', 'root', 'master', 'override', 'backdoor', 'bypass', 'god', 'superuser', 'fallback', 'static']);

/** A value that is a secret-looking literal or names an emergency or admin credential (`EMERGENCY_TOKEN`, `os.environ["BG_SECRET"]`). */
function specialCredential(value: SyntaxNode): boolean {
  const literal = stringValue(unwrapExpression(value));
  if (literal !== undefined) return looksLikeSecretLiteral(literal);
  const text = value.text.slice(0, 200);
  return nameWords(text).some((word) => SPECIAL_WORDS.has(word));
}

function returnAction(statement: SyntaxNode): Action | undefined {
  const values = named(statement).flatMap((child) => (child.type === 'expression_list' ? named(child) : [child]));
  const value = unwrapExpression(values[0]);
  if (!value) return undefined;
  if (IDENTIFIER_LIKE.has(value.type)) {
    const key = keyOf(value);
    if (key && namesCredentialOrKeyId(key)) return { what: `swaps in a credential (${short(key)})` };
  }
  if (isTrue(value)) {
    const [fn] = enclosingFunctions(statement, 1);
    const name = fn ? functionNameOf(fn) : undefined;
    if (authFunction(name)) return { what: `skips the authorization check (${short(name!)} returns ${value.text})` };
  }
  return undefined;
}

/** What a node of the branch does, if it swaps a credential in or skips an authorization check. */
function actionOf(node: SyntaxNode): Action | undefined {
  switch (node.type) {
    case 'assignment':
    case 'assignment_expression':
    case 'variable_declarator':
    case 'var_spec': {
      return assignmentAction(node.childForFieldName('left') ?? node.childForFieldName('name'), node.childForFieldName('right') ?? node.childForFieldName('value'));
    }
    case 'assignment_statement':
    case 'short_var_declaration': {
      const targets = named(node.childForFieldName('left'));
      const values = named(node.childForFieldName('right'));
      for (let i = 0; i < targets.length && i < values.length; i++) {
        const action = assignmentAction(targets[i], values[i]);
        if (action) return action;
      }
      return undefined;
    }
    case 'pair':
    case 'keyword_argument':
      return assignmentAction(node.childForFieldName('key') ?? node.childForFieldName('name'), node.childForFieldName('value'), true);
    case 'keyed_element': {
      const [key, value] = named(node);
      return assignmentAction(key, value?.type === 'literal_element' ? named(value)[0] : value, true);
    }
    case 'return_statement':
      return returnAction(node);
    default:
      if (CALLS.has(node.type)) return callAction(node);
      if (STRINGS.has(node.type)) {
        const value = stringValue(node);
        if (value !== undefined && looksLikeSecretLiteral(value)) return { what: 'swaps in a hardcoded credential' };
      }
      return undefined;
  }
}

const ACTION_TYPES = new Set([
  'assignment', 'assignment_expression', 'variable_declarator', 'var_spec', 'assignment_statement', 'short_var_declaration', 'pair', 'keyword_argument',
  'keyed_element', 'return_statement', ...CALLS, ...STRINGS,
]);

/** The first credential swap or skipped check in the branch (an expression branch is a value). */
function branchAction(conditional: Conditional, budget: { left: number }): Action | undefined {
  const branch = unwrapExpression(conditional.branch) ?? conditional.branch;
  if (conditional.node.type === 'ternary_expression' || conditional.node.type === 'conditional_expression') {
    if (isNullish(branch)) return undefined;
    if (IDENTIFIER_LIKE.has(branch.type)) {
      const key = keyOf(branch);
      if (key && namesCredentialOrKeyId(key)) return { what: `swaps in a credential (${short(key)})` };
    }
    // `token = breakGlass ? … : …`: the value chosen is a credential.
    let holder = parentOf(conditional.node);
    while (holder && (holder.type === 'parenthesized_expression' || holder.type === 'await_expression')) holder = parentOf(holder);
    if (holder && (holder.type === 'variable_declarator' || holder.type === 'assignment' || holder.type === 'assignment_expression' || holder.type === 'pair' || holder.type === 'keyword_argument')) {
      const key = keyOf(holder.childForFieldName('left') ?? holder.childForFieldName('name') ?? holder.childForFieldName('key'));
      if (key && namesCredentialOrKeyId(key)) return { what: `swaps in a credential (${short(key)})` };
    }
  }
  let found: Action | undefined;
  walk(branch, ACTION_TYPES, budget, (node) => {
    found = actionOf(node);
    return found !== undefined;
  });
  return found;
}

// ---------------------------------------------------------------------------------------------
// Guards: an expiry or clock check, an audit log call, an approval artefact.

const GUARD_TYPES = new Set([...IDENTIFIERS, ...STRING_CONTENT, ...CALLS]);

function readGuards(node: SyntaxNode, guards: Guards, budget: { left: number }): void {
  walk(node, GUARD_TYPES, budget, (current) => {
    if (CALLS.has(current.type)) {
      const names = calleeNames(current);
      const path = names.join('.');
      if (path === 'time.time' || path === 'time.monotonic' || path.endsWith('currentTimeMillis') || (current.type === 'new_expression' && path === 'Date')) guards.time = true;
      if (names[0] === 'console') {
        if (names[1] === 'warn' || names[1] === 'error') guards.audit = true;
      } else if (names.some(isAuditName)) {
        guards.audit = true;
      }
    } else {
      const value = current.text;
      // Strings count when they are names (env variables, keys), not messages.
      if (STRING_CONTENT.has(current.type) && (value.length > 64 || /\s/.test(value))) return false;
      const words = nameWords(value);
      if (words.some((word) => TIME_WORDS.has(word))) guards.time = true;
      if (words.some((word) => APPROVAL_WORDS.has(word))) guards.approval = true;
    }
    return guards.time || guards.audit || guards.approval;
  });
}

/** `audit.critical`, `log.Printf`, `LOGGER.warn`, `slog.Warn`, but not `auth.logIn` / `logOut`. */
function isAuditName(name: string): boolean {
  const words = nameWords(name);
  return words.some((word, i) => AUDIT_WORDS.has(word) && !(word === 'log' && ['in', 'on', 'out', 'off'].includes(words[i + 1] ?? '')));
}

/**
 * Visits the nodes of `types` under `node` in document order with a cursor, until `callback`
 * returns true or the budget (shared across the file) runs out.
 */
function walk(node: SyntaxNode, types: ReadonlySet<string>, budget: { left: number }, callback: (node: SyntaxNode) => boolean): void {
  const cursor = node.walk();
  try {
    for (;;) {
      if (--budget.left <= 0) return;
      if (types.has(cursor.nodeType) && callback(cursor.currentNode)) return;
      if (cursor.gotoFirstChild()) continue;
      while (!cursor.gotoNextSibling()) {
        if (!cursor.gotoParent()) return;
      }
    }
  } finally {
    cursor.delete();
  }
}
