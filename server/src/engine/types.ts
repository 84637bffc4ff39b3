/**
 * The engine's vocabulary. Nothing here knows about LSP, VS Code or the file system, so the
 * language server, the CLI and the tests all speak about the same objects.
 */

/** The four problem families this tool exists for. */
export type Category = 'secret' | 'long-lived-credential' | 'missing-ttl' | 'fallback';

export const CATEGORIES: readonly Category[] = ['secret', 'long-lived-credential', 'missing-ttl', 'fallback'];

export type Severity = 'error' | 'warning' | 'info';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info'];

/** Higher is more severe; used for thresholds such as `--fail-on`. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { info: 0, warning: 1, error: 2 };

/**
 * What a file is. A document carries every kind that applies: a GitHub workflow is both
 * `github-actions` and `yaml`, so YAML-wide rules and workflow rules both see it.
 */
export type FileKind =
  | 'github-actions'
  | 'gitlab-ci'
  | 'circleci'
  | 'terraform'
  | 'kubernetes'
  | 'cloudformation'
  | 'dockerfile'
  | 'docker-compose'
  | 'dotenv'
  | 'shell'
  | 'javascript'
  | 'typescript'
  | 'python'
  | 'go'
  | 'java'
  | 'json'
  | 'yaml'
  | 'ini'
  | 'properties'
  /** Source code in a language without a bundled grammar (C, C#, Swift, Kotlin, Rust, PHP, Apex, Bicep, Ruby, Perl, PowerShell, R…). */
  | 'source'
  | 'text';

/** Zero-based line and UTF-16 column, the unit LSP and JavaScript strings share. */
export interface Position {
  readonly line: number;
  readonly character: number;
}

export interface Range {
  readonly start: Position;
  readonly end: Position;
}

/** Half-open `[start, end)` UTF-16 offsets into a document's text. */
export type Span = readonly [start: number, end: number];

export interface TextEdit {
  readonly span: Span;
  readonly newText: string;
}

/**
 * A proposed change. Values the user must fill in (a role ARN, a provider path) are written as
 * clearly marked plain text and listed in `placeholders`; front ends that support snippets turn
 * each into a tab stop, others insert the marked text as is.
 */
export interface Fix {
  readonly title: string;
  /** Changes to the document; may be empty when the fix only creates files. */
  readonly edits: readonly TextEdit[];
  /**
   * New files the fix adds beside the document (the trust side of a federation: an OIDC provider
   * and role, a workload identity pool), never replacing one that exists.
   */
  readonly createFiles?: readonly NewFile[];
  /** Shown first and applied by "fix all"; only for a fix that is safe without review. */
  readonly isPreferred?: boolean;
  /** Marked values inside `edits` that the user must replace, in tab-stop order. */
  readonly placeholders?: readonly string[];
}

/** A file a fix creates: `path` is relative to the document's folder, with `/` separators. */
export interface NewFile {
  readonly path: string;
  readonly text: string;
}

/** One problem found in one document: the same object in the editor, the CLI and the tests. */
export interface Finding {
  readonly ruleId: string;
  readonly category: Category;
  readonly severity: Severity;
  /** Human-readable, never containing a full secret value. */
  readonly message: string;
  readonly span: Span;
  readonly range: Range;
  /**
   * Stable across line moves: rule id plus a hash of the secret or of the normalised
   * offending construct. Identical constructs in one file get an occurrence suffix.
   */
  readonly fingerprint: string;
  /** The masked form of the secret, when the finding is about one. */
  readonly maskedSecret?: string;
  /** True when the rule can offer at least one fix for this finding. */
  readonly fixable: boolean;
  /** Rule-private facts the rule's `fix` needs later (never the secret itself). */
  readonly data?: Readonly<Record<string, unknown>>;
}

/** Documentation sections parsed from a rule's `docs.md`. */
export interface RuleDocs {
  /** One sentence: what the rule finds. */
  readonly summary: string;
  readonly why: string;
  readonly howToFix: string;
  readonly references: readonly string[];
  /** The whole markdown page. */
  readonly markdown: string;
}

/** A rule option, with the default the catalog justifies. */
export interface RuleOptionSpec {
  readonly type: 'number' | 'string' | 'boolean' | 'string[]';
  readonly default: number | string | boolean | readonly string[];
  readonly description: string;
}

export type RuleOptions = Readonly<Record<string, number | string | boolean | readonly string[]>>;

