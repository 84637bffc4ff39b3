#!/usr/bin/env node
// End-to-end runner: each scenario gets a fresh copy of its fixture workspace, a fresh user-data
// directory and its own code-server (VS Code's workbench and extension host), driven in Debian's
// Chromium through playwright-core. The extension under test is installed once per run, from a
// .vsix, into a fresh extensions directory.
//
//   node test/e2e/run.mjs [--vsix <file>] [--keep] [filter ...]
//
// Filters select scenarios whose file name or name contains one of them. --keep keeps the temp
// directories and copies the logs of passing scenarios too. Needs test/e2e/setup.sh to have run.
// Prints "N passed, N failed" as its last line and exits non-zero if any scenario failed.
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { installExtension, killAllCodeServersSync, startCodeServer } from './lib/code-server.mjs';
import { prepareWorkspace } from './lib/fixtures.mjs';
import {
  CACHE_DIR, CHROMIUM_BIN, CODE_SERVER_BIN, DEFAULT_VSIX, LOGS_DIR, REPO_ROOT, SCENARIOS_DIR, SCREENSHOTS_DIR, TOOLS_NODE_MODULES,
} from './lib/paths.mjs';
import { withTimeout } from './lib/wait.mjs';
import { Workbench } from './lib/workbench.mjs';

const EXTENSION_ID = 'nhi-hygiene.nhi-hygiene';
const SCENARIO_TIMEOUT_MS = Number(process.env.E2E_SCENARIO_TIMEOUT_MS ?? 120_000);
const WAIT_TIMEOUT_MS = Number(process.env.E2E_WAIT_TIMEOUT_MS ?? 30_000);
/**
 * E2E_TRACE=messages|verbose records the LSP traffic in the "NHI Hygiene" output channel's log
 * (kept with the other logs), for debugging a failure.
 */
const TRACE = process.env.E2E_TRACE;
const VIEWPORT = { width: 1600, height: 1000 };
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/**
 * User settings for every scenario. Besides quieting the workbench, they make typing reproduce
 * exactly the keys sent (no auto-indent, auto-closing or suggestion accepted by Enter), and keep
 * opened files in real tabs instead of a single preview tab that the next file replaces.
 */
const BASE_SETTINGS = {
  'security.workspace.trust.enabled': false,
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'workbench.enableExperiments': false,
  'workbench.editor.enablePreview': false,
  'workbench.editor.empty.hint': 'hidden',
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'git.enabled': false,
  'chat.commandCenter.enabled': false,
  'editor.minimap.enabled': false,
  'editor.autoIndent': 'none',
  'editor.autoClosingBrackets': 'never',
  'editor.autoClosingQuotes': 'never',
  'editor.autoSurround': 'never',
  'editor.formatOnType': false,
  'editor.quickSuggestions': { other: 'off', comments: 'off', strings: 'off' },
  'editor.suggestOnTriggerCharacters': false,
  'editor.wordBasedSuggestions': 'off',
  'editor.acceptSuggestionOnEnter': 'off',
  // VS Code in a browser auto-saves after a second by default; desktop VS Code does not, and the
  // scenarios check what happens before a save.
  'files.autoSave': 'off',
  'files.insertFinalNewline': false,
  'files.trimTrailingWhitespace': false,
};

function parseOptions() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { vsix: { type: 'string' }, keep: { type: 'boolean', default: false } },
  });
  return {
    vsix: resolve(values.vsix ?? process.env.E2E_VSIX ?? DEFAULT_VSIX),
    keep: values.keep || process.env.E2E_KEEP === '1',
    filters: positionals,
  };
}

async function loadScenarios(filters) {
  const files = readdirSync(SCENARIOS_DIR).filter((file) => file.endsWith('.mjs')).sort();
  const scenarios = [];
  for (const file of files) {
    const module = await import(pathToFileURL(join(SCENARIOS_DIR, file)).href);
    if (typeof module.name !== 'string' || typeof module.run !== 'function') {
      throw new Error(`scenario ${file} must export a string "name" and a function "run"`);
    }
    const scenario = {
      file,
      slug: file.replace(/\.mjs$/, ''),
      name: module.name,
      run: module.run,
      workspace: module.workspace ?? 'main',
      settings: module.settings ?? {},
      timeout: module.timeout ?? SCENARIO_TIMEOUT_MS,
    };
    if (!filters.length || filters.some((filter) => file.includes(filter) || scenario.name.includes(filter))) scenarios.push(scenario);
  }
  return scenarios;
}

