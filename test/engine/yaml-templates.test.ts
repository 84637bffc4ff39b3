import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeSpan, parseYaml, scalarString, valueOf } from '../../server/src/engine/parse/yaml';

describe('YAML with templates', () => {
  it('blanks Go template actions (Helm) so the manifest parses, offsets unchanged', () => {
    const text = 'metadata:\n  name: {{ .Release.Name }}-token\n{{- if .Values.tls }}\nkind: Secret\n{{- end }}\n';
    const [document] = parseYaml(text);
    const name = valueOf(valueOf(document!.contents, 'metadata'), 'name');
    assert.match(scalarString(name) ?? '', /^_+-token$/);
    assert.equal(scalarString(valueOf(document!.contents, 'kind')), 'Secret');
    const [start, end] = nodeSpan(name)!;
    assert.equal(text.slice(start, end), '{{ .Release.Name }}-token');
  });

  it('keeps CI expressions (`${{ … }}`) as written, so a secret reference reads as one', () => {
    const text = 'with:\n  password: ${{ secrets.REGISTRY_PASSWORD }}\n  registry: ${{ env.REGISTRY }}/app\n';
    const [document] = parseYaml(text);
    const inputs = valueOf(document!.contents, 'with');
    assert.equal(scalarString(valueOf(inputs, 'password')), '${{ secrets.REGISTRY_PASSWORD }}');
    assert.equal(scalarString(valueOf(inputs, 'registry')), '${{ env.REGISTRY }}/app');
  });

  it('reports parse errors with their positions, and leaves stack capture as it found it', () => {
    const before = Error.stackTraceLimit;
    const [document] = parseYaml('jobs:\n  build:\n    steps: [a, b\n  x deploy: {\n');
    assert.equal(Error.stackTraceLimit, before);
    assert.ok(document!.errors.length > 0);
    for (const error of document!.errors) {
      assert.ok(error.message.length > 0);
      assert.ok(error.pos[0] >= 0 && error.pos[1] >= error.pos[0]);
    }
    assert.throws(() => {
      throw new Error('after a parse');
    }, (error: Error) => (error.stack ?? '').includes('yaml-templates.test'));
  });
});
