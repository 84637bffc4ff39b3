/**
 * Accuracy floors on the labeled corpora in ../shared/corpus (see test/corpus/score.ts for how
 * findings are matched to labels). The floors sit slightly below the figures the rules reach, so a
 * change that loses recall or adds false positives fails here; raise them when the rules improve.
 * Skipped, with a message, where the corpora are not available.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, it } from 'node:test';
import { DEFAULT_CORPUS, precision, recall, satisfies, scoreCorpora, type CorpusRun, type Tally } from './score';

const CORPUS = process.env.NHI_CORPUS_DIR ?? DEFAULT_CORPUS;

/** Minimum precision and recall per corpus (and over all of them). */
const FLOORS: Record<string, { precision: number; recall: number }> = {
  'all corpora': { precision: 0.94, recall: 0.85 },
  actionlint: { precision: 0.8, recall: 0.95 },
  'detect-secrets': { precision: 0.96, recall: 0.84 },
  // KICS labels an ordinary user's single access key as clean (its checks are about root and
  // key counts); cfn-iam-access-key and tf-aws-iam-access-key report every long-term key by design.
  kics: { precision: 0.89, recall: 0.85 },
  secretlint: { precision: 0.94, recall: 0.86 },
};

/** Minimum recall of the kinds the static-secret rules are responsible for, per corpus. */
const KIND_RECALL_FLOORS: Record<string, Record<string, number>> = {
  'detect-secrets': { password: 0.91, 'provider-token': 0.82, 'aws-access-key': 0.8 },
  kics: { password: 0.88, 'private-key': 0.95, 'password-in-url': 0.95, 'provider-token': 0.9 },
  secretlint: { 'provider-token': 0.87, 'password-in-url': 0.95, 'private-key': 0.85 },
};

const available = existsSync(CORPUS);
if (!available) console.log(`# corpus accuracy: skipped, no labeled corpora at ${CORPUS} (set NHI_CORPUS_DIR)`);

describe('corpus accuracy', { skip: available ? false : `no labeled corpora at ${CORPUS}` }, () => {
  let run: CorpusRun | undefined;
  const scored = async () => (run ??= await scoreCorpora(CORPUS));
  const describeTally = (t: Tally) => `TP ${t.tp} FP ${t.fp} FN ${t.fn}, precision ${precision(t).toFixed(3)}, recall ${recall(t).toFixed(3)}`;

  it('scans every labeled file without a rule failure or a missing file', async () => {
    const { scores } = await scored();
    const failures = scores.flatMap((score) => score.problems).filter((problem) => / failed: |labeled file is missing/.test(problem));
    assert.deepEqual(failures, []);
  });

  for (const [name, floor] of Object.entries(FLOORS)) {
    it(`${name}: precision >= ${floor.precision}, recall >= ${floor.recall}`, async () => {
      const { scores, overall } = await scored();
      const tally = name === 'all corpora' ? overall : scores.find((score) => score.corpus === name)?.total;
      if (!tally) return; // a corpus folder that is not there (an unseen set with other sources)
      assert.ok(precision(tally) >= floor.precision, `${name} precision fell: ${describeTally(tally)} (see npm run bench:accuracy)`);
      assert.ok(recall(tally) >= floor.recall, `${name} recall fell: ${describeTally(tally)} (see npm run bench:accuracy)`);
    });
  }

  for (const [name, kinds] of Object.entries(KIND_RECALL_FLOORS)) {
    it(`${name}: per-kind recall floors`, async () => {
      const { scores } = await scored();
      const score = scores.find((s) => s.corpus === name);
      if (!score) return;
      for (const [kind, floor] of Object.entries(kinds)) {
        const tally = score.byKind[kind];
        if (!tally) continue;
        assert.ok(recall(tally) >= floor, `${name} / ${kind} recall fell below ${floor}: ${describeTally(tally)}`);
      }
    });
  }
});

describe('corpus scoring: which findings contradict a file labelled free of secrets', () => {
  it('counts findings that claim a value in the file, not findings about configuration', () => {
    assert.equal(satisfies({ ruleId: 'sec-password-assignment', category: 'secret' }, 'any-secret'), true);
    assert.equal(satisfies({ ruleId: 'code-env-literal-fallback', category: 'fallback' }, 'any-secret'), true);
    assert.equal(satisfies({ ruleId: 'tf-instance-static-aws-keys', category: 'long-lived-credential' }, 'any-secret'), true);
    assert.equal(satisfies({ ruleId: 'tf-gke-legacy-auth', category: 'long-lived-credential' }, 'any-secret'), false);
    assert.equal(satisfies({ ruleId: 'tf-azuread-secret-expiry', category: 'missing-ttl' }, 'any-secret'), false);
    // The same findings still answer the labels of their own kinds.
    assert.equal(satisfies({ ruleId: 'tf-gke-legacy-auth', category: 'long-lived-credential' }, 'certificate'), true);
  });
});