function loadPlaywright() {
  // playwright-core lives in the e2e tool cache, not in the project's dependencies.
  const require = createRequire(join(TOOLS_NODE_MODULES, 'noop.js'));
  return require('playwright-core');
}

/** Runs one scenario against its own code-server; returns an error, or undefined if it passed. */
async function runScenario(scenario, { browser, runDir, extensionsDir, keep }) {
  const scenarioDir = join(runDir, scenario.slug);
  const workspaceDir = join(scenarioDir, scenario.workspace);
  const userDataDir = join(scenarioDir, 'user-data');
  const stateDir = join(scenarioDir, 'state');
  const codeServerLog = join(scenarioDir, 'code-server.log');
  const consoleLog = join(scenarioDir, 'browser-console.log');
  // Screenshots of an earlier run of this scenario would be mistaken for this run's.
  for (const file of readdirSync(SCREENSHOTS_DIR)) if (file.startsWith(`${scenario.slug}`)) rmSync(join(SCREENSHOTS_DIR, file), { force: true });
  rmSync(join(LOGS_DIR, scenario.slug), { recursive: true, force: true });
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(stateDir, { recursive: true });
  const secrets = prepareWorkspace(scenario.workspace, workspaceDir);
  const traceSettings = TRACE ? { 'nhiHygiene.trace.server': TRACE } : {};
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...BASE_SETTINGS, ...scenario.settings, ...traceSettings }, null, 2));

  let server;
  let context;
  let page;
  let failure;
  try {
    server = await startCodeServer({ workspaceDir, userDataDir, extensionsDir, stateDir, tmpDir: join(runDir, `t${scenario.slug.slice(0, 2)}`), logFile: codeServerLog, extraArgs: TRACE ? ['--log', 'trace'] : [] });
    context = await browser.newContext({ viewport: VIEWPORT });
    page = await context.newPage();
    page.on('console', (message) => appendFileSync(consoleLog, `[${message.type()}] ${message.text()}\n`));
    page.on('pageerror', (error) => appendFileSync(consoleLog, `[pageerror] ${error.stack ?? error.message}\n`));
    const workbench = new Workbench(page, { timeout: WAIT_TIMEOUT_MS });
    await page.goto(server.folderUrl(workspaceDir));
    await page.waitForSelector('.monaco-workbench', { timeout: WAIT_TIMEOUT_MS * 2 });
    const ctx = {
      page,
      workbench,
      workspaceDir,
      secrets,
      scenarioDir,
      log: (...parts) => console.log(`    ${parts.join(' ')}`),
      /** Saves an intermediate screenshot, `<scenario>-<label>.png`, beside the final one. */
      screenshot: (label) => page.screenshot({ path: join(SCREENSHOTS_DIR, `${scenario.slug}-${label}.png`) }),
    };
    await withTimeout(scenario.run(ctx), scenario.timeout, `scenario "${scenario.name}"`);
  } catch (error) {
    failure = error;
  } finally {
    if (page) {
      await page
        .screenshot({ path: join(SCREENSHOTS_DIR, `${scenario.slug}.png`) })
        .catch((error) => console.log(`    (no screenshot: ${error.message})`));
    }
    await context?.close().catch(() => {});
    await server?.stop();
    if (failure || keep) keepLogs(scenario, { userDataDir, codeServerLog, consoleLog }, failure);
  }
  return failure;
}

/**
 * Copies a scenario's logs to .cache/e2e/logs/<scenario>/: code-server's output, the browser
 * console, and the user-data-dir logs folder, which holds the extension host log
 * (<time>/exthost1/remoteexthost.log) and the language server's output channel
 * (<time>/exthost1/nhi-hygiene.nhi-hygiene/NHI Hygiene.log). On a failure the end of the latter is
 * printed too, for CI runs whose files nobody can fetch.
 */
