// The language server is killed (as a crash would end it): the client starts a new one, the open
// workflow is scanned again, and typing into a new file is flagged by the new server.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { syntheticRsaPrivateKeyLines } from '../lib/fixtures.mjs';
import { pollUntil } from '../lib/wait.mjs';

export const name = 'a crashed language server is restarted and re-lints the open documents';
export const workspace = 'main';

/** Our server processes: node running the installed extension's dist/server.js over IPC. */
function serverPids() {
  const pids = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let commandLine;
    try {
      commandLine = readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0');
    } catch {
      continue; // gone, or not ours to read
    }
    const script = commandLine.find((part) => part.endsWith('/dist/server.js'));
    if (script && script.includes('nhi-hygiene') && commandLine.some((part) => part.startsWith('--node-ipc'))) pids.push(Number(entry));
  }
  return pids;
}

export async function run({ workbench, log, screenshot }) {
  await workbench.waitForExplorer();
  await workbench.openFile('.github/workflows/deploy.yml');
  const isWorkflowFinding = (entry) => entry.file === 'deploy.yml' && entry.source === 'nhi-hygiene' && entry.code === 'gha-static-aws-keys';
  await workbench.waitForProblem(isWorkflowFinding, 'gha-static-aws-keys in deploy.yml');

  const before = await pollUntil(() => (serverPids().length === 1 ? serverPids() : undefined), { timeout: 15_000, message: 'exactly one NHI Hygiene server process', describe: () => JSON.stringify(serverPids()) });
  process.kill(before[0], 'SIGKILL');
  log(`killed server ${before[0]}`);

  const after = await pollUntil(() => serverPids().find((pid) => !before.includes(pid)), { timeout: 30_000, message: 'a new server process', describe: () => JSON.stringify(serverPids()) });
  log(`restarted as ${after}`);
  assert.ok(!serverPids().includes(before[0]), 'the killed server is still running');

  // The open workflow is scanned by the new server, and new input is flagged by it.
  await workbench.waitForProblem(isWorkflowFinding, 'gha-static-aws-keys in deploy.yml after the restart');
  await workbench.newUntitledFile();
  await workbench.type(`${syntheticRsaPrivateKeyLines().join('\n')}\n`);
  await workbench.waitForSquiggle();
  const label = await workbench.activeTabLabel();
  await workbench.waitForProblem((entry) => entry.source === 'nhi-hygiene' && entry.code === 'sec-private-key' && entry.file === label, 'sec-private-key typed after the restart');
  await screenshot('after-restart');
}
