import type { ParsedDocument } from '../../server/src/engine/parsed-document';
import type { SyntaxNode } from '../../server/src/engine/parse/tree-sitter';
import type { Fix, TextEdit } from '../../server/src/engine/types';
import { hclBlocks, type HclBlock } from './hcl';
import { lineEnding } from './hcl-edit';
import { nodeAt, parentOf } from './syntax';

/**
 * The safe pattern for a secret written as a string in a Terraform configuration: a variable with
 * `sensitive = true` and no default. Its value then comes at plan time from `TF_VAR_<name>`, a
 * `.tfvars` file kept out of the repository or the pipeline's secret store; `terraform plan` stops
 * when it is not set (failing closed), and plan output shows `(sensitive value)` instead of it.
 *
 * Offered for every secret rule without a fix of its own (secret-reference-fix.ts), for a quoted
 * string without interpolation that is the whole value of an argument or object attribute inside
 * a block that may read variables. Not in `variable` blocks (sec-iac-secret-parameter removes
 * a secret default there), `terraform` blocks (a backend cannot read variables) or `.tfvars` files (which assign
 * the variables).
 */

const MAX_TEXT_FOR_FIX = 1024 * 1024;
/** Top-level blocks whose arguments may be variable references, and whose label names the value. */
const BLOCKS_READING_VARIABLES: ReadonlySet<string> = new Set(['resource', 'data', 'module', 'provider', 'locals', 'ephemeral']);

interface VariableSite {
  /** The quoted string, quotes included. */
  readonly literal: SyntaxNode;
  readonly variable: string;
  /** Whether the file already declares the variable (the fix then only references it). */
  readonly declared: boolean;
  /** Where the value is used, for the variable's description: `password of aws_db_instance.main`. */
  readonly usedBy: string;
}

/** Whether this document is a Terraform configuration file (`.tf`) read as HCL. */
export function isTerraformConfiguration(document: ParsedDocument): boolean {
  return document.codeLanguage === 'hcl' && document.path.toLowerCase().endsWith('.tf');
}

function variableSite(document: ParsedDocument, span: readonly [number, number]): VariableSite | undefined {
  if (!isTerraformConfiguration(document) || document.text.length > MAX_TEXT_FOR_FIX) return undefined;
  const text = document.text;
  if (text[span[0] - 1] !== '"' || text[span[1]] !== '"') return undefined;
  let tree;
  try {
    tree = document.tree('hcl');
  } catch {
    return undefined; // a parse given up (hostile input): no fix, the finding stands
  }
  let literal: SyntaxNode | null = nodeAt(tree, span[0]);
  while (literal && literal.type !== 'string_lit') literal = parentOf(literal);
  // A plain quoted string parses as `string_lit`; one with `${…}` is a template and is not offered.
  if (!literal || literal.startIndex !== span[0] - 1 || literal.endIndex !== span[1] + 1) return undefined;
  const value = parentOf(literal);
  const expression = value?.type === 'literal_value' ? parentOf(value) : null;
  const holder = expression?.type === 'expression' ? parentOf(expression) : null;
  let argument: string | undefined;
  if (holder?.type === 'attribute') {
    argument = holder.namedChild(0)?.text;
  } else if (holder?.type === 'object_elem' && holder.namedChild(1)?.id === expression!.id) {
    // `variables = { API_TOKEN = "…" }`: the key, bare or quoted.
    argument = holder.namedChild(0)?.text.replace(/^"|"$/g, '');
  }
  if (!argument) return undefined;
  const blocks = hclBlocks(tree);
  const outermost = blocks.find((block) => block.node.startIndex <= literal!.startIndex && literal!.endIndex <= block.node.endIndex);
  if (!outermost || !BLOCKS_READING_VARIABLES.has(outermost.type) || parentOf(parentOf(outermost.node))?.type !== 'config_file') return undefined;
  const variable = variableName(outermost, argument);
  if (!variable) return undefined;
  const declared = blocks.some((block) => block.type === 'variable' && block.labels[0] === variable);
  const address = outermost.type === 'resource' ? outermost.labels.join('.') : outermost.type === 'locals' ? 'locals' : `${outermost.type}.${outermost.labels.join('.')}`;
  return { literal, variable, declared, usedBy: `${argument} of ${address}` };
}

/**
 * `resource "aws_db_instance" "main"` + `password` → `main_password`; `provider "github"` + `token`
 * → `github_token`; `locals` + `api_key` → `api_key`. Lower-case snake case, as Terraform style has it.
 */
function variableName(block: HclBlock, argument: string): string | undefined {
  const snake = (words: string) =>
    words
      .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((word) => word !== '')
      .join('_');
  const key = snake(argument);
  const owner = block.type === 'locals' ? '' : snake(block.labels.at(-1) ?? '');
  const name = owner === '' || owner === key || owner.endsWith(`_${key}`) ? owner || key : `${owner}_${key}`;
  return /^[a-z][a-z0-9_]*$/.test(name) ? name : undefined;
}

/** Whether the secret is a whole quoted value that a variable reference can replace (the HCL grammar must be loaded). */
export function hasTerraformVariableSite(document: ParsedDocument, span: readonly [number, number]): boolean {
  return variableSite(document, span) !== undefined;
}

/** The fix: the literal becomes `var.<name>`, declared at the end of the file as sensitive, without a default. */
export function terraformVariableFixes(document: ParsedDocument, span: readonly [number, number]): Fix[] {
  const site = variableSite(document, span);
  if (!site) return [];
  const text = document.text;
  const edits: TextEdit[] = [{ span: [site.literal.startIndex, site.literal.endIndex], newText: `var.${site.variable}` }];
  if (!site.declared) {
    const eol = lineEnding(text);
    const declaration = [
      `variable "${site.variable}" {`,
      `  description = "${site.usedBy}; set at plan time (TF_VAR_${site.variable} or the pipeline's secret store), never in a committed file"`,
      '  type        = string',
      '  sensitive   = true',
      '}',
    ].join(eol);
    const separator = text.length === 0 ? '' : text.endsWith(`${eol}${eol}`) ? '' : text.endsWith(eol) ? eol : eol + eol;
    edits.push({ span: [text.length, text.length], newText: `${separator}${declaration}${eol}` });
  }
  return [{ title: `Read it from the sensitive variable var.${site.variable} (no default: plan stops when unset)`, edits }];
}
