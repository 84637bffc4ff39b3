import { dirname } from 'node:path';
import type { Rule } from '../engine/types';
import { findConfigFile, loadConfig, type DirectoryConfigs, type LoadedConfig } from './config-loader';
import { relativePath } from './files';

export interface ProjectConfigOptions {
  readonly trusted: () => boolean;
  readonly rules: readonly Rule[];
  /** Text of a config file the user is editing but has not saved. */
  readonly readText?: (file: string) => string | undefined;
  /** One config file for every path (CLI `--config`), instead of the nearest one. */
  readonly configFile?: string;
}

/**
 * Finds the config that governs each file (the nearest `.nhi-hygiene.*` at or above it) and
 * caches lookups and loads, so the editor and the CLI resolve a file the same way.
 */
export class ProjectConfigs {
  private readonly configFileByDir = new Map<string, string | undefined>();
  private readonly directoryCache = new Map<string, DirectoryConfigs>();
  private readonly loadedByFile = new Map<string, LoadedConfig>();

  constructor(private readonly options: ProjectConfigOptions) {}

  invalidate(): void {
    this.configFileByDir.clear();
    this.directoryCache.clear();
    this.loadedByFile.clear();
  }

  /** The loaded config for an absolute file path, and the path relative to the config's directory. */
  forPath(path: string): { loaded: LoadedConfig; relativePath: string } {
    const dir = dirname(path);
    let configFile = this.options.configFile;
    if (configFile === undefined) {
      if (!this.configFileByDir.has(dir)) this.configFileByDir.set(dir, findConfigFile(dir, this.directoryCache));
      configFile = this.configFileByDir.get(dir);
    }
    const key = configFile ?? '';
    let loaded = this.loadedByFile.get(key);
    if (!loaded) {
      loaded = loadConfig(configFile, { trusted: this.options.trusted(), rules: this.options.rules, readText: this.options.readText });
      this.loadedByFile.set(key, loaded);
    }
    const root = configFile ? dirname(configFile) : dir;
    return { loaded, relativePath: relativePath(root, path) };
  }

  /** Every config file loaded so far. */
  loadedConfigs(): LoadedConfig[] {
    return [...this.loadedByFile.values()].filter((loaded) => loaded.configFile !== undefined);
  }
}
