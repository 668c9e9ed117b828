// Administration: a list and a form per object kind (`#/admin/<kind>`, `#/admin/<kind>/new`,
// `#/admin/<kind>/<id>`).
import { t } from '../../i18n';
import type { ScreenProps } from '../../app/screens';
import { AdminForm } from './AdminForm';
import { AdminList } from './AdminList';
import { ADMIN_KINDS, KINDS, type AdminKind } from './kinds';
import './admin.css';

export default function Admin({ rest }: ScreenProps) {
  const kind: AdminKind = (ADMIN_KINDS as readonly string[]).includes(rest[0] ?? '') ? (rest[0] as AdminKind) : 'skills';
  const id = rest[1];
  return (
    <div class="admin" data-testid="admin-screen">
      <nav class="admin-tabs" aria-label={t('admin.kinds')}>
        {ADMIN_KINDS.map((k) => (
          <a key={k} href={`#/admin/${k}`} data-testid={`admin-tab-${k}`} aria-current={k === kind ? 'page' : undefined}>
            {t(`admin.kind.${k}`)}
          </a>
        ))}
      </nav>
      {id === undefined ? (
        <AdminList key={kind} def={KINDS[kind]} />
      ) : (
        <AdminForm key={`${kind}/${id}`} def={KINDS[kind]} id={id === 'new' ? null : id} />
      )}
    </div>
  );
}
