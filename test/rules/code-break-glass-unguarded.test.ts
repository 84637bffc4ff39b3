/**
 * code-break-glass-unguarded's prefilter: its keywords spell out the switch names its pattern
 * matches, so a file with a switch name always reaches the pattern and the rule.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import rule from '../../rules/code-break-glass-unguarded';

describe('code-break-glass-unguarded keywords', () => {
  it('every text the pattern matches contains one of the keywords', () => {
    const fragments = ['break', 'glass', 'god', 'mode', 'admin', 'override', 'bypass', 'skip', 'disable', 'auth', 'sso', 'mfa', 'login', 'emergency', 'backdoor', 'Break', 'GLASS', 'Mode', 'SSO', 'Login', '-', '_', '.', ' ', '  ', 'x', '=', '\n'];
    let seed = 3;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    let matched = 0;
    for (let round = 0; round < 20000; round++) {
      const text = Array.from({ length: 6 }, () => fragments[Math.floor(random() * fragments.length)]).join('');
      if (text.search(rule.pattern!) === -1) continue;
      matched++;
      const lower = text.toLowerCase();
      assert.ok(rule.keywords.some((keyword) => lower.includes(keyword)), `no keyword in ${JSON.stringify(text)}`);
    }
    assert.ok(matched > 100, `only ${matched} texts matched`);
  });

  it('leaves files that only use the common words alone', () => {
    const lower = 'function skip(options) { if (options.disable) return override(mode); }'.toLowerCase();
    assert.equal(rule.keywords.some((keyword) => lower.includes(keyword)), false);
  });
});
