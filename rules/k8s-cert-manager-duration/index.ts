import { isScalar, type Scalar } from 'yaml';
import { defineRule } from '../../server/src/engine/define-rule';
import { pairOf, scalarString, valueOf } from '../../server/src/engine/parse/yaml';
import { parseGoDuration } from '../lib/go-duration';
import { isTemplated, replaceScalar } from '../lib/k8s-yaml';
import docs from './docs.md';

export default defineRule({
  id: 'k8s-cert-manager-duration',
  category: 'long-lived-credential',
  defaultSeverity: 'warning',
  fileKinds: ['kubernetes', 'yaml'],
  keywords: ['cert-manager.io'],
  syntax: 'yaml',
  options: {
    maxHours: { type: 'number', default: 2160, description: 'Longest acceptable leaf certificate lifetime in hours (2160, 90 days: the cert-manager default).' },
    caMaxHours: { type: 'number', default: 87600, description: 'Longest acceptable lifetime in hours for CA certificates (isCA: true), 10 years.' },
  },
  docs,
  check({ document, options, report }) {
    const text = document.text;
    for (const [docIndex, yaml] of document.yaml().entries()) {
      const root = yaml.contents;
      if (!(scalarString(valueOf(root, 'apiVersion')) ?? '').startsWith('cert-manager.io/')) continue;
      if (scalarString(valueOf(root, 'kind')) !== 'Certificate') continue;
      const spec = valueOf(root, 'spec');
      const pair = pairOf(spec, 'duration');
      if (!pair || !isScalar(pair.value) || isTemplated(text, pair.value)) continue;
      const seconds = parseGoDuration(scalarString(pair.value) ?? '');
      if (seconds === undefined) continue;
      const isCa = scalarString(valueOf(spec, 'isCA')) === 'true';
      const limitHours = Number(isCa ? options.caMaxHours : options.maxHours);
      if (seconds <= limitHours * 3600) continue;
      const metadata = valueOf(root, 'metadata');
      const name = scalarString(valueOf(metadata, 'name')) ?? '(unnamed)';
      const renewBefore = parseGoDuration(scalarString(valueOf(spec, 'renewBefore')) ?? '');
      const hours = Math.round(seconds / 3600);
      report({
        span: [(pair.key as Scalar).range![0], pair.value.range![1]],
        message: `Certificate '${name}' is issued for ${hours} hours (${Math.round(hours / 24)} days), over the ${limitHours}-hour limit for ${isCa ? 'CA' : 'leaf'} certificates; a leaked private key stays usable that long.`,
        construct: `${docIndex}:${scalarString(valueOf(metadata, 'namespace')) ?? ''}/${name}`,
        data: { offset: pair.value.range![0], limitHours },
        // A renewBefore at or past the new duration would make cert-manager reject the Certificate.
        fixable: renewBefore === undefined || renewBefore < limitHours * 3600,
      });
    }
  },
  fix({ document, finding }) {
    const { offset, limitHours } = finding.data as { offset: number; limitHours: number };
    for (const yaml of document.yaml()) {
      const pair = pairOf(valueOf(yaml.contents, 'spec'), 'duration');
      if (!pair || !isScalar(pair.value) || pair.value.range?.[0] !== offset) continue;
      const edit = replaceScalar(document.text, pair.value, `${limitHours}h`);
      return edit ? [{ title: `Set duration: ${limitHours}h`, edits: [edit], isPreferred: true }] : [];
    }
    return [];
  },
});
