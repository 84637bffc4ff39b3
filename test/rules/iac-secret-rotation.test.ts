/**
 * iac-secret-rotation reads Secrets Manager schedule expressions: rates in days or hours, and
 * cron schedules by the longest run of months they skip.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scheduleDays } from '../../rules/iac-secret-rotation';

describe('iac-secret-rotation schedule expressions', () => {
  it('reads rates in days and hours', () => {
    assert.equal(scheduleDays('rate(1 day)'), 1);
    assert.equal(scheduleDays('rate(180 days)'), 180);
    assert.equal(scheduleDays(' rate( 30  days ) '), 30);
    assert.equal(scheduleDays('rate(12 hours)'), 0.5);
    assert.equal(scheduleDays('rate(10 minutes)'), undefined);
  });

  it('gives a cron that runs every month at most a month, and one that skips months the longest gap', () => {
    assert.equal(scheduleDays('cron(0 6 1 * ? *)'), 30);
    assert.equal(scheduleDays('cron(0 3 ? * SUN *)'), 30);
    assert.equal(scheduleDays('cron(0 4 1 1,7 ? *)'), 6 * 30);
    assert.equal(scheduleDays('cron(0 4 1 JAN ? *)'), 12 * 30);
    assert.equal(scheduleDays('cron(0 4 1 1/3 ? *)'), 3 * 30);
    assert.equal(scheduleDays('cron(0 4 1 */2 ? *)'), 2 * 30);
    // March to May, then nothing until the next March.
    assert.equal(scheduleDays('cron(0 4 1 MAR-MAY ? *)'), 10 * 30);
  });

  it('leaves what it cannot read', () => {
    for (const expression of ['cron(0 4 1 13 ? *)', 'cron(0 4 1 5-2 ? *)', 'cron(0 4 1 * ?)', 'cron(0 4 1 1/0 ? *)', 'at(2026-01-01T00:00:00)', '']) {
      assert.equal(scheduleDays(expression), undefined, expression);
    }
  });
});
