// Create or edit one object. Errors from the API land next to the control their `field` names
// (fieldPath.ts), or above the form when no control matches.
import { Fragment } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api/errors';
import { navigate } from '../../app/router';
import { t } from '../../i18n';
import { choices as loadChoices, getObject, saveObject } from './adminApi';
import { emptyForm, fromForm, toForm, type FormState, type Value } from './convert';
import { ADVANCED, controlFor } from './fieldPath';
import { FieldControl } from './FieldControl';
import { flash } from './flash';
import type { KindDef } from './kinds';

interface Problem {
  control: string | null;
  /** The full path the error names (`skills.billing`), to mark the row inside a control. */
  path: string | null;
  message: string;
}

const errText = (e: unknown) => (e instanceof Error ? e.message : String(e));

export function AdminForm({ def, id }: { def: KindDef; id: string | null }) {
  const creating = id === null;
  const [form, setForm] = useState<FormState | null>(creating ? emptyForm(def) : null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);
  const [saving, setSaving] = useState(false);
  const [choices, setChoices] = useState<{ skills: string[]; agents: string[] }>({ skills: [], agents: [] });
  const controls = def.fields.map((f) => f.key);

  useEffect(() => {
    if (def.fields.some((f) => f.options === 'skills' || f.options === 'agents')) loadChoices().then(setChoices, () => undefined);
    if (id !== null) getObject(def, id).then((o) => setForm(toForm(def, o)), (e: unknown) => setLoadError(errText(e)));
  }, [def.kind, id]);

  // Focus the control the problem names (the invalid skill row within a list), so a keyboard user
  // lands on it; a problem without a control focuses the message above the form.
  useEffect(() => {
    if (!problem) return;
    const invalid = document.querySelector<HTMLElement>('[data-testid="admin-form"] [aria-invalid="true"]');
    (invalid ?? document.getElementById('admin-form-error'))?.focus();
  }, [problem]);

  if (loadError) {
    return (
      <p class="notice error" role="alert" data-testid="admin-load-error">
        {t('admin.loadFailed', { message: loadError })}
      </p>
    );
  }
  if (!form) return <p data-testid="admin-loading">{t('app.loading')}</p>;

  const setValue = (key: string, v: Value) => setForm({ ...form, values: { ...form.values, [key]: v } });
  const errorFor = (control: string) => (problem && problem.control === control ? problem.message : null);

  const submit = async (e: Event) => {
    e.preventDefault();
    const converted = fromForm(def, form, creating);
    if (!converted.ok) {
      setProblem({ control: controlFor(converted.error.field, controls, def.advanced), path: converted.error.field, message: t(converted.error.message) });
      return;
    }
    setSaving(true);
    setProblem(null);
    try {
      const saved = await saveObject(def, id, converted.body);
      flash.value = t('admin.saved', { id: def.idOf(saved) || id || '' });
      navigate(`admin/${def.kind}`);
    } catch (err) {
      const field = err instanceof ApiError ? err.field : null;
      setProblem({ control: controlFor(field, controls, def.advanced), path: field, message: errText(err) });
    } finally {
      setSaving(false);
    }
  };

  const title = creating ? t('admin.createTitle', { kind: t(`admin.one.${def.kind}`) }) : t('admin.editTitle', { kind: t(`admin.one.${def.kind}`), id: id ?? '' });
  return (
    <form class="card admin-form" data-testid="admin-form" onSubmit={submit} noValidate>
      <h1>{title}</h1>
      {problem && problem.control === null && (
        <p id="admin-form-error" tabIndex={-1} class="notice error" role="alert" data-testid="admin-form-error">
          {problem.message}
        </p>
      )}
      <div class="admin-fields">
        {def.fields.map((f) => (
          <Fragment key={f.key}>
            {f.section && <h2 class="admin-section">{t(f.section)}</h2>}
            <FieldControl
              field={f}
              value={form.values[f.key] ?? ''}
              onChange={(v) => setValue(f.key, v)}
              error={errorFor(f.key)}
              errorPath={problem?.control === f.key ? problem.path : null}
              disabled={saving || (!creating && f.createOnly === true)}
              choices={choices}
            />
          </Fragment>
        ))}
      </div>
      {def.advanced && (
        <div class="field admin-advanced">
          <label for="admin-f-advanced">{t('admin.advanced')}</label>
          <small id="admin-f-advanced-hint" class="muted">
            {t(`admin.advancedHint.${def.kind as 'queues'}`)}
          </small>
          <textarea
            id="admin-f-advanced"
            data-testid="admin-advanced"
            class="mono"
            rows={14}
            spellcheck={false}
            aria-invalid={errorFor(ADVANCED) ? true : undefined}
            aria-describedby={`admin-f-advanced-hint${errorFor(ADVANCED) ? ' admin-f-advanced-error' : ''}`}
            value={form.advanced}
            disabled={saving}
            onInput={(e) => setForm({ ...form, advanced: e.currentTarget.value })}
          />
          {errorFor(ADVANCED) && (
            <p id="admin-f-advanced-error" class="field-error" role="alert" data-testid="admin-error-advanced">
              {errorFor(ADVANCED)}
            </p>
          )}
        </div>
      )}
      <div class="admin-buttons">
        <button type="submit" class="primary" disabled={saving} data-testid="admin-save">
          {saving ? t('admin.saving') : t('admin.save')}
        </button>
        <a href={`#/admin/${def.kind}`} data-testid="admin-back">
          {t('admin.cancel')}
        </a>
      </div>
    </form>
  );
}
