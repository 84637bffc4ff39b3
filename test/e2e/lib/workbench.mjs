// What a user does in the VS Code workbench, expressed with the workbench's DOM: open files, run
// commands, type, hover, apply quick fixes, and read the Problems panel. Every read polls until the
// expected state appears (or a timeout says what was seen instead).
import { pollUntil, delay } from './wait.mjs';

const SQUIGGLE = '.squiggly-error, .squiggly-warning, .squiggly-info';
const ACTIVE_EDITOR = '.part.editor .editor-group-container.active .editor-instance .monaco-editor';
const QUICK_INPUT = '.quick-input-widget';
const PROBLEMS_PANEL = '.markers-panel';
const QUICK_FIX_ROW = '.action-widget .monaco-list-row.action';

export class Workbench {
  /** @param {import('playwright-core').Page} page */
  constructor(page, { timeout = 30_000 } = {}) {
    this.page = page;
    this.timeout = timeout;
  }

  /** Waits until the workbench has rendered and the explorer shows the workspace folder. */
  async waitForExplorer() {
    await this.page.waitForSelector('.monaco-workbench', { timeout: this.timeout * 2 });
    await this.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout: this.timeout * 2 });
  }

  // ---- files and editors -------------------------------------------------------------------

  /** Opens a workspace file through Quick Open (Ctrl+P), as a user typing its path would. */
  async openFile(relativePath) {
    const fileName = relativePath.split('/').pop();
    await this.page.keyboard.press('Control+P');
    const input = this.page.locator(`${QUICK_INPUT} input`);
    await input.waitFor({ state: 'visible', timeout: this.timeout });
    await input.fill(relativePath);
    // Quick Open lists "<name> <folder>" rows or, for files at the root, "<name>, file results";
    // pick the one whose folder matches the path.
    const folder = relativePath.includes('/') ? relativePath.slice(0, relativePath.lastIndexOf('/')) : '';
    await this.pickQuickInputRow(
      ({ label }) => (label === fileName || label.startsWith(`${fileName} `) || label.startsWith(`${fileName},`)) && (!folder || label.includes(folder)),
      `Quick Open to list ${relativePath}`,
    );
    await this.waitForActiveTab(fileName);
  }

  /**
   * Clicks the first row of the open quick input (Quick Open, Command Palette) that `matches`
   * ({ label: aria-label, name: the row's title }). The list re-renders while results arrive, so
   * rows are read in one pass and the click targets the row only if it still shows that label.
   * Returns false if no row matched within `timeout`.
   */
  async pickQuickInputRow(matches, message, { timeout = this.timeout, required = true } = {}) {
    const rowSelector = `${QUICK_INPUT} .quick-input-list .monaco-list-row`;
    try {
      await pollUntil(
        async () => {
          const rows = await this.page.locator(rowSelector).evaluateAll((elements) =>
            elements.map((element) => ({
              index: element.dataset.index,
              label: element.getAttribute('aria-label') ?? '',
              name: element.querySelector('.label-name')?.textContent?.trim() ?? '',
            })),
          );
          const row = rows.find(matches);
          if (!row) return false;
          await this.page.locator(`${rowSelector}[data-index="${row.index}"][aria-label=${JSON.stringify(row.label)}]`).click({ timeout: 2_000 });
          return true;
        },
        { timeout, interval: 100, message },
      );
      return true;
    } catch (error) {
      if (required) throw error;
      return false;
    }
  }

  /** Opens a new untitled text editor (File: New Untitled Text File) and returns its tab label. */
  async newUntitledFile() {
    await this.runCommand('File: New Untitled Text File');
    const label = await pollUntil(async () => {
      const text = await this.activeTabLabel();
      return text?.startsWith('Untitled') ? text : undefined;
    }, { timeout: this.timeout, message: 'an Untitled editor to open' });
    await this.focusEditor();
    return label;
  }

  async activeTabLabel() {
    const tab = this.page.locator('.part.editor .editor-group-container.active .tab.active .label-name').first();
    return (await tab.count()) ? (await tab.textContent())?.trim() : undefined;
  }

  async waitForActiveTab(label) {
    await pollUntil(async () => (await this.activeTabLabel()) === label, {
      timeout: this.timeout,
      message: `the active editor tab to be ${label}`,
      describe: () => 'another tab',
    });
  }

  /** Whether the active tab shows unsaved changes. */
  async activeTabIsDirty() {
    return (await this.page.locator('.part.editor .editor-group-container.active .tab.active.dirty').count()) > 0;
  }

  async focusEditor() {
    await this.page.locator(`${ACTIVE_EDITOR} .view-lines`).first().click({ position: { x: 5, y: 5 } });
  }

  /**
   * The text of the active editor as rendered (lines ordered by position). The fixture files
   * are short enough to be fully visible, so this is the whole document.
   */
  async editorText() {
    return this.page.locator(`${ACTIVE_EDITOR} .view-lines`).first().evaluate((viewLines) =>
      [...viewLines.querySelectorAll('.view-line')]
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((line) => line.textContent.replace(/\u00a0/g, ' '))
        .join('\n'),
    );
  }

  async waitForEditorText(predicate, message) {
    return pollUntil(async () => {
      const text = await this.editorText();
      return predicate(text) ? text : undefined;
    }, { timeout: this.timeout, message, describe: () => 'see screenshot' });
  }

  /** Types like a user, key by key. Newlines are Enter presses. */
  async type(text) {
    await this.page.keyboard.type(text);
  }

  /** Replaces the whole content of the active editor by typing `text`. */
  async replaceEditorContent(text) {
    await this.focusEditor();
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Delete');
    await this.type(text);
  }

  async save() {
    await this.page.keyboard.press('Control+S');
    await pollUntil(async () => !(await this.activeTabIsDirty()), { timeout: this.timeout, message: 'the editor to be saved' });
  }

  // ---- commands ------------------------------------------------------------------------------

  /**
   * Runs a command from the Command Palette (F1) by its full title, e.g. "NHI Hygiene: Scan Workspace".
   * The palette lists the commands known when it opens; right after start-up an extension's may
   * not be registered yet, so the palette is reopened until the command shows up.
   */
  async runCommand(title) {
    const input = this.page.locator(`${QUICK_INPUT} input`);
    await pollUntil(
      async () => {
        if (!(await input.isVisible())) {
          await this.page.keyboard.press('F1');
          await input.waitFor({ state: 'visible', timeout: this.timeout });
          await input.fill(`>${title}`);
        }
        if (await this.pickQuickInputRow(({ name }) => name === title, `"${title}"`, { timeout: 3_000, required: false })) return true;
        await this.page.keyboard.press('Escape');
        await input.waitFor({ state: 'hidden', timeout: this.timeout });
        return false;
      },
      { timeout: this.timeout, message: `the Command Palette to offer "${title}"` },
    );
    await input.waitFor({ state: 'hidden', timeout: this.timeout });
  }

  // ---- diagnostics in the editor ---------------------------------------------------------------

  /** Waits for a squiggle (error, warning or info) in the active editor and returns its locator. */
  async waitForSquiggle({ line } = {}) {
    return pollUntil(
      async () => {
        for (const squiggle of await this.page.locator(`${ACTIVE_EDITOR} :is(${SQUIGGLE})`).all()) {
          if (line === undefined || (await this.lineNumberAt(squiggle)) === line) return squiggle;
        }
        return undefined;
      },
      { timeout: this.timeout, message: line === undefined ? 'a squiggle in the editor' : `a squiggle on line ${line}` },
    );
  }

  /** The editor line number (1-based) displayed level with an element in the active editor. */
  async lineNumberAt(element) {
    const box = await element.boundingBox();
    if (!box) return undefined;
    const numbers = await this.page.locator(`${ACTIVE_EDITOR} .line-numbers`).all();
    for (const number of numbers) {
      const numberBox = await number.boundingBox();
      if (numberBox && Math.abs(numberBox.y + numberBox.height / 2 - (box.y + box.height / 2)) < numberBox.height / 2) {
        return Number((await number.textContent()).trim());
      }
    }
    return undefined;
  }

  async squiggleCount() {
    return this.page.locator(`${ACTIVE_EDITOR} :is(${SQUIGGLE})`).count();
  }

  /** Moves the mouse onto `element` and returns the hover's text once it contains `expected`. */
  async hoverText(element, expected) {
    const box = await element.boundingBox();
    // Moving away first makes the hover appear again if the mouse was already there.
    await this.page.mouse.move(0, 0);
    await this.page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 4 });
    return pollUntil(
      async () => {
        const texts = await this.page.locator('.monaco-hover:not(.hidden)').allInnerTexts();
        const text = texts.join('\n');
        return text.includes(expected) ? text : undefined;
      },
      { timeout: this.timeout, message: `a hover containing "${expected}"` },
    );
  }

  /**
   * Puts the caret on `element` (a squiggle), waits for the editor's lightbulb, clicks it and
   * returns the titles the Quick Fix menu lists.
   */
  async openQuickFixMenuFromLightbulb(element) {
    const box = await element.boundingBox();
    await this.page.mouse.click(box.x + box.width / 2, box.y + box.height / 2);
    await this.page.keyboard.press('Escape'); // closes a hover the click may have left open
    const lightbulb = this.page.locator(`${ACTIVE_EDITOR} .lightBulbWidget`).first();
    await lightbulb.waitFor({ state: 'visible', timeout: this.timeout });
    // The lightbulb appears once the code actions for the caret's line have arrived.
    await pollUntil(
      async () => {
        if (!(await this.page.locator(QUICK_FIX_ROW).first().isVisible())) await lightbulb.click({ timeout: 2_000 });
        return (await this.quickFixTitles()).length > 0;
      },
      { timeout: this.timeout, interval: 500, message: 'the lightbulb to open the Quick Fix menu' },
    );
    return this.quickFixTitles();
  }

  async quickFixTitles() {
    return this.page.locator(QUICK_FIX_ROW).evaluateAll((rows) => rows.map((row) => row.getAttribute('aria-label')));
  }

  /**
   * Chooses the Quick Fix menu entry with this title with the keyboard, as a user does: arrow
   * down until it is focused, then Enter. (A click can land on the menu's pointer-block overlay.)
   */
  async chooseQuickFix(title) {
    const rows = this.page.locator(QUICK_FIX_ROW);
    const count = await rows.count();
    for (let step = 0; step <= count; step++) {
      const focused = await this.page.locator('.action-widget .monaco-list-row.action.focused').getAttribute('aria-label').catch(() => null);
      if (focused === title) {
        await this.page.keyboard.press('Enter');
        await this.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: this.timeout });
        return;
      }
      await this.page.keyboard.press('ArrowDown');
    }
    throw new Error(`the Quick Fix menu has no entry '${title}'`);
  }

  // ---- Problems panel ------------------------------------------------------------------------

  /** Opens the Problems panel (Ctrl+Shift+M toggles it, so only when it is not already shown). */
  async showProblems() {
    if (await this.page.locator(PROBLEMS_PANEL).isVisible()) return;
    await this.page.keyboard.press('Control+Shift+M');
    await this.page.locator(PROBLEMS_PANEL).waitFor({ state: 'visible', timeout: this.timeout });
  }

  /**
   * Types into the Problems panel's filter box, so that only matching entries are listed (the
   * panel's list is virtualized: entries scrolled out of view are not in the DOM).
   */
  async filterProblems(text) {
    await this.showProblems();
    const filter = this.page.locator('.panel .viewpane-filter input, .panel .markers-panel-action-filter input').first();
    await filter.fill(text);
  }

  /**
   * The entries of the Problems panel as shown: one object per marker row, with the file it is
   * listed under. `text` is everything the row shows (message, source, code, position).
   */
  async problems() {
    await this.showProblems();
    return this.page.locator(`${PROBLEMS_PANEL} .monaco-list-row`).evaluateAll((rows) => {
      const entries = [];
      let file;
      const sorted = rows.sort((a, b) => Number(a.dataset.index) - Number(b.dataset.index));
      for (const row of sorted) {
        const text = (selector) => row.querySelector(selector)?.textContent?.trim() ?? '';
        if (row.querySelector('.resource-label-container')) {
          file = { name: text('.label-name'), folder: text('.label-description'), path: row.querySelector('.monaco-icon-label')?.getAttribute('aria-label') ?? '' };
          continue;
        }
        if (!row.querySelector('.marker-message-details-container')) continue;
        const icon = row.querySelector('.marker-icon');
        const severity = ['error', 'warning', 'info'].find((name) => icon?.classList.contains(name)) ?? 'unknown';
        entries.push({
          file: file?.name ?? '',
          folder: file?.folder ?? '',
          path: file?.path ?? '',
          severity,
          message: text('.marker-message'),
          source: text('.marker-source'),
          code: text('.marker-code'),
          position: text('.marker-line'),
          text: row.querySelector('.marker-message-details-container')?.innerText ?? '',
        });
      }
      return entries;
    });
  }

  /** Waits until the Problems panel lists an entry matching `predicate`, and returns it. */
  async waitForProblem(predicate, message) {
    let last = [];
    return pollUntil(
      async () => {
        last = await this.problems();
        return last.find(predicate);
      },
      { timeout: this.timeout, message: `a Problems entry: ${message}`, describe: () => describeProblems(last) },
    );
  }

  /** Waits until no entry of the Problems panel matches `predicate`. */
  async waitForNoProblem(predicate, message) {
    let last = [];
    await pollUntil(
      async () => {
        last = await this.problems();
        return !last.some(predicate);
      },
      { timeout: this.timeout, message: `no Problems entry: ${message}`, describe: () => describeProblems(last) },
    );
  }

  // ---- dialogs and status ------------------------------------------------------------------

  /** Waits for a modal dialog containing `text` and clicks its button labelled `button`. */
  async answerDialog(text, button) {
    const dialog = this.page.locator('.monaco-dialog-box').filter({ hasText: text });
    await dialog.waitFor({ state: 'visible', timeout: this.timeout });
    await dialog.getByRole('button', { name: button, exact: true }).click();
    await dialog.waitFor({ state: 'hidden', timeout: this.timeout });
  }

  /** Whether the status bar shows the "Restricted Mode" indicator. */
  async isRestrictedMode() {
    return this.page.locator('.statusbar-item').filter({ hasText: 'Restricted Mode' }).first().isVisible();
  }

  /**
   * Trusts the open folder as a user does: "Workspaces: Manage Workspace Trust", then the trust
   * editor's "Trust" button. Resolves once the status bar no longer shows Restricted Mode.
   */
  async trustWorkspace() {
    await this.runCommand('Workspaces: Manage Workspace Trust');
    const editor = this.page.locator('.workspace-trust-editor');
    await editor.waitFor({ state: 'visible', timeout: this.timeout });
    await editor.getByRole('button', { name: 'Trust', exact: true }).first().click();
    await pollUntil(async () => !(await this.isRestrictedMode()), { timeout: this.timeout, message: 'Restricted Mode to end' });
  }

  /** Waits for a notification toast whose text matches `pattern`, and returns that text. */
  async waitForNotification(pattern) {
    let last = [];
    return pollUntil(
      async () => {
        last = await this.notifications();
        return last.find((text) => pattern.test(text));
      },
      { timeout: this.timeout, message: `a notification matching ${pattern}`, describe: () => JSON.stringify(last) },
    );
  }

  /** Texts of the notification toasts currently shown. */
  async notifications() {
    return this.page.locator('.notifications-toasts .notification-toast').allInnerTexts();
  }

  /** A short pause for the editor to settle after typing (never used to wait for results). */
  async settle(ms = 100) {
    await delay(ms);
  }
}

export function describeProblems(entries) {
  if (!entries.length) return 'the Problems panel is empty';
  return entries.map((entry) => `[${entry.file}] ${entry.severity} ${entry.source}(${entry.code}) ${entry.message}`).join(' | ');
}
