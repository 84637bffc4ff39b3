import { resolveRule, DEFAULT_LIMITS, type EngineConfig, type ScanLimits } from './config';
import { fingerprintOf } from './fingerprint';
import { KeywordIndex } from './keywords';
import { maskSecret } from './mask';
import { ensureLanguage, isLanguageLoaded, ParseBudgetError, type TreeSitterLanguage } from './parse/tree-sitter';
import { detectFileKinds } from './file-kind';
import { codeLanguageOf, ParsedDocument } from './parsed-document';
import { readReferencedFile } from './referenced-files';
import { embeddedSources, type EmbeddedSource } from './source-map';
import { isTerraformJson, terraformJsonAsNative } from './parse/terraform-json';
import { isPlaceholderSecret } from './secret-values';
import { applySuppressions, readSuppressions, SUPPRESSION_MARKERS, type DirectiveNotice, type Suppression } from './suppressions';
import { SEVERITY_RANK, type Finding, type Fix, type Report, type Rule, type Severity } from './types';

/** A rule that threw: reported once per scan, and the other rules still run. */
export interface RuleFailure {
  readonly ruleId: string;
  readonly message: string;
}

export type SkipReason = 'too-large' | 'binary';

type ResolvedRule = NonNullable<ReturnType<typeof resolveRule>>;

export interface ScanResult {
  /** What to show: findings at or above the minimum severity that no live directive suppresses. */
  readonly findings: readonly Finding[];
  /** Findings hidden by an inline directive, with the directive (for `--list-suppressions`). */
  readonly suppressed: ReadonlyArray<{ readonly finding: Finding; readonly suppression: Suppression }>;
  /** Problems with the directives themselves: missing reason, expired, unused. */
  readonly notices: readonly DirectiveNotice[];
  readonly failures: readonly RuleFailure[];
  /** Set when the document was not scanned at all, with the reason. */
  readonly skipped?: { readonly reason: SkipReason; readonly detail: string };
  /** Set when parse-based rules were left out (e.g. minified lines), with the reason. */
  readonly bounded?: string;
}

export class ScanCancelledError extends Error {
  constructor() {
    super('scan cancelled');
    this.name = 'ScanCancelledError';
  }
}

/**
 * The one scanning engine: given a document and a configuration, runs every applicable rule and
 * returns findings. The language server, the CLI and the tests all call this.
 */
export class Scanner {
  private readonly byId: ReadonlyMap<string, Rule>;
  /** Other tools' rule ids (secretlint's) to ours, for their suppression comments. */
  private readonly idByAlias: ReadonlyMap<string, string>;
  /** Every rule's keywords and the suppression markers, found in one pass per document. */
  private readonly keywords: KeywordIndex;
  /** For each keyword, the positions (in `rules`) of the rules it lets through the prefilter. */
  private readonly rulesByKeyword: ReadonlyMap<string, readonly number[]>;
  /** Positions of the rules with no keywords: candidates for every document. */
  private readonly unkeyed: readonly number[];
  private readonly resolvedByConfig = new WeakMap<EngineConfig, Map<Rule, ResolvedRule | null>>();

  constructor(readonly rules: readonly Rule[]) {
    this.byId = new Map(rules.map((rule) => [rule.id, rule]));
    this.idByAlias = new Map(rules.flatMap((rule) => (rule.aliases ?? []).map((alias) => [alias, rule.id] as const)));
    this.keywords = new KeywordIndex(
      [...rules.flatMap((rule) => [...rule.keywords, ...(rule.secondaryKeywords ?? [])]), ...SUPPRESSION_MARKERS],
      rules.flatMap(locatedKeywords),
    );
    const byKeyword = new Map<string, number[]>();
    rules.forEach((rule, position) => {
      for (const keyword of new Set(rule.keywords.map((word) => word.toLowerCase()))) {
        let positions = byKeyword.get(keyword);
        if (!positions) byKeyword.set(keyword, (positions = []));
        positions.push(position);
      }
    });
    this.rulesByKeyword = byKeyword;
    this.unkeyed = rules.flatMap((rule, position) => (rule.keywords.length === 0 ? [position] : []));
  }