/** What a rule reports; the runner turns it into a `Finding`. */
export interface Report {
  readonly span: Span;
  /** Message template; `{{secret}}` is replaced by the masked secret. */
  readonly message: string;
  /** The secret text itself: masked for display, hashed for the fingerprint, never output. */
  readonly secret?: string;
  /**
   * The normalised construct that identifies this problem when there is no secret, e.g.
   * `jobs.deploy.steps[uses=aws-actions/configure-aws-credentials]`. Defaults to the text of `span`.
   * Beside a secret, it names where the secret is used, so one value in two places gives two
   * stable fingerprints.
   */
  readonly construct?: string;
  /** Overrides the rule's severity for this finding (e.g. error past a hard limit). */
  readonly severity?: Severity;
  readonly data?: Readonly<Record<string, unknown>>;
  /** Set false when the rule's `fix` has nothing to offer for this particular finding. */
  readonly fixable?: boolean;
}

export interface RuleContext {
  readonly document: import('./parsed-document').ParsedDocument;
  readonly options: RuleOptions;
  report(report: Report): void;
  /**
   * The text of a small file the document names by a relative path, resolved against the
   * document's folder (see referenced-files.ts); undefined when it cannot be read.
   */
  readReferencedFile(reference: string): string | undefined;
}

export interface FixContext {
  readonly document: import('./parsed-document').ParsedDocument;
  readonly options: RuleOptions;
  readonly finding: Finding;
}

/** Tree-sitter grammars the engine can load; `yaml` is parsed by the `yaml` package instead. */
export type ParserNeed = 'yaml' | 'javascript' | 'typescript' | 'tsx' | 'python' | 'go' | 'java' | 'hcl' | 'bash';

/**
 * A rule: detection, fix, docs and options in one small module (see `rules/`), in the spirit of
 * ESLint rule objects and secretlint rule packages.
 */
export interface Rule {
  /** Stable kebab-case id, equal to the rule's folder name under `rules/`. */
  readonly id: string;
  readonly category: Category;
  readonly defaultSeverity: Severity;
  /** File kinds the rule applies to; `'*'` for every text file. */
  readonly fileKinds: readonly FileKind[] | '*';
  /**
   * Lower-case substrings; the rule runs only if the document contains at least one. This is the
   * cheap gate before any regex or parse. An empty list means the rule always runs.
   */
  readonly keywords: readonly string[];
  /**
   * The rule starts its work where its keywords occur and reads the offsets with
   * `document.keywordStarts`: the prefilter then records every occurrence of them in its one pass,
   * and the rule needs no search of its own over the text. `true` locates all of `keywords`; a
   * list locates those words only (among `keywords` or `secondaryKeywords`), for a rule that starts
   * some of its checks from a word and gates others on words too common to record.
   */
  readonly locatesKeywords?: boolean | readonly string[];
  /**
   * Further lower-case words the rule asks `document.containsKeyword` about, which do not decide
   * whether it runs (a vendor's name that confirms a shape, a word that picks one of its checks).
   * The prefilter finds them in its one pass, so asking is a set lookup, not a search of the text.
   */
  readonly secondaryKeywords?: readonly string[];
  readonly options?: Readonly<Record<string, RuleOptionSpec>>;
  readonly docs: RuleDocs;
  /**
   * The syntax tree the rule reads: `yaml` (the `yaml` package) or `code` (tree-sitter for the
   * document's language, loaded by the runner before `check`). Syntax rules are skipped on
   * minified files so that a huge single line cannot stall the editor.
   */
  readonly syntax?: 'yaml' | 'code';
  /**
   * A second prefilter after `keywords`: a linear-time pattern that must match somewhere in the
   * text before the rule runs, so a syntax rule's grammar is neither loaded nor run on files with
   * no candidate construct. Matches are only candidates; the rule decides on the tree.
   */
  readonly pattern?: RegExp;
  /**
   * Binary files (a NUL in the first 8 KiB) are skipped, except those whose path this matches
   * (`.p12` key stores): on them the rule runs alone and reads `document.bytes`.
   */
  readonly binaryFiles?: RegExp;
  /** Part of the `recommended` preset (default true). */
  readonly recommended?: boolean;
  /**
   * A catch-all detector (names and values, not a vendor's format): its finding is dropped where
   * a specific rule reports the same text, so one secret gives one finding with the better advice.
   */
  readonly generic?: boolean;
  /**
   * Other tools' ids for the same detection (e.g. `@secretlint/secretlint-rule-aws`), so their
   * suppression comments and rule choices apply to this rule.
   */
  readonly aliases?: readonly string[];
  check(context: RuleContext): void | Promise<void>;
  fix?(context: FixContext): readonly Fix[];
}
