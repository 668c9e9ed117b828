// A labelled text input with the error the server (or the form) gave for its field, linked for
// screen readers. `testid` names the input; the error is `${errorTestid}`.
interface Props {
  label: string;
  name: string;
  type?: 'text' | 'password' | 'email' | 'tel' | 'number' | 'search';
  autoComplete?: string;
  autoFocus?: boolean;
  maxLength?: number;
  required?: boolean;
  value: string;
  onValue: (v: string) => void;
  /** The error text for this field, or null. */
  error: string | null;
  testid: string;
  errorTestid: string;
}

export function TextField({ label, value, onValue, error, testid, errorTestid, type = 'text', ...input }: Props) {
  const errorId = `${testid}-error`;
  return (
    <label>
      {label}
      <input
        {...input}
        type={type as 'text'}
        value={value}
        onInput={(e) => onValue((e.currentTarget as HTMLInputElement).value)}
        aria-invalid={error !== null}
        aria-describedby={error !== null ? errorId : undefined}
        data-testid={testid}
      />
      {error !== null ? <span class="field-error" id={errorId} role="alert" data-testid={errorTestid}>{error}</span> : null}
    </label>
  );
}
