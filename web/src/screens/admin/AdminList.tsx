// The objects of one kind: a table with edit links and delete with confirmation.
import { useEffect, useState } from 'preact/hooks';
import { ApiError } from '../../api/errors';
import { t } from '../../i18n';
import { deleteObject, listObjects } from './adminApi';
import { cellText } from './cells';
import { flash } from './flash';
import type { KindDef } from './kinds';

type Obj = Record<string, unknown>;

function deleteMessage(err: unknown): string {
  if (err instanceof ApiError && err.status === 409) return t('admin.inUse', { message: err.message });
  return t('error.generic', { message: err instanceof Error ? err.message : String(err) });
}

export function AdminList({ def }: { def: KindDef }) {
  const [items, setItems] = useState<Obj[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const labels = Object.fromEntries(def.fields.map((f) => [f.key, f.label]));

  const load = () =>
    listObjects(def).then(setItems, (e: unknown) => setError(t('error.generic', { message: e instanceof Error ? e.message : String(e) })));
  useEffect(() => {
    void load();
    return () => (flash.value = null);
  }, [def.kind]);

  const remove = async (id: string) => {
    setBusy(true);
    setError(null);
    try {
      await deleteObject(def, id);
      flash.value = t('admin.deleted', { id });
      setConfirming(null);
      await load();
    } catch (e) {
      setError(deleteMessage(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card admin-list" aria-labelledby="admin-list-title">
      <div class="admin-list-head">
        <h1 id="admin-list-title">{t(`admin.kind.${def.kind}`)}</h1>
        <a class="button primary" href={`#/admin/${def.kind}/new`} data-testid="admin-new">
          {t('admin.new')}
        </a>
      </div>
      {flash.value && (
        <p class="notice" role="status" data-testid="admin-flash">
          {flash.value}
        </p>
      )}
      {error && (
        <p class="notice error" role="alert" data-testid="admin-list-error">
          {error}
        </p>
      )}
      {items === null && !error && <p data-testid="admin-loading">{t('app.loading')}</p>}
      {items && items.length === 0 && <p data-testid="admin-empty">{t('admin.empty')}</p>}
      {items && items.length > 0 && (
        <table class="admin-table" data-testid="admin-table">
          <thead>
            <tr>
              {def.columns.map((c) => (
                <th key={c} scope="col">
                  {t(labels[c] ?? (c === 'offer' ? 'admin.col.offer' : 'admin.col.capacity'))}
                </th>
              ))}
              <th scope="col">
                <span class="sr-only">{t('admin.actions')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {items.map((o) => {
              const id = def.idOf(o);
              return (
                <tr key={id} data-testid={`admin-row-${id}`}>
                  {def.columns.map((c) => (
                    <td key={c}>{cellText(o[c])}</td>
                  ))}
                  <td class="admin-actions">
                    <a href={`#/admin/${def.kind}/${encodeURIComponent(id)}`} data-testid={`admin-edit-${id}`}>
                      {t('admin.edit')}
                    </a>
                    {confirming !== id && (
                      <button type="button" data-testid={`admin-delete-${id}`} onClick={() => setConfirming(id)}>
                        {t('admin.delete')}
                      </button>
                    )}
                    {confirming === id && (
                      <span class="admin-confirm" role="group" aria-label={t('admin.confirmDelete', { id })}>
                        <span>{t('admin.confirmDelete', { id })}</span>
                        <button type="button" class="danger" disabled={busy} data-testid="admin-delete-confirm" ref={(b) => b?.focus()} onClick={() => void remove(id)}>
                          {t('admin.deleteYes')}
                        </button>
                        <button type="button" data-testid="admin-delete-cancel" onClick={() => setConfirming(null)}>
                          {t('admin.cancel')}
                        </button>
                      </span>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
