/**
 * The console checks a learner's class and a result's series with the API's own rule for
 * shown text before sending them, and says which part of the rule was broken: too long, or
 * a character it refuses (< >, a tab or a line break). Typechecked by web/tsconfig.json.
 */
import { describe, expect, it } from 'vitest';
import { t } from '../../../web/src/i18n';
import { checkResult } from '../../../web/src/pages/sites/LearnerPage';
import { checkLearner } from '../../../web/src/pages/sites/learner-form';

const learner = (classGroup: string) =>
  checkLearner('primary', { name: 'Mary Somerville', stage: '4', classGroup }, 'add');

const result = (series: string) =>
  checkResult(
    'primary',
    '01jd5m8q2xc4v9b6n3k1h0',
    { subject: 'mathematics', stage: '4', series, score: '31', maxScore: '50', teacherId: '' },
    false,
  );

describe('free text in the console’s forms', () => {
  it('a class with markup, a tab or a line break is refused by its characters', () => {
    const words = t.sites.learners.errors;
    for (const classGroup of ['<script>', '4<B', '4\tB', '4\nB'])
      expect(learner(classGroup).problems, JSON.stringify(classGroup)).toEqual([
        { fieldId: 'add-classGroup', message: words.classGroupCharacters },
      ]);
    expect(learner('x'.repeat(51)).problems).toEqual([
      { fieldId: 'add-classGroup', message: words.classGroup },
    ]);
    expect(learner('4B & 4C "blue"')).toEqual({
      body: {
        name: 'Mary Somerville',
        stage: 4,
        classGroup: '4B & 4C "blue"',
      },
    });
  });

  it('a series with markup, a tab or a line break is refused by its characters', () => {
    const words = t.sites.learner.errors;
    for (const series of ['<script>', 'Spring <2026>', 'Spring\t2026', 'Spring\n2026'])
      expect(result(series).problems, JSON.stringify(series)).toEqual([
        { fieldId: 'result-series', message: words.seriesCharacters },
      ]);
    expect(result('x'.repeat(41)).problems).toEqual([
      { fieldId: 'result-series', message: words.seriesTooLong },
    ]);
    expect(result('  ').problems).toEqual([{ fieldId: 'result-series', message: words.series }]);
    expect(result('Spring 2026 – Series 1 (A&B)')).toMatchObject({
      body: { series: 'Spring 2026 – Series 1 (A&B)' },
    });
  });
});
