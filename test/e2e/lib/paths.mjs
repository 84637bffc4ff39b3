// Where the end-to-end suite finds its tools and writes its output. Everything generated lives in
// .cache/e2e/ (ignored by git), never in the project's node_modules.
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const E2E_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const REPO_ROOT = resolve(E2E_DIR, '..', '..');
/** E2E_CACHE_DIR moves the tools and the output elsewhere (setup.sh honours it too). */
export const CACHE_DIR = process.env.E2E_CACHE_DIR ? resolve(process.env.E2E_CACHE_DIR) : join(REPO_ROOT, '.cache', 'e2e');
export const TOOLS_NODE_MODULES = join(CACHE_DIR, 'node_modules');
export const CODE_SERVER_BIN = join(TOOLS_NODE_MODULES, '.bin', 'code-server');
export const SCREENSHOTS_DIR = join(CACHE_DIR, 'screenshots');
export const LOGS_DIR = join(CACHE_DIR, 'logs');
export const SCENARIOS_DIR = join(E2E_DIR, 'scenarios');
export const WORKSPACES_DIR = join(E2E_DIR, 'workspaces');
export const DEFAULT_VSIX = join(REPO_ROOT, 'nhi-hygiene.vsix');
export const CHROMIUM_BIN = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