  /**
   * The rules the keyword prefilter lets through for this document, in registry order: those with
   * a keyword the document contains, and those with none. Most documents contain few keywords, so
   * this visits a handful of rules instead of all of them.
   */
  private candidates(document: ParsedDocument): Rule[] {
    const marked = new Uint8Array(this.rules.length);
    for (const position of this.unkeyed) marked[position] = 1;
    for (const keyword of document.foundKeywords(this.keywords)) {
      for (const position of this.rulesByKeyword.get(keyword) ?? []) marked[position] = 1;
    }
    const candidates: Rule[] = [];
    for (let position = 0; position < marked.length; position++) if (marked[position] === 1) candidates.push(this.rules[position]!);
    return candidates;
  }

  /**
   * A rule's severity and options under `config`, worked out once per configuration (they are
   * immutable): a scan asks for every candidate rule of every file.
   */
  private resolved(rule: Rule, config: EngineConfig): ResolvedRule | undefined {
    let byRule = this.resolvedByConfig.get(config);
    if (!byRule) this.resolvedByConfig.set(config, (byRule = new Map()));
    let resolved = byRule.get(rule);
    if (resolved === undefined) byRule.set(rule, (resolved = resolveRule(rule, config) ?? null));
    return resolved ?? undefined;
  }

  rule(id: string): Rule | undefined {
    return this.byId.get(id);
  }

  /** True when a rule reads this binary file (a key store), so it must be read whole. */
  readsBinary(path: string): boolean {
    return this.rules.some((rule) => rule.binaryFiles?.test(path));
  }

  /**
   * Loads, together, the grammars that files at these paths will need (by file name), so a scan
   * of many files does not stop at the first file of each language to load its grammar. A hint
   * only: the promise always resolves, and a grammar that fails to load fails when used.
   */
  preloadGrammars(paths: Iterable<string>): Promise<void> {
    const languages = new Set<TreeSitterLanguage>();
    for (const path of paths) {
      const language = codeLanguageOf(path, detectFileKinds(path, ''));
      if (language) languages.add(language);
    }
    return Promise.all([...languages].map((language) => ensureLanguage(language).catch(() => undefined))).then(() => undefined);
  }

  async scan(document: ParsedDocument, config: EngineConfig, signal?: AbortSignal): Promise<ScanResult> {
    const limits: ScanLimits = { ...DEFAULT_LIMITS, ...config.limits };
    const skipped = skipReason(document, limits);
    const sources = skipped ? undefined : embeddedSources(document.path, document.text);
    if (sources) return this.scanEmbedded(document, sources, config, limits, signal);
    const result = await this.scanText(document, config, limits, skipped, signal);
    if (skipped || result.bounded || !isTerraformJson(document.path)) return result;
    let native: EmbeddedSource | undefined;
    try {
      native = document.derived(nativeTerraform);
    } catch (error) {
      if (error instanceof ParseBudgetError) return { ...result, bounded: error.message };
      throw error;
    }
    return native ? this.withNativeTerraform(document, native, result, config, limits, signal) : result;
  }

