// One form field: its label, control, hint and the error the API (or the form) gave for it.
import { t } from '../../i18n';
import type { LevelRow, Value } from './convert';
import type { FieldDef } from './kinds';

export interface FieldProps {
  field: FieldDef;
  value: Value;
  onChange: (v: Value) => void;
  error: string | null;
  /** The error's full path, e.g. `skills.billing` marks that skill's row. */
  errorPath?: string | null;
  disabled: boolean;
  /** The center's skill and agent ids for 'skills' / 'agents' choices. */
  choices: { skills: string[]; agents: string[] };
}

export const controlId = (key: string) => `admin-f-${key.replace(/\./g, '-')}`;

function optionLabel(field: FieldDef, o: string): string {
  if (o !== '') return o;
  return field.options === 'agents' ? t('admin.noAgent') : t('admin.default');
}

function Levels({ field, value, onChange, disabled, choices, describedBy, error, errorPath }: FieldProps & { describedBy: string }) {
  const rows = value as LevelRow[];
  // The row the error names, else the whole list's first row.
  const named = rows.findIndex((r) => r.skill !== '' && errorPath === `${field.key}.${r.skill}`);
  const invalidRow = error ? (named >= 0 ? named : 0) : -1;
  const set = (i: number, row: LevelRow) => onChange(rows.map((r, j) => (j === i ? row : r)));
  const known = choices.skills;
  return (
    <div class="levels" id={controlId(field.key)} data-testid={`admin-field-${field.key}`} aria-describedby={describedBy}>
      {rows.map((r, i) => (
        <div class="level-row" key={i}>
          <select
            aria-label={t('admin.levelSkill', { n: i + 1 })}
            data-testid={`admin-level-skill-${field.key}-${i}`}
            value={r.skill}
            disabled={disabled}
            onChange={(e) => set(i, { ...r, skill: e.currentTarget.value })}
          >
            <option value="">{t('admin.chooseSkill')}</option>
            {[...new Set([...known, ...(r.skill ? [r.skill] : [])])].map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
          <input
            type="number"
            min={1}
            aria-label={t('admin.levelValue', { n: i + 1 })}
            aria-invalid={i === invalidRow ? true : undefined}
            data-testid={`admin-level-value-${field.key}-${i}`}
            value={r.level}
            disabled={disabled}
            onInput={(e) => set(i, { ...r, level: e.currentTarget.value })}
          />
          <button type="button" disabled={disabled} onClick={() => onChange(rows.filter((_, j) => j !== i))} aria-label={t('admin.levelRemove', { n: i + 1 })}>
            ✕
          </button>
        </div>
      ))}
      <button type="button" disabled={disabled} data-testid={`admin-level-add-${field.key}`} onClick={() => onChange([...rows, { skill: '', level: '1' }])}>
        {t('admin.levelAdd')}
      </button>
    </div>
  );
}

export function FieldControl(props: FieldProps) {
  const { field, value, onChange, error, disabled, choices } = props;
  const id = controlId(field.key);
  const hintId = `${id}-hint`;
  const errId = `${id}-error`;
  const describedBy = [field.hint ? hintId : '', error ? errId : ''].filter(Boolean).join(' ') || undefined;
  const common = {
    id,
    'data-testid': `admin-field-${field.key}`,
    disabled,
    'aria-invalid': error ? true : undefined,
    'aria-describedby': describedBy,
  };
  let control;
  let grouped = false;
  switch (field.type) {
    case 'checkbox':
      control = <input type="checkbox" {...common} checked={value === true} onChange={(e) => onChange(e.currentTarget.checked)} />;
      break;
    case 'select': {
      const opts = field.options === 'agents' ? ['', ...choices.agents] : field.options === 'skills' ? ['', ...choices.skills] : [...(field.options ?? [])];
      const v = value as string;
      if (v && !opts.includes(v)) opts.push(v);
      control = (
        <select {...common} value={v} onChange={(e) => onChange(e.currentTarget.value)}>
          {opts.map((o) => (
            <option key={o} value={o}>
              {optionLabel(field, o)}
            </option>
          ))}
        </select>
      );
      break;
    }
    case 'roles': {
      grouped = true;
      const roles = value as string[];
      control = (
        <div class="checks" id={id} data-testid={`admin-field-${field.key}`}>
          {(field.options as readonly string[]).map((r, i) => (
            <label key={r} class="check">
              <input
                type="checkbox"
                aria-invalid={error && i === 0 ? true : undefined}
                data-testid={`admin-role-${r}`}
                checked={roles.includes(r)}
                disabled={disabled}
                onChange={(e) => onChange(e.currentTarget.checked ? [...roles, r] : roles.filter((x) => x !== r))}
              />
              {t(`admin.role.${r as 'admin'}`)}
            </label>
          ))}
        </div>
      );
      break;
    }
    case 'levels':
      grouped = true;
      control = <Levels {...props} describedBy={describedBy ?? ''} />;
      break;
    default:
      control = (
        <input
          type={(field.type === 'password' ? 'password' : field.type === 'number' ? 'number' : 'text') as 'text'}
          autocomplete={field.type === 'password' ? 'new-password' : 'off'}
          spellcheck={false}
          {...common}
          class={field.type === 'expression' ? 'mono wide' : undefined}
          value={value as string}
          onInput={(e) => onChange(e.currentTarget.value)}
        />
      );
  }
  const text = t(field.label);
  return (
    <div class={`field field-${field.type}`}>
      {grouped ? (
        <fieldset aria-describedby={describedBy}>
          <legend>{text}</legend>
          {control}
        </fieldset>
      ) : field.type === 'checkbox' ? (
        <label class="check" for={id}>
          {control}
          {text}
        </label>
      ) : (
        <label for={id}>
          {text}
          {control}
        </label>
      )}
      {field.hint && (
        <small id={hintId} class="muted">
          {t(field.hint)}
        </small>
      )}
      {error && (
        <p id={errId} class="field-error" role="alert" data-testid={`admin-error-${field.key}`}>
          {error}
        </p>
      )}
    </div>
  );
}
