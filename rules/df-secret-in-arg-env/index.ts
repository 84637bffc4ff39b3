import { defineRule } from '../../server/src/engine/define-rule';
import { isPlaceholderSecret } from '../../server/src/engine/secret-values';
import type { TextEdit } from '../../server/src/engine/types';
import { isSettingValue, namesCredentialOrKeyId } from '../lib/credential-names';
import { declaredVariables, expandedNames, readDockerfile, type DockerInstruction } from '../lib/dockerfile';
import docs from './docs.md';

export default defineRule({
  id: 'df-secret-in-arg-env',
  category: 'secret',
  defaultSeverity: 'error',
  fileKinds: ['dockerfile'],
  keywords: ['arg', 'env'],
  pattern: /^[ \t]*(?:ARG|ENV)[ \t]/im,
  docs,
  check({ document, report }) {
    const text = document.text;
    const instructions = readDockerfile(text);
    for (const [index, instruction] of instructions.entries()) {
      if (instruction.keyword !== 'ARG' && instruction.keyword !== 'ENV') continue;
      for (const variable of declaredVariables(instruction)) {
        if (!namesCredentialOrKeyId(variable.name)) continue;
        const value = variable.value;
        if (instruction.keyword === 'ENV' && (value === undefined || value.trim() === '')) continue;
        if (value !== undefined && value.trim() !== '' && isSettingValue(value)) continue;
        const literal = value !== undefined && value.trim() !== '' && !value.includes('$');
        const shown = literal && !isPlaceholderSecret(value);
        // `ENV API_KEY=changeme` puts no secret in the image (a build argument still would be passed one).
        if (instruction.keyword === 'ENV' && literal && !shown) continue;
        // A reported secret is the span itself (so masking and fingerprints are about the value); otherwise the name.
        const start = instruction.offsetOf(shown ? variable.valueStart! : variable.nameStart);
        const end = shown ? instruction.offsetOf(variable.valueEnd! - 1) + 1 : start + variable.name.length;
        const what = instruction.keyword === 'ARG'
          ? `Build argument ${variable.name}${literal ? ` has a default${shown ? ' ({{secret}})' : ''} and` : ''} carries a credential: build arguments are recorded in the image's history and build metadata`
          : `ENV ${variable.name} ${literal ? `bakes a credential${shown ? ' ({{secret}})' : ''} into the image` : 'copies a credential into the image environment'}: every container and everyone who pulls the image can read it`;
        report({
          span: [start, end],
          ...(shown ? { secret: value } : {}),
          message: `${what}; pass it as a build secret (RUN --mount=type=secret) and keep it out of the final image.`,
          construct: `${instruction.stage}:${instruction.keyword} ${variable.name}`,
          data: { index },
          fixable: instruction.keyword === 'ARG' && secretMountEdits(text, instructions, index) !== undefined,
        });
      }
    }
  },
  fix({ document, finding }) {
    const instructions = readDockerfile(document.text);
    const index = finding.data?.index as number;
    const edits = secretMountEdits(document.text, instructions, index);
    if (!edits) return [];
    const name = declaredVariables(instructions[index]!)[0]!.name;
    return [{ title: `Use a build secret instead (RUN --mount=type=secret,id=${secretId(name)},env=${name})`, edits }];
  },
});

const secretId = (name: string) => name.toLowerCase();

/**
 * `ARG NAME` (no default) used only by `RUN` instructions later in its stage: remove the ARG and
 * mount the secret into each of those RUNs as the same environment variable. Anything else that
 * reads the argument (ENV, LABEL, COPY, another stage) makes the rewrite unsafe.
 */
function secretMountEdits(text: string, instructions: readonly DockerInstruction[], index: number): TextEdit[] | undefined {
  const arg = instructions[index];
  if (!arg || arg.keyword !== 'ARG' || arg.stage < 0) return undefined;
  const declared = declaredVariables(arg);
  if (declared.length !== 1 || declared[0]!.value !== undefined) return undefined;
  const name = declared[0]!.name;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) return undefined;
  // The ARG must be alone on its line, so removing the line removes nothing else.
  const lineStart = text.lastIndexOf('\n', arg.start - 1) + 1;
  if (text.slice(lineStart, arg.start).trim() !== '' || text.slice(arg.start, arg.end).includes('\n')) return undefined;
  const runs: DockerInstruction[] = [];
  for (const other of instructions.slice(index + 1)) {
    if (other.stage !== arg.stage) break;
    if (other.keyword === 'ARG' && declaredVariables(other).some((variable) => variable.name === name)) return undefined;
    // The instruction's whole text: continuation lines and heredoc bodies included.
    if (!expandedNames(text.slice(other.start, other.end)).has(name)) continue;
    if (other.keyword !== 'RUN') return undefined;
    runs.push(other);
  }
  if (runs.length === 0) return undefined;
  const lineEnd = arg.lineEnd < text.length ? arg.lineEnd + 1 : arg.lineEnd;
  const mount = `--mount=type=secret,id=${secretId(name)},env=${name} `;
  return [{ span: [lineStart, lineEnd], newText: '' }, ...runs.map((run): TextEdit => ({ span: [run.offsetOf(0), run.offsetOf(0)], newText: mount }))];
}