  private async scanText(
    document: ParsedDocument,
    config: EngineConfig,
    limits: ScanLimits,
    skipped: ScanResult['skipped'],
    signal: AbortSignal | undefined,
    include: (rule: Rule) => boolean = everyRule,
  ): Promise<ScanResult> {
    // A binary file is skipped, unless a rule reads binary files of its name (key stores).
    const readers = skipped?.reason === 'binary' && document.bytes ? this.rules.filter((rule) => rule.binaryFiles?.test(document.path)) : [];
    if (skipped && readers.length === 0) return { findings: [], suppressed: [], notices: [], failures: [], skipped };
    let bounded = !skipped && hasOverlongLine(document.text, limits.maxLineLength)
      ? `a line is longer than ${limits.maxLineLength} characters; syntax-based rules were skipped`
      : undefined;

    const findings: Finding[] = [];
    const failures: RuleFailure[] = [];

    for (const rule of skipped ? readers : this.candidates(document)) {
      if (signal?.aborted) throw new ScanCancelledError();
      // Cheapest test first: most rules are out on file kind, before any resolving.
      if (!inFileKinds(rule, document) || !include(rule)) continue;
      const resolved = this.resolved(rule, config);
      if (!resolved || !patternMatches(rule, document)) continue;
      if (bounded && usesSyntaxTree(rule)) continue;
      try {
        // Most rules are synchronous: only a rule that returns a promise is awaited, as an await
        // per rule and document was a measurable share of a headless scan.
        const running = this.runRule(rule, resolved, document, findings);
        if (running) await running;
      } catch (error) {
        if (error instanceof ScanCancelledError) throw error;
        if (error instanceof ParseBudgetError) {
          bounded ??= error.message;
          continue;
        }
        failures.push({ ruleId: rule.id, message: error instanceof Error ? error.message : String(error) });
      }
    }
    if (skipped && findings.length === 0 && failures.length === 0) return { findings: [], suppressed: [], notices: [], failures: [], skipped };
    dropGenericDuplicates(findings, this.byId);
    findings.sort(compareFindings);
    const directives = SUPPRESSION_MARKERS.some((marker) => document.containsKeyword(marker))
      ? readSuppressions(document.source, (id) => this.idByAlias.get(id) ?? id)
      : [];
    const today = config.today ?? new Date().toISOString().slice(0, 10);
    const outcome = applySuppressions(withUniqueFingerprints(findings), directives, today);
    const minimum = SEVERITY_RANK[config.minimumSeverity ?? 'info'];
    return {
      findings: outcome.findings.filter((finding) => SEVERITY_RANK[finding.severity] >= minimum),
      suppressed: outcome.suppressed,
      notices: outcome.notices,
      failures,
      ...(bounded ? { bounded } : {}),
    };
  }

  /**
   * A source map: each source it carries is scanned as the file it was, by the rules that read
   * text (syntax rules run on the source where it lives; a map repeats it), and its findings are
   * moved onto the map's text. A directive in the source holds in its map too.
   */
  private async scanEmbedded(map: ParsedDocument, sources: readonly EmbeddedSource[], config: EngineConfig, limits: ScanLimits, signal?: AbortSignal): Promise<ScanResult> {
    const findings: Finding[] = [];
    const suppressed: Array<ScanResult['suppressed'][number]> = [];
    const failures: RuleFailure[] = [];
    const onMap = (finding: Finding, source: EmbeddedSource): Finding => {
      const span: Finding['span'] = [source.outerOffset(finding.span[0]), source.outerOffset(finding.span[1])];
      return { ...finding, span, range: map.source.rangeOf(span), message: `${finding.message} (in ${source.path}, embedded in this source map)`, fixable: false };
    };
    for (const source of sources) {
      const result = await this.scanText(ParsedDocument.of(source.path, source.text), config, limits, undefined, signal, readsText);
      for (const finding of result.findings) findings.push(onMap(finding, source));
      for (const entry of result.suppressed) suppressed.push({ ...entry, finding: onMap(entry.finding, source) });
      failures.push(...result.failures);
    }
    // Directive notices (unused, expired) belong to the source file, where they are reported.
    return { findings: withUniqueFingerprints(findings), suppressed, notices: [], failures };
  }

