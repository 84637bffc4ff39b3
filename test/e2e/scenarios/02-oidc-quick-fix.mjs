// Hovering the workflow finding explains it (OIDC), and the quick fix rewrites the step to GitHub
// OIDC, after which the finding is gone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pollUntil } from '../lib/wait.mjs';

export const name = 'hover explains OIDC and the quick fix rewrites the workflow to GitHub OIDC';
export const workspace = 'main';

const RULE = 'gha-static-aws-keys';
const FIX_TITLE = 'Use GitHub OIDC: role-to-assume + id-token: write';

export async function run({ workbench, workspaceDir, log }) {
  await workbench.waitForExplorer();
  await workbench.openFile('.github/workflows/deploy.yml');
  const problem = await workbench.waitForProblem((entry) => entry.file === 'deploy.yml' && entry.code === RULE, `${RULE} in deploy.yml`);
  const line = Number(/Ln (\d+)/.exec(problem.position)?.[1]);
  const squiggle = await workbench.waitForSquiggle({ line });

  const hover = await workbench.hoverText(squiggle, 'OIDC');
  // The hover also repeats the diagnostic's message; the explanation must be more than that.
  const explanation = hover.replace(problem.message, '');
  assert.match(explanation, /OIDC/, `the hover's explanation does not mention OIDC:\n${hover}`);
  assert.match(explanation, /Why|gha-static-aws-keys/, `the hover neither explains why nor names the rule:\n${hover}`);
  log(`hover: ${hover.split('\n').filter(Boolean).slice(0, 3).join(' / ')}`);

  const titles = await workbench.openQuickFixMenu(squiggle);
  assert.ok(titles.includes(FIX_TITLE), `the Quick Fix menu offers ${JSON.stringify(titles)}, not "${FIX_TITLE}"`);
  await workbench.chooseQuickFix(FIX_TITLE);
  await workbench.waitForEditorText(
    (text) => text.includes('role-to-assume') && text.includes('id-token: write'),
    'the workflow to contain role-to-assume and id-token: write',
  );
  await workbench.waitForNoProblem((entry) => entry.code === RULE, `${RULE} after the quick fix`);

  // Saved, the rewrite is on disk and the finding stays gone.
  await workbench.save();
  // code-server clears the dirty mark a moment before the write reaches the disk.
  const saved = await pollUntil(() => {
    const text = readFileSync(join(workspaceDir, '.github/workflows/deploy.yml'), 'utf8');
    return text.includes('role-to-assume') ? text : undefined;
  }, { timeout: 10_000, message: 'the fixed workflow on disk' });
  assert.match(saved, /role-to-assume/);
  assert.match(saved, /id-token: write/);
  await workbench.waitForNoProblem((entry) => entry.code === RULE, `${RULE} after saving the fix`);
}
