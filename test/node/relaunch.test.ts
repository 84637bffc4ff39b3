/**
 * Which CLI runs start again under the language server's heap limits: scans of a tree (bounded
 * garbage keeps a 100 MB scan under 200 MB), never pre-commit runs, never twice.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { RELAUNCHED, relaunchedEnv, scanWantsHeapLimit } from '../../server/src/node/relaunch';

const root = mkdtempSync(join(tmpdir(), 'nhi-relaunch-'));
const directory = join(root, 'src');
const file = join(root, 'src', 'app.ts');
mkdirSync(directory);
writeFileSync(file, 'export {};\n');

describe('scanWantsHeapLimit', () => {
  it('relaunches a scan of a directory, or of the default directory', () => {
    assert.equal(scanWantsHeapLimit(['scan', directory], {}, []), true);
    assert.equal(scanWantsHeapLimit(['scan', '--format', 'sarif'], {}, []), true);
    assert.equal(scanWantsHeapLimit(['baseline', file, directory], {}, []), true);
  });

  it('keeps file lists and staged scans in the process: they are mostly start-up', () => {
    assert.equal(scanWantsHeapLimit(['scan', file], {}, []), false);
    assert.equal(scanWantsHeapLimit(['scan', '--staged'], {}, []), false);
  });

  it('never relaunches twice, nor when the heap is already limited, nor for other commands', () => {
    assert.equal(scanWantsHeapLimit(['scan', directory], { [RELAUNCHED]: '1' }, []), false);
    assert.equal(scanWantsHeapLimit(['scan', directory], {}, ['--max-old-space-size=1024']), false);
    assert.equal(scanWantsHeapLimit(['scan', directory], { NODE_OPTIONS: '--max-old-space-size=2048' }, []), false);
    assert.equal(scanWantsHeapLimit(['lsp', '--stdio'], {}, []), false);
    assert.equal(scanWantsHeapLimit(['rules'], {}, []), false);
  });
});

describe('relaunchedEnv', () => {
  it('marks the child and holds malloc to two arenas, keeping the rest of the environment', () => {
    const env = relaunchedEnv({ PATH: '/usr/bin', NODE_OPTIONS: '--trace-warnings' });
    assert.equal(env[RELAUNCHED], '1');
    assert.equal(env.MALLOC_ARENA_MAX, '2');
    assert.equal(env.PATH, '/usr/bin');
    assert.equal(env.NODE_OPTIONS, '--trace-warnings');
  });

  it("keeps the user's own arena setting", () => {
    assert.equal(relaunchedEnv({ MALLOC_ARENA_MAX: '8' }).MALLOC_ARENA_MAX, '8');
  });
});
