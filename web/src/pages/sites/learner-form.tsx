/**
 * A learner's name, stage and class, as added and edited, checked in the browser with the
 * API's own schema (LearnerBodySchema) and the site's stages before anything is sent.
 */

import { LearnerBodySchema } from '../../api/schemas';
import type { FieldProblem } from '../../components/forms';
import { TextField } from '../../components/forms';
import { formatNumber, t } from '../../i18n';
import { SelectField } from './parts';
import { type ProgressionSite, stageList, stagesOf } from './site';

export interface LearnerValues {
  name: string;
  stage: string;
  classGroup: string;
}

export interface LearnerBody {
  name: string;
  stage: number;
  classGroup?: string;
}

export const emptyLearner: LearnerValues = { name: '', stage: '', classGroup: '' };

const stageWords = (site: ProgressionSite) => {
  const { from, to } = stagesOf[site];
  return [formatNumber(from), formatNumber(to)] as const;
};

/** The body to send, or the problems to show (field ids start with `prefix`). */
export function checkLearner(
  site: ProgressionSite,
  values: LearnerValues,
  prefix: string,
): { body: LearnerBody; problems?: undefined } | { problems: FieldProblem[] } {
  const words = t.sites.learners.errors;
  const stage = values.stage === '' ? Number.NaN : Number(values.stage);
  const parsed = LearnerBodySchema.safeParse({
    name: values.name,
    stage,
    ...(values.classGroup.trim() ? { classGroup: values.classGroup } : {}),
  });
  const problems: FieldProblem[] = [];
  const { from, to } = stagesOf[site];
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = String(issue.path[0]);
      if (problems.some((problem) => problem.fieldId === `${prefix}-${field}`)) continue;
      if (field === 'name')
        problems.push({
          fieldId: `${prefix}-name`,
          message: !values.name.trim()
            ? words.name
            : values.name.trim().length > 100
              ? words.nameTooLong
              : words.nameCharacters,
        });
      else if (field === 'classGroup')
        problems.push({
          fieldId: `${prefix}-classGroup`,
          message: issue.code === 'too_big' ? words.classGroup : words.classGroupCharacters,
        });
    }
  }
  if (!Number.isInteger(stage) || stage < from || stage > to)
    problems.push({ fieldId: `${prefix}-stage`, message: words.stage(...stageWords(site)) });
  // The summary lists problems in the order of the fields.
  const order = ['name', 'stage', 'classGroup'].map((field) => `${prefix}-${field}`);
  problems.sort((a, b) => order.indexOf(a.fieldId) - order.indexOf(b.fieldId));
  if (problems.length || !parsed.success) return { problems };
  return { body: parsed.data };
}

export function LearnerFields({
  site,
  prefix,
  values,
  onChange,
  problems,
}: {
  site: ProgressionSite;
  prefix: string;
  values: LearnerValues;
  onChange(values: LearnerValues): void;
  problems: FieldProblem[];
}) {
  const words = t.sites.learners;
  const errorFor = (field: string) =>
    problems.find((problem) => problem.fieldId === `${prefix}-${field}`)?.message;
  return (
    <>
      <TextField
        id={`${prefix}-name`}
        label={words.name}
        autoComplete="off"
        value={values.name}
        onChange={(name) => onChange({ ...values, name })}
        error={errorFor('name')}
      />
      <SelectField
        id={`${prefix}-stage`}
        label={words.stage}
        hint={words.stageHint(...stageWords(site))}
        value={values.stage}
        onChange={(stage) => onChange({ ...values, stage })}
        placeholder={words.chooseStage}
        options={stageList(site).map(
          (stage) => [String(stage), words.stageOption(formatNumber(stage))] as const,
        )}
        error={errorFor('stage')}
      />
      <TextField
        id={`${prefix}-classGroup`}
        label={words.classGroup}
        hint={words.classHint}
        autoComplete="off"
        value={values.classGroup}
        onChange={(classGroup) => onChange({ ...values, classGroup })}
        error={errorFor('classGroup')}
      />
    </>
  );
}
