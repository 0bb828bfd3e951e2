/**
 * A progress bar: React Aria's ProgressBar (role progressbar, its value and value text for
 * assistive technology), drawn as an SVG whose bar's width is an attribute, not a style (the
 * console's CSP refuses inline styles). Without `value` it is indeterminate.
 */
import { Label, ProgressBar } from 'react-aria-components';

import './import.css';

export function Progress({
  label,
  value,
  maxValue = 100,
  valueLabel,
}: {
  label: string;
  value?: number | undefined;
  maxValue?: number;
  valueLabel: string;
}) {
  return (
    <ProgressBar
      className="progress"
      value={value}
      minValue={0}
      maxValue={maxValue}
      valueLabel={valueLabel}
      isIndeterminate={value === undefined}
    >
      {({ percentage, isIndeterminate }) => (
        <>
          <div className="progress-labels">
            <Label>{label}</Label>
            <span className="progress-value">{valueLabel}</span>
          </div>
          <svg
            className={isIndeterminate ? 'progress-track indeterminate' : 'progress-track'}
            viewBox="0 0 100 10"
            preserveAspectRatio="none"
            aria-hidden="true"
            focusable="false"
          >
            <rect
              className="progress-fill"
              x="0"
              y="0"
              height="10"
              width={isIndeterminate ? 30 : (percentage ?? 0)}
            />
          </svg>
        </>
      )}
    </ProgressBar>
  );
}
