import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nugetPushes } from '../../rules/gha-nuget-key-publish';

describe('gha-nuget-key-publish: reading push commands', () => {
  it('reads the key of dotnet and nuget.exe pushes, in bash, PowerShell and cmd spellings', () => {
    assert.deepEqual(nugetPushes('dotnet nuget push a.nupkg --api-key ${{ secrets.NUGET_API_KEY }}'), [{ command: 'dotnet nuget push', expression: '${{ secrets.NUGET_API_KEY }}' }]);
    assert.deepEqual(nugetPushes('dotnet nuget push a.nupkg -k "$NUGET_KEY" -s nuget.org'), [{ command: 'dotnet nuget push', variable: 'NUGET_KEY' }]);
    assert.deepEqual(nugetPushes('nuget.exe push a.nupkg -ApiKey $env:KEY'), [{ command: 'nuget push', variable: 'KEY' }]);
    assert.deepEqual(nugetPushes('nuget push a.nupkg -apikey %KEY%'), [{ command: 'nuget push', variable: 'KEY' }]);
    assert.deepEqual(nugetPushes('dotnet nuget push a.nupkg --api-key=${{ env.KEY }}'), [{ command: 'dotnet nuget push', variable: 'KEY' }]);
  });

  it('joins continued lines, so flags on the next lines belong to the push', () => {
    const bash = 'dotnet nuget push a.nupkg \\\n  --source https://api.nuget.org/v3/index.json \\\n  --api-key ${{ secrets.K }}\n';
    assert.equal(nugetPushes(bash).length, 1);
    const pwsh = 'nuget push a.nupkg `\n  -Source https://www.nuget.org/api/v2/package `\n  -ApiKey $env:K\n';
    assert.equal(nugetPushes(pwsh).length, 1);
    // Without the continuation the key is another command's.
    assert.deepEqual(nugetPushes('dotnet nuget push a.nupkg\necho --api-key ${{ secrets.K }}\n'), []);
  });

  it('leaves pushes to other feeds, commented-out pushes and pushes without a key alone', () => {
    assert.deepEqual(nugetPushes('dotnet nuget push a.nupkg -k ${{ secrets.K }} -s https://nuget.pkg.github.com/acme/index.json'), []);
    assert.deepEqual(nugetPushes('dotnet nuget push a.nupkg --source github --api-key ${{ secrets.K }}'), []);
    assert.deepEqual(nugetPushes('# dotnet nuget push a.nupkg --api-key ${{ secrets.K }}'), []);
    assert.deepEqual(nugetPushes('dotnet nuget push a.nupkg --source nuget.org'), []);
    assert.deepEqual(nugetPushes('dotnet nuget locals all --clear'), []);
  });
});
