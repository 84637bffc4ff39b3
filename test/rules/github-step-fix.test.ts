import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { secretNames } from '../../rules/lib/github-step-fix';
import { isDryRun, shellCommands } from '../../rules/lib/gitlab-ci';

describe('secretNames', () => {
  it('reads the property and the index forms of the secrets context', () => {
    assert.deepEqual(secretNames("${{ secrets.NPM_TOKEN }} ${{ secrets['CRATES_TOKEN'] }} ${{ secrets[\"PYPI_TOKEN\"] }}"), ['NPM_TOKEN', 'CRATES_TOKEN', 'PYPI_TOKEN']);
  });

  it('leaves other contexts, dynamic indexes and unbalanced quotes', () => {
    assert.deepEqual(secretNames('${{ inputs.secrets.X }} ${{ mysecrets.Y }} ${{ secrets[matrix.name] }} ${{ secrets[\'A"] }} secretsZ'), []);
  });
});

describe('shellCommands and isDryRun', () => {
  it("joins PowerShell's backtick continuations like backslash ones", () => {
    assert.deepEqual(shellCommands('cargo `\n  publish `\n  --locked\necho done'), [['cargo', 'publish', '--locked'], ['echo', 'done']]);
  });

  it('tells a rehearsal from a publish', () => {
    assert.ok(isDryRun(['npm', 'publish', '--dry-run']));
    assert.ok(isDryRun(['cargo', 'publish', '-n'], '-n'));
    assert.ok(!isDryRun(['cargo', 'publish', '-n']));
    assert.ok(!isDryRun(['npm', 'publish', '--access', 'public']));
  });
});
