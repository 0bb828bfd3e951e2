/**
 * Form parts in the GOV.UK pattern: a visible label per field, an optional hint, the error
 * beside the field, and an error summary at the top that takes focus and links to each
 * field. Built on React Aria, so labels, descriptions and invalid states are wired for
 * assistive technology.
 */
import { type ReactNode, useEffect, useRef } from 'react';
import {
  Checkbox as AriaCheckbox,
  TextField as AriaTextField,
  FieldError,
  Input,
  Label,
  Text,
} from 'react-aria-components';
import { t } from '../i18n';

export interface TextFieldProps {
  id: string;
  label: string;
  value: string;
  onChange(value: string): void;
  type?: 'text' | 'email' | 'password' | 'search';
  autoComplete?: string;
  hint?: ReactNode;
  error?: string | undefined;
  isRequired?: boolean;
  isReadOnly?: boolean;
  inputMode?: 'text' | 'numeric' | 'email';
  name?: string;
}

export function TextField(props: TextFieldProps) {
  return (
    <AriaTextField
      className="field"
      // React Aria gives the field's id to its input: the id the error summary links to.
      // (An id on <Input> as well is merged asynchronously, so for a moment the input would
      // carry the other one and a summary link could miss it.)
      id={props.id}
      value={props.value}
      onChange={props.onChange}
      type={props.type ?? 'text'}
      autoComplete={props.autoComplete}
      isInvalid={Boolean(props.error)}
      isRequired={props.isRequired}
      isReadOnly={props.isReadOnly}
      inputMode={props.inputMode}
      name={props.name ?? props.id}
      // The browser's own bubbles would duplicate (and differ from) our messages.
      validationBehavior="aria"
    >
      <Label>{props.label}</Label>
      {props.hint ? (
        <Text slot="description" className="hint">
          {props.hint}
        </Text>
      ) : null}
      <Input className="input" />
      <FieldError className="field-error">{props.error}</FieldError>
    </AriaTextField>
  );
}

export function Checkbox(props: {
  id?: string;
  children: ReactNode;
  isSelected: boolean;
  onChange(selected: boolean): void;
  isDisabled?: boolean;
  'aria-label'?: string;
}) {
  return (
    <AriaCheckbox
      id={props.id}
      className="checkbox"
      isSelected={props.isSelected}
      onChange={props.onChange}
      isDisabled={props.isDisabled}
      aria-label={props['aria-label']}
    >
      <span className="box" aria-hidden="true" />
      {props.children}
    </AriaCheckbox>
  );
}

export interface FieldProblem {
  /** The id of the input the message belongs to, so the summary can link to it. */
  fieldId: string;
  message: string;
}

/**
 * Shown above a form when it was refused. It takes focus when it appears, so a keyboard
 * or screen-reader user hears what is wrong; each message links to its field.
 */
export function ErrorSummary({
  problems,
  title = t.common.thereIsAProblem,
}: {
  problems: FieldProblem[];
  title?: string;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const shown = problems.length > 0;
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus each time a new set of problems appears
  useEffect(() => {
    if (shown) ref.current?.focus();
  }, [shown, problems]);
  if (!shown) return null;
  return (
    <div
      className="error-summary"
      ref={ref}
      tabIndex={-1}
      role="alert"
      aria-labelledby="error-summary-title"
    >
      <h2 id="error-summary-title">{title}</h2>
      <ul>
        {problems.map((problem) => (
          <li key={`${problem.fieldId}:${problem.message}`}>
            <a
              href={`#${problem.fieldId}`}
              onClick={(event) => {
                event.preventDefault();
                document.getElementById(problem.fieldId)?.focus();
              }}
            >
              {problem.message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
