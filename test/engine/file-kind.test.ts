import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lineCommentPrefix } from '../../server/src/engine/comment-syntax';
import { detectFileKinds } from '../../server/src/engine/file-kind';
import type { FileKind } from '../../server/src/engine/types';

const WORKFLOW = 'on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: make\n';
const MANIFEST = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n';

function kinds(path: string, text = ''): FileKind[] {
  return [...detectFileKinds(path, text)].sort();
}

/** `[path, text, exactly these kinds (text is always added)]` */
const CASES: Array<[string, string, FileKind[]]> = [
  ['.github/workflows/deploy.yml', '', ['github-actions', 'yaml']],
  ['repo/.github/workflows/ci.yaml', '', ['github-actions', 'yaml']],
  ['C:\\work\\repo\\.github\\workflows\\ci.yml', '', ['github-actions', 'yaml']],
  ['file:///home/me/repo/.github/workflows/release.yml', '', ['github-actions', 'yaml']],
  ['.GITHUB/WORKFLOWS/CI.YML', '', ['github-actions', 'yaml']],
  ['action.yml', '', ['github-actions', 'yaml']],
  ['actions/setup/action.yaml', '', ['github-actions', 'yaml']],
  ['templates/ci-template.yml', WORKFLOW, ['github-actions', 'yaml']],
  ['.gitlab-ci.yml', '', ['gitlab-ci', 'yaml']],
  ['.gitlab/ci/deploy.yml', '', ['gitlab-ci', 'yaml']],
  ['.circleci/config.yml', '', ['circleci', 'yaml']],
  ['docker-compose.yml', '', ['docker-compose', 'yaml']],
  ['compose.override.yaml', '', ['docker-compose', 'yaml']],
  ['deploy/k8s/app.yaml', MANIFEST, ['kubernetes', 'yaml']],
  ['charts/app/templates/secret.yaml', '{{- if .Values.x }}\napiVersion: v1\nkind: Secret\n{{- end }}\n', ['kubernetes', 'yaml']],
  ['charts/app/values.yaml', 'replicaCount: 1\n', ['kubernetes', 'yaml']],
  ['helm/values-prod.yml', 'image: x\n', ['kubernetes', 'yaml']],
  ['infra/template.yaml', 'AWSTemplateFormatVersion: "2010-09-09"\nResources: {}\n', ['cloudformation', 'yaml']],
  ['infra/stack.json', '{"Resources": {"Bucket": {"Type": "AWS::S3::Bucket"}}}', ['cloudformation', 'json']],
  ['main.tf', '', ['terraform']],
  ['envs/prod/terraform.tfvars', '', ['terraform']],
  ['config.hcl', '', ['terraform']],
  ['main.tf.json', '{}', ['json']],
  ['package.json', '{"name": "x"}', ['json']],
  ['src/index.js', '', ['javascript']],
  ['src/index.mjs', '', ['javascript']],
  ['src/index.cjs', '', ['javascript']],
  ['src/App.jsx', '', ['javascript']],
  ['src/index.ts', '', ['typescript']],
  ['src/index.mts', '', ['typescript']],
  ['src/index.cts', '', ['typescript']],
  ['src/App.tsx', '', ['typescript']],
  ['app.py', '', ['python']],
  ['main.go', '', ['go']],
  ['src/main/java/App.java', '', ['java']],
  ['scripts/deploy.sh', '', ['shell']],
  ['scripts/setup.bash', '', ['shell']],
  ['scripts/deploy', '#!/usr/bin/env bash\nset -e\n', ['shell']],
  ['scripts/run', '#!/bin/sh\n', ['shell']],
  ['scripts/tool', '#!/usr/bin/env python3\n', []],
  ['Makefile', '', ['shell']],
  ['Dockerfile', '', ['dockerfile']],
  ['docker/Dockerfile.prod', '', ['dockerfile']],
  ['api.Dockerfile', '', ['dockerfile']],
  ['Containerfile', '', ['dockerfile']],
  ['.env', '', ['dotenv']],
  ['.env.production', '', ['dotenv']],
  ['config/notifications.env', '', ['dotenv']],
  ['setup.cfg', '', ['ini']],
  ['pyproject.toml', '', ['ini']],
  ['application.properties', '', ['properties']],
  ['typings/api.pyi', '', ['python']],
  ['src/auth.c', '', ['source']],
  ['Sources/App/Client.swift', '', ['source']],
  ['Services/Login.cs', '', ['source']],
  ['config/initializers/mailer.rb', '', ['source']],
  ['lib/Deploy/Credentials.pm', '', ['source']],
  ['scripts/deploy.ps1', '', ['source']],
  ['force-app/main/default/classes/Auth.cls', '', ['source']],
  ['infra/main.bicep', '', ['source']],
  ['README.md', '# hi', []],
  ['LICENSE', 'MIT', []],
];

describe('detectFileKinds', () => {
  for (const [path, text, expected] of CASES) {
    it(`${path} → ${expected.join(', ') || 'text only'}`, () => {
      assert.deepEqual(kinds(path, text), [...expected, 'text'].sort());
    });
  }

  it('does not take a nested workflow folder or a nested apiVersion for a workflow or a manifest', () => {
    assert.ok(!kinds('.github/workflows/old/ci.yml', 'name: x\n').includes('github-actions'), 'GitHub only reads the top of .github/workflows');
    assert.ok(!kinds('config/app.yaml', 'spec:\n  apiVersion: v1\n  kind: Secret\n').includes('kubernetes'));
    assert.ok(!kinds('config/app.yaml', 'kind: Secret\n').includes('kubernetes'), 'kind alone is not enough');
    assert.ok(!kinds('config/app.yaml', 'on: push\njobs: {}\n').includes('github-actions'), 'a workflow has runs-on');
    assert.ok(!kinds('notes/values.yaml', 'a: 1\n').includes('kubernetes'), 'values files count only under charts/ or helm/');
  });

  it('only looks at the first 4 KiB for content signals', () => {
    const late = `${'# padding\n'.repeat(500)}${MANIFEST}`;
    assert.ok(!kinds('deploy/late.yaml', late).includes('kubernetes'));
  });

  it('sees through a UTF-8 byte order mark', () => {
    // Files saved by Windows editors often start with U+FEFF; the CLI reads them as is.
    assert.ok(kinds('deploy/app.yaml', `\uFEFF${MANIFEST}`).includes('kubernetes'), 'manifest with BOM');
    assert.ok(kinds('ci/template.yml', `\uFEFF${WORKFLOW}`).includes('github-actions'), 'workflow template with BOM');
  });
});

describe('line comments for suppression directives', () => {
  it('writes # in Ruby, Perl and PowerShell, // in the C family, nothing in JSON', () => {
    const prefix = (path: string) => lineCommentPrefix(detectFileKinds(path, ''), path);
    assert.equal(prefix('config/initializers/mailer.rb'), '#');
    assert.equal(prefix('lib/Deploy/Credentials.pm'), '#');
    assert.equal(prefix('scripts/deploy.ps1'), '#');
    assert.equal(prefix('Services/Login.cs'), '//');
    assert.equal(prefix('src/app.ts'), '//');
    assert.equal(prefix('config/app.json'), undefined);
  });
});
