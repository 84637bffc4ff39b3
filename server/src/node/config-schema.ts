import type { Rule, RuleOptionSpec } from '../engine/types';

const SEVERITY = { enum: ['off', 'info', 'warning', 'error'] };

/**
 * The JSON Schema of `.nhi-hygiene.yaml` / `.json`, generated from the rule registry so rule ids
 * and options complete and validate in VS Code. `npm run schema` writes `schemas/`; a test
 * keeps the committed file in step with the rules.
 */
export function configSchema(rules: readonly Rule[]): Record<string, unknown> {
  const ruleProperties: Record<string, unknown> = {};
  for (const rule of [...rules].sort((a, b) => a.id.localeCompare(b.id))) {
    const options: Record<string, unknown> = {};
    for (const [name, spec] of Object.entries(rule.options ?? {})) options[name] = optionSchema(spec);
    const setting = {
      oneOf: [
        SEVERITY,
        {
          type: 'object',
          additionalProperties: false,
          properties: {
            severity: SEVERITY,
            options: { type: 'object', additionalProperties: false, properties: options },
          },
        },
      ],
    };
    ruleProperties[rule.id] = { description: `${rule.docs.summary} (default: ${rule.recommended === false ? 'off' : rule.defaultSeverity})`, ...setting };
    // Another tool's id, or a name the rule had before, sets the same rule.
    for (const alias of rule.aliases ?? []) {
      const formerName = !alias.startsWith('@');
      const same = { allOf: [{ $ref: `#/properties/rules/properties/${rule.id}` }] };
      ruleProperties[alias] = { description: `Same as ${rule.id}.`, ...(formerName ? { deprecationMessage: `Renamed to ${rule.id}.` } : {}), ...same };
    }
  }
  const rulesSchema = { type: 'object', additionalProperties: false, properties: ruleProperties, description: 'Rule id to severity (off, info, warning, error) or { severity, options }.' };
  const globs = { type: 'array', items: { type: 'string' } };
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: 'https://github.com/nhi-hygiene/nhi-hygiene/blob/main/schemas/nhi-hygiene.schema.json',
    title: 'NHI Hygiene configuration',
    type: 'object',
    additionalProperties: false,
    properties: {
      $schema: { type: 'string' },
      extends: {
        description: 'Presets (recommended, strict), relative config files, or npm packages (JavaScript ones load only in trusted workspaces), merged in order; later entries and this file win.',
        oneOf: [{ type: 'string' }, { type: 'array', items: { type: 'string', examples: ['recommended', 'strict', './base.nhi-hygiene.yaml'] } }],
      },
      rules: rulesSchema,
      exclude: { ...globs, description: 'Globs (relative to this file) never scanned. .gitignore is respected too.' },
      include: { ...globs, description: 'When set, only files matching one of these globs are scanned.' },
      overrides: {
        type: 'array',
        description: 'Per-glob rule settings, applied in order after `rules`.',
        items: { type: 'object', additionalProperties: false, required: ['files'], properties: { files: globs, rules: rulesSchema } },
      },
      limits: {
        type: 'object',
        additionalProperties: false,
        properties: {
          maxFileBytes: { type: 'integer', minimum: 1, description: 'Files larger than this are skipped and reported (default 2 MiB).' },
          maxLineLength: { type: 'integer', minimum: 1, description: 'Files with a longer line (minified) get only text rules (default 20000).' },
        },
      },
    },
  };
}

function optionSchema(spec: RuleOptionSpec): Record<string, unknown> {
  const type = spec.type === 'string[]' ? { type: 'array', items: { type: 'string' } } : spec.type === 'number' ? { type: 'number', minimum: 0 } : { type: spec.type };
  return { ...type, description: spec.description, default: spec.default };
}
