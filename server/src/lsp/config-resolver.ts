import { dirname, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { EngineConfig, RuleSetting } from '../engine/config';
import { configForFile, findConfigFile, loadConfig, type LoadedConfig } from '../node/config-loader';
import type { EditorSettings } from './protocol';

/**
 * Finds and caches the project configuration that governs each document, and layers the
 * editor's settings on top, so the editor and the CLI resolve the same file the same way.
 */
export class ConfigResolver {
  private readonly configFileByDir = new Map<string, string | undefined>();
  private readonly loadedByFile = new Map<string, LoadedConfig>();

  constructor(private readonly trusted: () => boolean) {}

  /** Drops every cached lookup, e.g. after a config file changed on disk or trust changed. */
  invalidate(): void {
    this.configFileByDir.clear();
    this.loadedByFile.clear();
  }

  /** The loaded project config for a document, or undefined for non-file documents. */
  projectConfig(uri: string): { loaded: LoadedConfig; relativePath: string } | undefined {
    const path = filePath(uri);
    if (!path) return undefined;
    const dir = dirname(path);
    let configFile = this.configFileByDir.get(dir);
    if (!this.configFileByDir.has(dir)) {
      configFile = findConfigFile(dir);
      this.configFileByDir.set(dir, configFile);
    }
    const key = configFile ?? '';
    let loaded = this.loadedByFile.get(key);
    if (!loaded) {
      loaded = loadConfig(configFile, { trusted: this.trusted() });
      this.loadedByFile.set(key, loaded);
    }
    const root = configFile ? dirname(configFile) : dir;
    return { loaded, relativePath: relative(root, path).split('\\').join('/') };
  }

  /** Every config file loaded so far, with its problems, for diagnostics on the file itself. */
  loadedConfigs(): LoadedConfig[] {
    return [...this.loadedByFile.values()].filter((loaded) => loaded.configFile !== undefined);
  }

  /** Project config for the document, then editor settings on top. */
  engineConfig(uri: string, settings: EditorSettings): EngineConfig {
    const project = this.projectConfig(uri);
    const base: EngineConfig = project ? configForFile(project.loaded, project.relativePath) : { rules: {} };
    const rules: Record<string, RuleSetting | undefined> = { ...base.rules };
    for (const [id, severity] of Object.entries(settings.rules)) {
      rules[id] = { severity, ...(base.rules[id]?.options ? { options: base.rules[id]!.options } : {}) };
    }
    return { ...base, rules, minimumSeverity: settings.minimumSeverity };
  }
}

export function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}