  /**
   * A Terraform JSON file: the Terraform rules run on its native-syntax translation and their
   * findings are moved onto the JSON (without fixes, which would edit the translation), beside
   * what the other rules found in the JSON itself.
   */
  private async withNativeTerraform(
    document: ParsedDocument,
    native: EmbeddedSource,
    result: ScanResult,
    config: EngineConfig,
    limits: ScanLimits,
    signal: AbortSignal | undefined,
  ): Promise<ScanResult> {
    // A failure to load is reported by the rules that need the grammar, as for a .tf file.
    await ensureLanguage('hcl').catch(() => undefined);
    const nativeDocument = ParsedDocument.of(native.path, native.text);
    let translated: ScanResult;
    try {
      translated = await this.scanText(nativeDocument, config, limits, undefined, signal, readsTerraform);
    } finally {
      // Its syntax tree lives in wasm memory, which no garbage collector frees.
      nativeDocument.dispose();
    }
    const bounded = result.bounded ?? translated.bounded;
    if (translated.findings.length === 0 && translated.failures.length === 0) return bounded ? { ...result, bounded } : result;
    const moved = translated.findings.map((finding): Finding => {
      const span: Finding['span'] = [native.outerOffset(finding.span[0]), Math.max(native.outerOffset(finding.span[0]), native.outerOffset(finding.span[1]))];
      return { ...finding, span, range: document.source.rangeOf(span), fixable: false };
    });
    const findings = [...result.findings, ...moved];
    dropGenericDuplicates(findings, this.byId);
    findings.sort(compareFindings);
    return { ...result, findings: withUniqueFingerprints(findings), failures: [...result.failures, ...translated.failures], ...(bounded ? { bounded } : {}) };
  }

  /** The fixes a rule offers for one of its findings in this document version. */
  fixes(document: ParsedDocument, finding: Finding, config: EngineConfig): readonly Fix[] {
    const rule = this.byId.get(finding.ruleId);
    if (!rule?.fix || !finding.fixable) return [];
    const resolved = resolveRule(rule, config);
    return rule.fix({ document, finding, options: resolved?.options ?? {} });
  }

  /** Runs one rule; a promise only when the rule needs a grammar loaded or its check is asynchronous. */
  private runRule(
    rule: Rule,
    resolved: ResolvedRule,
    document: ParsedDocument,
    into: Finding[],
  ): Promise<void> | undefined {
    const language = document.codeLanguage;
    if (rule.syntax === 'code') {
      if (!language) return undefined;
      if (!isLanguageLoaded(language)) return ensureLanguage(language).then(() => this.runRule(rule, resolved, document, into));
    }
    const reports: Report[] = [];
    const checked = rule.check({
      document,
      options: resolved.options,
      report: (report) => void reports.push(report),
      readReferencedFile: (reference) => readReferencedFile(document.path, reference),
    });
    if (checked) return checked.then(() => this.keepReports(rule, resolved, reports, document, into));
    this.keepReports(rule, resolved, reports, document, into);
    return undefined;
  }

  private keepReports(rule: Rule, { severity, configured }: ResolvedRule, reports: readonly Report[], document: ParsedDocument, into: Finding[]): void {
    for (const report of reports) {
      if (report.secret !== undefined && isPlaceholderSecret(report.secret)) continue;
      // A severity the user configured wins; otherwise a rule may raise or lower its default per finding.
      into.push(toFinding(rule, configured ? severity : (report.severity ?? severity), report, document));
    }
  }
}

/** Specific beats generic: a generic rule's finding that overlaps another rule's is removed. */
function dropGenericDuplicates(findings: Finding[], rules: ReadonlyMap<string, Rule>): void {
  const specific = findings.filter((finding) => !rules.get(finding.ruleId)?.generic);
  if (specific.length === findings.length) return;
  const kept = findings.filter(
    (finding) =>
      !rules.get(finding.ruleId)?.generic ||
      !specific.some((other) => other.span[0] < finding.span[1] && finding.span[0] < other.span[1]),
  );
  findings.splice(0, findings.length, ...kept);
}

/** The keywords whose every occurrence the prefilter records for `rule` (`Rule.locatesKeywords`). */
function locatedKeywords(rule: Rule): readonly string[] {
  const located = rule.locatesKeywords;
  return located === true ? rule.keywords : Array.isArray(located) ? located : [];
}