function keepLogs(scenario, { userDataDir, codeServerLog, consoleLog }, failure) {
  const destination = join(LOGS_DIR, scenario.slug);
  rmSync(destination, { recursive: true, force: true });
  mkdirSync(destination, { recursive: true });
  if (existsSync(join(userDataDir, 'logs'))) cpSync(join(userDataDir, 'logs'), join(destination, 'user-data-logs'), { recursive: true });
  for (const file of [codeServerLog, consoleLog]) {
    if (existsSync(file)) cpSync(file, join(destination, file.split('/').pop()));
  }
  console.log(`    logs: ${relative(REPO_ROOT, destination)}/`);
  if (!failure) return;
  for (const file of findFiles(destination, (name) => name === 'NHI Hygiene.log')) {
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n').filter(Boolean);
    if (!lines.length) continue;
    console.log(`    ${relative(REPO_ROOT, file)} (last ${Math.min(lines.length, 20)} of ${lines.length} lines):`);
    for (const line of lines.slice(-20)) console.log(`      ${line.slice(0, 300)}`);
  }
}

function findFiles(dir, matches) {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile() && matches(entry.name))
    .map((entry) => join(entry.parentPath ?? entry.path, entry.name));
}

/** Scenario results so far (read by the signal handlers too). */
const counts = { passed: 0, failed: 0 };

async function main() {
  const options = parseOptions();
  if (!existsSync(CODE_SERVER_BIN) || !existsSync(join(TOOLS_NODE_MODULES, 'playwright-core'))) {
    throw new Error(`code-server and playwright-core are not installed in ${relative(REPO_ROOT, CACHE_DIR)}: run bash test/e2e/setup.sh`);
  }
  if (!existsSync(options.vsix)) throw new Error(`no extension package at ${options.vsix}: run npm run package (or pass --vsix)`);
  const scenarios = await loadScenarios(options.filters);
  if (!scenarios.length) throw new Error(`no scenario matches ${options.filters.join(', ')}`);

  mkdirSync(SCREENSHOTS_DIR, { recursive: true });
  mkdirSync(LOGS_DIR, { recursive: true });
  const runDir = mkdtempSync(join(tmpdir(), 'nhi-e2e-'));
  const cleanUp = () => {
    killAllCodeServersSync();
    if (!options.keep) rmSync(runDir, { recursive: true, force: true });
  };
  // Whatever ends the run, no code-server survives it; Playwright kills its Chromium on exit.
  process.on('exit', cleanUp);
  for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143], ['SIGHUP', 129]]) {
    process.on(signal, () => {
      console.log(`\n${signal}: stopping code-server and Chromium`);
      // The interrupted scenario counts as failed; the summary stays the last line.
      console.log(`${counts.passed} passed, ${counts.failed + 1} failed`);
      process.exit(code); // runs the 'exit' handlers
    });
  }

  const extensionsDir = join(runDir, 'extensions');
  const installed = installExtension({ vsix: options.vsix, extensionsDir, stateDir: runDir, tmpDir: join(runDir, 't'), extensionId: EXTENSION_ID });
  console.log(`e2e: ${installed} from ${relative(REPO_ROOT, options.vsix) || options.vsix}; ${scenarios.length} scenario(s); temp ${runDir}`);

  const { chromium } = loadPlaywright();
  const browser = await chromium.launch({
    executablePath: CHROMIUM_BIN,
    args: CHROMIUM_ARGS,
    handleSIGINT: false, // our handlers exit, and Playwright kills the browser on exit
    handleSIGTERM: false,
    handleSIGHUP: false,
  });

  try {
    for (const scenario of scenarios) {
      console.log(`▶ ${scenario.name}`);
      const started = Date.now();
      const failure = await runScenario(scenario, { browser, runDir, extensionsDir, keep: options.keep });
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      if (failure) {
        counts.failed++;
        console.log(`✘ ${scenario.name} (${seconds} s)\n    ${(failure.stack ?? String(failure)).split('\n').join('\n    ')}`);
      } else {
        counts.passed++;
        console.log(`✔ ${scenario.name} (${seconds} s)`);
      }
      console.log(`    screenshot: ${relative(REPO_ROOT, join(SCREENSHOTS_DIR, `${scenario.slug}.png`))}`);
    }
  } finally {
    await browser.close().catch(() => {});
    cleanUp();
  }
  console.log(`${counts.passed} passed, ${counts.failed} failed`);
  process.exitCode = counts.failed ? 1 : 0;
}

main().catch((error) => {
  console.error(`e2e: ${error.stack ?? error}`);
  console.log('0 passed, 1 failed');
  process.exitCode = 1;
});
