import { defineRule } from '../../server/src/engine/define-rule';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import { hclAttribute, hclAttributes, hclBlocks, hclBodyOf, hclChildBlocks, hclHeaderSpan, hclLiteral, type HclBlock } from '../lib/hcl';
import docs from './docs.md';
import { instanceProfileFix, removalPlan, type Detector, type FixPlan } from './fix';

/** Resources that launch EC2 instances from their own `user_data` and can take an instance profile. */
const INSTANCE_RESOURCES = new Set(['aws_instance', 'aws_spot_instance_request', 'aws_launch_template', 'aws_launch_configuration']);
/** Resources whose provisioners reach an instance only through their `connection` block. */
const CONNECTED_RESOURCES = new Set(['null_resource', 'terraform_data']);
const USER_DATA = ['user_data', 'user_data_base64'];
/** A module input that carries user data (`user_data`, `pre_bootstrap_user_data`, `bastion_user_data_base64`). */
const MODULE_USER_DATA = /user_data(?:_base64)?$/;
/** A `connection` block that reaches an EC2 instance of this configuration. */
const INSTANCE_HOST = /\baws_(?:instance|spot_instance_request|eip)\./;

// Script text is examined one line at a time, and only the lines that hold one of these.
const INDICATOR = /aws_(?:access|secret)_|aws_iam_access_key\.|\.aws(?:\/|\\{1,2})credentials\b/gi;
/** `export AWS_ACCESS_KEY_ID=`, `aws_secret_access_key = ` (credentials file), `AWS_SECRET_ACCESS_KEY: ` (YAML), `-e AWS_…=`; not `$AWS_…`, `${AWS_…:-}`, `var.aws_…`, `==`. */
const KEY_ASSIGNMENT = /(?<![\w$.{-])aws_(?:access_key_id|secret_access_key|access_key|secret_key)\b["']?[ \t]*[=:](?![=:])/gi;
const CONFIGURE_SET = /\baws[ \t]+configure[ \t]+set[ \t]+(?:[\w-]+\.){0,2}aws_(?:access_key_id|secret_access_key)\b/i;
const WINDOWS_ENV = /\bsetx[ \t]+aws_(?:access_key_id|secret_access_key)\b|SetEnvironmentVariable\([ \t]*["']aws_(?:access_key_id|secret_access_key)\b/i;
/** A key created or passed in by Terraform and interpolated into the script. */
const KEY_REFERENCE = /\baws_iam_access_key\.[\w-]+\.(?:id|secret)\b|\b(?:var|local)\.aws_(?:access_key_id|secret_access_key|access_key|secret_key)\b/i;
/** Values that are an instance profile's or an assumed role's temporary credentials, not a user's key. */
const TEMPORARY = /169\.254\.169\.254|fd00:ec2::254|assume-role|AccessKeyId|SecretAccessKey|export-credentials/;
const CREDENTIALS_PATH = /\.aws(?:\/|\\{1,2})credentials\b/g;
/** What writes the path that follows (read against the few characters before it): redirection, tee, -o, of=, cloud-init `path:`, PowerShell -Path, file(). */
const WRITES_NEXT = /(?:>|\btee(?:[ \t]+-a)?|(?:^|[ \t])-[a-z]*o|--output(?:-document)?|\bof=|\bpath:|\bdest(?:ination)?:|[ \t]-(?:file)?path|\b(?:file|filebase64|pathexpand)\()[ \t"'=]*$/i;
/** A command whose last argument is where it writes. */
const COPY_COMMAND = /^[ \t"']*(?:sudo[ \t]+)?(?:cp|mv|install|scp|rsync|ln|aws[ \t]+s3[ \t]+(?:cp|mv|sync)|gsutil[ \t]+cp|copy-item|move-item)\b/i;
/** `local.x`, `var.x`, `data.type.name`: where user data defined elsewhere in the file comes from. */
const REFERENCE = /\b(?:local|var)\.[\w-]+|\bdata\.[\w-]+\.[\w-]+/g;
/** A file provisioner path naming the `.aws` folder itself. */
const AWS_FOLDER = /(?:^|[/\\~])\.aws[/\\]?$/;

/** How far back a path token or a command may start: paths and command lines are short. */
const TOKEN_LIMIT = 256;
const WINDOW = 64;

/** Is the character at `index` the end of a line: a newline, or the `\n` escape of a quoted string or a printf? */
function lineBreakBefore(text: string, index: number): boolean {
  const c = text.charCodeAt(index - 1);
  return c === 10 || (c === 110 && index >= 2 && text.charCodeAt(index - 2) === 92);
}

function lineBreakAt(text: string, index: number): boolean {
  const c = text.charCodeAt(index);
  return c === 10 || (c === 92 && text.charCodeAt(index + 1) === 110);
}

/** Shell comment, HCL comment: `#`, `//`, after indentation, a list's quote or a YAML dash. */
function isComment(line: string): boolean {
  let i = 0;
  while (i < line.length && ' \t"\'-['.includes(line[i]!)) i++;
  return line[i] === '#' || (line[i] === '/' && line[i + 1] === '/');
}

const BOUNDARY = ' \t"\'=><(|;&,`';

/** Does `line` write an AWS credentials file (or read one into the user data)? */
function writesCredentialsFile(line: string): boolean {
  CREDENTIALS_PATH.lastIndex = 0;
  let floor = 0;
  for (let match = CREDENTIALS_PATH.exec(line); match; match = CREDENTIALS_PATH.exec(line)) {
    // The path token: back to a space, quote, `=` or `>`, a short way at most, never into the previous one.
    let start = match.index;
    while (start > floor && match.index - start < TOKEN_LIMIT && !BOUNDARY.includes(line[start - 1]!)) start--;
    floor = match.index + match[0].length;
    if (match.index - start >= TOKEN_LIMIT) continue;
    if (WRITES_NEXT.test(line.slice(Math.max(0, start - WINDOW), start))) return true;
    // `cp src ~/.aws/credentials`: the path is the command's last argument.
    let end = match.index + match[0].length;
    while (end < line.length && ' \t"\''.includes(line[end]!)) end++;
    if (end < line.length && !';&|)\\,'.includes(line[end]!)) continue;
    let command = start;
    while (command > 0 && start - command < TOKEN_LIMIT && !';&|(`'.includes(line[command - 1]!)) command--;
    if (COPY_COMMAND.test(line.slice(command, start))) return true;
  }
  return false;
}

/** A value right after `=` that is empty (`AWS_ACCESS_KEY_ID=`, `=""`): clearing a variable, not setting a key. */
function emptyAfter(line: string, index: number): boolean {
  let i = index;
  while (line[i] === ' ' || line[i] === '\t') i++;
  const c = line[i];
  if (c === undefined || c === ';' || c === ',') return true;
  return (c === '"' || c === "'") && (line[i + 1] === c || i + 1 === line.length);
}

/** The key variable a match ends with (`AWS_ACCESS_KEY_ID`). */
const keyName = (match: string): string => match.slice(match.toLowerCase().lastIndexOf('aws_'));

/** What one line of a script or an HCL value does with a static key, if anything. */
function lineHandoff(line: string): string | undefined {
  if (isComment(line) || TEMPORARY.test(line)) return undefined;
  KEY_ASSIGNMENT.lastIndex = 0;
  for (let match = KEY_ASSIGNMENT.exec(line); match; match = KEY_ASSIGNMENT.exec(line)) {
    if (!emptyAfter(line, match.index + match[0].length)) return `sets ${/^\w+/.exec(match[0])![0]}`;
  }
  const configure = CONFIGURE_SET.exec(line);
  if (configure) return `runs 'aws configure set' for ${keyName(configure[0])}`;
  const windows = WINDOWS_ENV.exec(line);
  if (windows) return `sets ${keyName(windows[0])}`;
  const reference = KEY_REFERENCE.exec(line);
  if (reference) return `passes ${reference[0]} into the script`;
  if (writesCredentialsFile(line)) return 'writes the AWS credentials file .aws/credentials';
  return undefined;
}

/**
 * Each static-key handoff in `value` (an expression's source), in order, until `visit` returns true. Only the
 * lines that hold an indicator are read, each once, so the cost is the length of the text.
 */
function eachHandoff(value: string, visit: (handoff: string, start: number, end: number) => boolean | void): void {
  INDICATOR.lastIndex = 0;
  let lineEnd = -1;
  for (let match = INDICATOR.exec(value); match; match = INDICATOR.exec(value)) {
    if (match.index < lineEnd) continue;
    let lineStart = match.index;
    while (lineStart > 0 && !lineBreakBefore(value, lineStart)) lineStart--;
    lineEnd = match.index;
    while (lineEnd < value.length && !lineBreakAt(value, lineEnd)) lineEnd++;
    INDICATOR.lastIndex = lineEnd;
    const found = lineHandoff(value.slice(lineStart, lineEnd));
    if (found) {
      // The line without its indentation: where the finding points when the script is in place.
      let start = lineStart;
      while (start < lineEnd && (value[start] === ' ' || value[start] === '\t')) start++;
      if (visit(found, start, lineEnd)) return;
    }
  }
}

/** The first static-key handoff in `value`. */
function scriptHandoff(value: string): { handoff: string; line: [number, number] } | undefined {
  let first: { handoff: string; line: [number, number] } | undefined;
  eachHandoff(value, (handoff, start, end) => {
    first = { handoff, line: [start, end] };
    return true;
  });
  return first;
}

/** The rule's detector as the fix planner sees it: the plan deletes exactly what the rule reports. */
const DETECTOR: Detector = {
  lineHandoff,
  eachHandoff: (value, visit) => eachHandoff(value, (_handoff, start, end) => visit(start, end)),
};

interface Found {
  /** What the script does with a key, as words for the message (names only, never a value). */
  readonly handoff: string;
  /** The definition the script came from (`local.user_data`), when not written in place. */
  readonly via?: string;
  /** The script line that does it, when written in place in the expression. */
  readonly span?: readonly [number, number];
}

/**
 * What an expression hands over, in place or through the `local`, `var` (default) and `data`
 * definitions of this file it names. Each definition is read once per file, whatever refers to it.
 */
class Definitions {
  private index: Map<string, SyntaxNode> | undefined;
  private readonly memo = new Map<string, Found | null>();

  constructor(
    private readonly text: string,
    private readonly blocks: readonly HclBlock[],
  ) {}

  private definition(name: string): SyntaxNode | undefined {
    if (!this.index) {
      this.index = new Map();
      for (const block of this.blocks) {
        if (block.type === 'locals') {
          for (const attribute of hclAttributes(block.body)) this.index.set(`local.${attribute.name}`, attribute.value);
        } else if (block.type === 'variable' && block.labels[0]) {
          const value = hclAttribute(block.body, 'default')?.value;
          if (value) this.index.set(`var.${block.labels[0]}`, value);
        } else if (block.type === 'data' && block.labels.length === 2 && block.body) {
          this.index.set(`data.${block.labels[0]}.${block.labels[1]}`, block.body);
        }
      }
    }
    return this.index.get(name);
  }

  of(node: SyntaxNode, depth = 0): Found | undefined {
    const value = this.text.slice(node.startIndex, node.endIndex);
    const handoff = scriptHandoff(value);
    if (handoff) return { handoff: handoff.handoff, span: [node.startIndex + handoff.line[0], node.startIndex + handoff.line[1]] };
    if (depth >= 3) return undefined;
    return this.referenced(value, depth);
  }

  /** Whether the user data also gets a key from a definition it names, besides what it writes in place. */
  viaReference(node: SyntaxNode): boolean {
    return this.referenced(this.text.slice(node.startIndex, node.endIndex), 0) !== undefined;
  }

  private referenced(value: string, depth: number): Found | undefined {
    // `matchAll` works on a copy of the expression, so the walk into a definition does not restart this one.
    const seen = new Set<string>();
    for (const match of value.matchAll(REFERENCE)) {
      const name = match[0];
      if (seen.has(name)) continue;
      seen.add(name);
      const found = this.named(name, depth + 1);
      if (found) return { handoff: found.handoff, via: found.via ?? name };
    }
    return undefined;
  }

  private named(name: string, depth: number): Found | undefined {
    const known = this.memo.get(name);
    if (known !== undefined) return known ?? undefined;
    const node = this.definition(name);
    // Marked before the walk, so a cycle between definitions ends.
    this.memo.set(name, null);
    const found = node ? this.of(node, depth) : undefined;
    this.memo.set(name, found ?? null);
    return found;
  }
}

/** Where a file provisioner's path is an AWS credentials file or the `.aws` folder. */
function credentialsPath(value: SyntaxNode): boolean {
  const literal = hclLiteral(value);
  const path = typeof literal === 'string' ? literal : value.text.replace(/^"|"$/g, '');
  CREDENTIALS_PATH.lastIndex = 0;
  return CREDENTIALS_PATH.test(path) || AWS_FOLDER.test(path);
}

const headerOf = (node: SyntaxNode): [number, number] => hclHeaderSpan({ node, type: '', labels: [], body: undefined });

const WHY_USER_DATA =
  'a long-lived IAM user access key becomes part of the instance: it is kept in every copy of its user data (each instance and launch template version made from this configuration), anyone who can describe the instance reads it from the console or the API and anything running on it from IMDS, and it is never rotated';
const WHY_ON_DISK =
  'a long-lived IAM user access key sits on the instance, readable by anything running there and copied into every snapshot or AMI taken of it, and it is never rotated';

export default defineRule({
  id: 'tf-instance-static-aws-keys',
  category: 'long-lived-credential',
  defaultSeverity: 'error',
  fileKinds: ['terraform'],
  keywords: ['aws_access_key', 'aws_secret_access_key', 'aws_secret_key', 'aws_iam_access_key', '.aws/credentials', '/.aws', '.aws\\'],
  pattern: /user_data|provisioner/,
  syntax: 'code',
  docs,
  check({ document, report }) {
    const text = document.text;
    const blocks = hclBlocks(document.tree('hcl'));
    const definitions = new Definitions(text, blocks);

    const hasProfile = (block: HclBlock, isModule: boolean): boolean =>
      isModule
        ? hclAttribute(block.body, 'iam_instance_profile') !== undefined || hclAttribute(block.body, 'create_iam_instance_profile') !== undefined
        : hclAttribute(block.body, 'iam_instance_profile') !== undefined || hclChildBlocks(block.body, 'iam_instance_profile').length > 0;

    const advice = (block: HclBlock, isModule: boolean): string => {
      if (hasProfile(block, isModule)) return 'it already has an instance profile: give that role the permissions the instance needs and remove the keys';
      return isModule
        ? "give it an instance profile instead (the module's iam_instance_profile or create_iam_instance_profile input) whose role has the permissions the instance needs, and remove the keys; the SDKs and the CLI then get automatically rotated role credentials from IMDS"
        : 'attach an iam_instance_profile whose role has the permissions the instance needs and remove the keys; the SDKs and the CLI then get automatically rotated role credentials from IMDS';
    };

    /**
     * The fix's plan for user data written in place on an instance resource: the lines to delete,
     * found now from the script this check has read; undefined (not fixable) when they cannot go cleanly.
     */
    const fixPlan = (attributeName: string, attribute: { node: SyntaxNode; value: SyntaxNode }, profile: boolean): FixPlan | undefined => {
      // The profile goes on a line of its own beside the attribute.
      const lineStart = text.lastIndexOf('\n', attribute.node.startIndex - 1) + 1;
      if (text.slice(lineStart, attribute.node.startIndex).trim() !== '') return undefined;
      if (definitions.viaReference(attribute.value)) return undefined;
      const remove = removalPlan(text, attribute.value, DETECTOR);
      return remove ? { attribute: attributeName, profile, remove } : undefined;
    };

    const userData = (owner: string, attributeName: string, attribute: { node: SyntaxNode; value: SyntaxNode }, fix: string, profile?: boolean) => {
      const found = definitions.of(attribute.value);
      if (!found) return;
      const plan = profile !== undefined && found.span && !found.via ? fixPlan(attributeName, attribute, profile) : undefined;
      // `user_data_base64` is shown as `user_data (base64)`: the message never repeats a digit-bearing run of the flagged text.
      const base64 = attributeName.endsWith('_base64');
      const shown = `${owner}.${base64 ? `${attributeName.slice(0, -'_base64'.length)} (base64)` : attributeName}`;
      report({
        // The script line that hands the key over when it is written here; else the attribute.
        span: found.span && !found.via ? found.span : [attribute.node.startIndex, attribute.node.endIndex],
        message: `${shown} ${found.handoff}${found.via ? ` (in ${found.via})` : ''}, so ${WHY_USER_DATA}; ${fix}.`,
        construct: `${owner}.${attributeName}`,
        fixable: plan !== undefined,
        ...(plan ? { data: { plan } } : {}),
      });
    };

    const provisioners = (owner: string, body: SyntaxNode | undefined, fix: string) => {
      for (const provisioner of hclChildBlocks(body, 'provisioner')) {
        const kind = provisioner.namedChildren.find((child) => child?.type === 'string_lit')?.text.slice(1, -1);
        const inner = hclBodyOf(provisioner);
        let what: string | undefined;
        if (kind === 'remote-exec') {
          const inline = hclAttribute(inner, 'inline');
          const found = inline ? definitions.of(inline.value) : undefined;
          if (found) what = `${found.handoff}${found.via ? ` (in ${found.via})` : ''} on the instance`;
        } else if (kind === 'file') {
          const destination = hclAttribute(inner, 'destination');
          const source = hclAttribute(inner, 'source');
          const content = hclAttribute(inner, 'content');
          if (destination && credentialsPath(destination.value)) what = 'copies an AWS credentials file (.aws/credentials) to the instance';
          else if (source && credentialsPath(source.value)) what = 'copies local AWS credentials (.aws/credentials) to the instance';
          else {
            const found = content ? definitions.of(content.value) : undefined;
            if (found) what = `writes a file to the instance that ${found.handoff}${found.via ? ` (in ${found.via})` : ''}`;
          }
        }
        if (!what) continue;
        const name = `${owner}.provisioner.${kind}`;
        report({ span: headerOf(provisioner), message: `${name} ${what}, so ${WHY_ON_DISK}; ${fix}.`, construct: name, fixable: false });
      }
    };

    for (const block of blocks) {
      const type = block.labels[0] ?? '';
      if (block.type === 'resource' && INSTANCE_RESOURCES.has(type)) {
        const owner = `${type}.${block.labels[1] ?? ''}`;
        const fix = advice(block, false);
        const profile = hasProfile(block, false);
        for (const name of USER_DATA) {
          const attribute = hclAttribute(block.body, name);
          if (attribute) userData(owner, name, attribute, fix, profile);
        }
        provisioners(owner, block.body, fix);
      } else if (block.type === 'resource' && type === 'aws_spot_fleet_request') {
        const owner = `${type}.${block.labels[1] ?? ''}`;
        for (const specification of hclChildBlocks(block.body, 'launch_specification')) {
          const body = hclBodyOf(specification);
          const attribute = hclAttribute(body, 'user_data');
          const profile = hclAttribute(body, 'iam_instance_profile') !== undefined || hclAttribute(body, 'iam_instance_profile_arn') !== undefined;
          if (attribute) {
            userData(`${owner}.launch_specification`, 'user_data', attribute, profile
              ? 'it already has an instance profile: give that role the permissions the instance needs and remove the keys'
              : 'set iam_instance_profile_arn to a profile whose role has the permissions the instance needs and remove the keys; the SDKs and the CLI then get automatically rotated role credentials from IMDS');
          }
        }
      } else if (block.type === 'resource' && CONNECTED_RESOURCES.has(type)) {
        const connection = hclChildBlocks(block.body, 'connection')[0];
        if (!connection || !INSTANCE_HOST.test(connection.text)) continue;
        provisioners(`${type}.${block.labels[1] ?? ''}`, block.body, 'attach an iam_instance_profile to the instance whose role has the permissions it needs and remove the keys; the SDKs and the CLI then get automatically rotated role credentials from IMDS');
      } else if (block.type === 'module') {
        const owner = `module.${type}`;
        let fix: string | undefined;
        for (const attribute of hclAttributes(block.body)) {
          if (!MODULE_USER_DATA.test(attribute.name)) continue;
          fix ??= advice(block, true);
          userData(owner, attribute.name, attribute, fix);
        }
      }
    }
  },
  // Not preferred: the new role's permissions are the user's to design, and the script must still run without the keys.
  fix({ document, finding }) {
    const plan = (finding.data as { plan?: FixPlan } | undefined)?.plan;
    if (!plan || !Array.isArray(plan.remove) || plan.remove.length === 0) return [];
    return instanceProfileFix(document, finding.span, plan);
  },
});