const everyRule = (): boolean => true;
/** Rules that read text, for sources embedded in a map (their syntax rules run where the source lives). */
const readsText = (rule: Rule): boolean => !usesSyntaxTree(rule);
/** The Terraform rules, for a Terraform JSON file's native translation (the others read the JSON). */
const readsTerraform = (rule: Rule): boolean => rule.fileKinds !== '*' && rule.fileKinds.includes('terraform');

/** A Terraform JSON file read as native syntax; undefined when it does not parse or holds no blocks. */
function nativeTerraform(document: ParsedDocument): EmbeddedSource | undefined {
  const [json] = document.yaml();
  if (!json || json.errors.length > 0) return undefined;
  return terraformJsonAsNative(document.path, document.text, json.contents);
}

function usesSyntaxTree(rule: Rule): boolean {
  return rule.syntax !== undefined;
}

function inFileKinds(rule: Rule, document: ParsedDocument): boolean {
  return rule.fileKinds === '*' || rule.fileKinds.some((kind) => document.hasKind(kind));
}

/** The rule's own pattern, a pass over the text: asked only of rules that are on and passed the prefilter. */
function patternMatches(rule: Rule, document: ParsedDocument): boolean {
  // `search` ignores a global pattern's lastIndex, so rules can share one pattern with matchAll.
  return rule.pattern === undefined || document.text.search(rule.pattern) !== -1;
}

function skipReason(document: ParsedDocument, limits: ScanLimits): ScanResult['skipped'] {
  const text = document.text;
  if (document.bytes && document.bytes.length > limits.maxFileBytes) {
    return { reason: 'too-large', detail: `${document.bytes.length} bytes is over the ${limits.maxFileBytes}-byte limit` };
  }
  if (text.length > limits.maxFileBytes) {
    return { reason: 'too-large', detail: `${text.length} characters is over the ${limits.maxFileBytes}-byte limit` };
  }
  if (text.slice(0, 8192).includes('\0')) return { reason: 'binary', detail: 'the file contains NUL bytes' };
  return undefined;
}

function hasOverlongLine(text: string, maxLineLength: number): boolean {
  if (text.length <= maxLineLength) return false;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); ; i = text.indexOf('\n', i + 1)) {
    const end = i === -1 ? text.length : i;
    if (end - lineStart > maxLineLength) return true;
    if (i === -1) return false;
    lineStart = i + 1;
  }
}

function toFinding(rule: Rule, severity: Severity, report: Report, document: ParsedDocument): Finding {
  const masked = report.secret !== undefined ? maskSecret(report.secret) : undefined;
  const message = masked !== undefined ? report.message.split('{{secret}}').join(masked) : report.message;
  // A secret is identified by its value; a construct given beside it tells apart the places one
  // value is used (one password in two services), so fixing one does not renumber the other.
  const identity =
    report.secret !== undefined
      ? report.construct !== undefined ? `${report.construct}\0${report.secret}` : report.secret
      : (report.construct ?? document.text.slice(report.span[0], report.span[1]));
  return {
    ruleId: rule.id,
    category: rule.category,
    severity,
    message,
    span: report.span,
    range: document.source.rangeOf(report.span),
    fingerprint: fingerprintOf(rule.id, identity),
    ...(masked !== undefined ? { maskedSecret: masked } : {}),
    fixable: rule.fix !== undefined && report.fixable !== false,
    ...(report.data ? { data: report.data } : {}),
  };
}

function compareFindings(a: Finding, b: Finding): number {
  return a.span[0] - b.span[0] || a.span[1] - b.span[1] || (a.ruleId < b.ruleId ? -1 : a.ruleId > b.ruleId ? 1 : 0);
}

/** The same secret twice in a file is two findings: number the repeats so both stay distinct. */
function withUniqueFingerprints(findings: Finding[]): Finding[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const count = seen.get(finding.fingerprint) ?? 0;
    seen.set(finding.fingerprint, count + 1);
    return count === 0 ? finding : { ...finding, fingerprint: `${finding.fingerprint}:${count}` };
  });
}
