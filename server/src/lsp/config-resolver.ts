import { fileURLToPath } from 'node:url';
import { withSeverities, type EngineConfig } from '../engine/config';
import type { Rule } from '../engine/types';
import { configForFile, type LoadedConfig } from '../node/config-loader';
import { ProjectConfigs } from '../node/project-configs';
import type { EditorSettings } from './protocol';

/**
 * The project configuration of each document (as the CLI resolves it), with the editor's
 * settings layered on top.
 */
export class ConfigResolver {
  private readonly projects: ProjectConfigs;

  constructor(
    trusted: () => boolean,
    rules: readonly Rule[],
    /** Text of open config documents, so unsaved edits take effect while typing. */
    openText: (file: string) => string | undefined = () => undefined,
  ) {
    this.projects = new ProjectConfigs({ trusted, rules, readText: openText });
  }

  /** Drops every cached lookup, e.g. after a config file changed or trust changed. */
  invalidate(): void {
    this.projects.invalidate();
  }

  /** The loaded project config for a document, or undefined for non-file documents. */
  projectConfig(uri: string): { loaded: LoadedConfig; relativePath: string } | undefined {
    const path = filePath(uri);
    return path ? this.projects.forPath(path) : undefined;
  }

  /** Every config file loaded so far, with its problems, for diagnostics on the file itself. */
  loadedConfigs(): LoadedConfig[] {
    return this.projects.loadedConfigs();
  }

  /** Project config for the document, then editor settings on top. */
  engineConfig(uri: string, settings: EditorSettings): EngineConfig {
    const project = this.projectConfig(uri);
    const base: EngineConfig = project ? configForFile(project.loaded, project.relativePath) : { rules: {} };
    return { ...base, rules: withSeverities(base.rules, settings.rules), minimumSeverity: settings.minimumSeverity };
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
