// Hovering the workflow finding explains it (the rule page's "Why it matters"), and the
// lightbulb's quick fix rewrites the step to GitHub OIDC, after which the finding is gone.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../lib/paths.mjs';
import { pollUntil } from '../lib/wait.mjs';

export const name = 'hover explains the finding and the lightbulb quick fix rewrites the workflow to GitHub OIDC';
export const workspace = 'main';

const RULE = 'gha-static-aws-keys';
const FIX_TITLE = 'Use GitHub OIDC: role-to-assume + id-token: write';
const WORKFLOW = '.github/workflows/deploy.yml';

/** The first sentence of the rule page's "Why it matters" section, which the hover must show. */
function whyItMatters() {
  const docs = readFileSync(join(REPO_ROOT, 'rules', RULE, 'docs.md'), 'utf8');
  const section = /## Why it matters\n+([^\n]+)/.exec(docs);
  assert.ok(section, `rules/${RULE}/docs.md has no "Why it matters" section`);
  return section[1].split(/(?<=\.)\s/)[0].replace(/[`*_]/g, '');
}

export async function run({ workbench, workspaceDir, log, screenshot }) {
  await workbench.waitForExplorer();
  await workbench.openFile(WORKFLOW);
  const problem = await workbench.waitForProblem((entry) => entry.file === 'deploy.yml' && entry.code === RULE, `${RULE} in deploy.yml`);
  const line = Number(/Ln (\d+)/.exec(problem.position)?.[1]);
  const squiggle = await workbench.waitForSquiggle({ line });

  const why = whyItMatters();
  const hover = await workbench.hoverText(squiggle, why);
  assert.match(hover, /Why it matters/, `the hover has no "Why it matters":\n${hover}`);
  assert.match(hover, /How to fix/, `the hover has no "How to fix":\n${hover}`);
  assert.ok(hover.includes(RULE), `the hover does not name ${RULE}:\n${hover}`);
  log(`hover: … ${why}`);
  await workbench.settle(400); // lets the hover finish fading in, for the screenshot only
  await screenshot('hover');

  const titles = await workbench.openQuickFixMenuFromLightbulb(squiggle);
  assert.ok(titles.includes(FIX_TITLE), `the Quick Fix menu offers ${JSON.stringify(titles)}, not "${FIX_TITLE}"`);
  log(`quick fixes: ${titles.join(' | ')}`);
  await screenshot('quick-fix-menu');
  await workbench.chooseQuickFix(FIX_TITLE);
  const fixed = await workbench.waitForEditorText(
    (text) => text.includes('role-to-assume') && text.includes('id-token: write'),
    'the workflow to contain role-to-assume and id-token: write',
  );
  assert.doesNotMatch(fixed, /aws-access-key-id|aws-secret-access-key/, 'the static key inputs are still in the step');
  await workbench.waitForNoProblem((entry) => entry.code === RULE, `${RULE} after the quick fix`);
  assert.equal(await workbench.squiggleCount(), 0, 'the fixed workflow still shows a squiggle');

  // Saved, the rewrite is on disk and the finding stays gone.
  await workbench.save();
  // code-server clears the dirty mark a moment before the write reaches the disk.
  const saved = await pollUntil(() => {
    const text = readFileSync(join(workspaceDir, WORKFLOW), 'utf8');
    return text.includes('role-to-assume') ? text : undefined;
  }, { timeout: 10_000, message: 'the fixed workflow on disk' });
  assert.match(saved, /id-token: write/);
  assert.doesNotMatch(saved, /aws-access-key-id|aws-secret-access-key/);
  await workbench.waitForNoProblem((entry) => entry.code === RULE, `${RULE} after saving the fix`);
}
