'use client';
// Settings → Members: who belongs to the current project and with which role.
// Admins add people (creating those without an account, with an initial
// password), change roles and remove members; members see the list only.
import { useEffect, useState } from 'react';
import { MEMBER_ROLES, PASSWORD_MIN_LENGTH, type Me, type Member, type MemberRole } from '@memsight/contracts';
import { api, ApiError, type FieldProblem } from '../lib/api';
import { formatAgo } from '../lib/format';
import { problemsByField } from '../lib/rule-form';

const ROLE_TEXT: Record<MemberRole, string> = { member: 'member: reads, works alerts', admin: 'admin: also rules, keys, members' };
const READONLY_NOTE = 'You are a member of this project: only its admins can add people, change roles or remove members.';
const PASSWORD_HINT = `Only for someone without an account yet: they sign in with it. ${PASSWORD_MIN_LENGTH} characters or more. An existing person keeps their own.`;

/** Schema problems keyed by field; "must have required property 'email'" (path /) goes to the field it names. */
function fieldErrors(err: unknown): Record<string, string> {
  const problems: FieldProblem[] = err instanceof ApiError ? err.problems : [];
  const named = problems.map((p) => {
    const missing = /required property '([^']+)'/.exec(p.message);
    return missing && (p.path === '/' || p.path === '') ? { path: `/${missing[1]}`, message: 'is required' } : p;
  });
  return problemsByField(named, (err as Error).message);
}

function Field({ id, field, label, error, hint, children }: { id: string; field: string; label: string; error?: string; hint?: string; children: React.ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children}
      {hint && <small id={`${id}-hint`} className="muted">{hint}</small>}
      {error && <small id={`${id}-error`} className="error" role="alert" data-field-error={field}>{error}</small>}
    </div>
  );
}

const describedBy = (id: string, error: string | undefined, hint?: boolean) => [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

export function MembersView({ apiKey }: { apiKey: string }) {
  const [me, setMe] = useState<Me | null>(null);
  const [meFailed, setMeFailed] = useState<string | null>(null);
  const [members, setMembers] = useState<Member[] | null>(null);
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<MemberRole>('member');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [rowErrors, setRowErrors] = useState<Record<string, string>>({});
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () => api.members(apiKey).then((r) => setMembers(r.members), (err: Error) => setErrors({ form: err.message }));
  useEffect(() => {
    void load();
    api.me(apiKey).then(setMe, (err: Error) => setMeFailed(err.message));
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [apiKey]);

  const project = me?.projects.find((p) => p.id === me.currentProjectId);
  const isAdmin = project?.role === 'admin';

  const add = async (e: React.FormEvent) => {
    e.preventDefault();
    setErrors({});
    setStatus(null);
    setBusy(true);
    try {
      const typedPassword = password !== '';
      const added = await api.addMember(apiKey, { email: email.trim(), role, ...(name.trim() ? { name: name.trim() } : {}), ...(typedPassword ? { password } : {}) });
      setStatus(
        added.personCreated
          ? `Created ${added.member.email} as ${added.member.role}: they sign in with the password you gave.`
          : `Added ${added.member.email} as ${added.member.role}.${typedPassword ? ' They already had an account: their password is unchanged.' : ''}`,
      );
      setEmail('');
      setName('');
      setPassword('');
      setRole('member');
      void load();
    } catch (err) {
      setErrors(fieldErrors(err));
    } finally {
      setBusy(false);
    }
  };

  const changeRole = async (m: Member, next: MemberRole) => {
    setRowErrors({});
    setStatus(null);
    try {
      await api.updateMember(apiKey, m.userId, { role: next });
      setStatus(`${m.email} is now ${next === 'admin' ? 'an admin' : 'a member'}.`);
    } catch (err) {
      setRowErrors({ [m.userId]: (err as Error).message });
    }
    void load();
  };

  const remove = async (m: Member) => {
    if (!window.confirm(`Remove ${m.email} from ${project?.name ?? 'this project'}? Their account stays; they lose access to this project.`)) return;
    setRowErrors({});
    setStatus(null);
    try {
      await api.removeMember(apiKey, m.userId);
      setStatus(`Removed ${m.email} from the project.`);
      void load();
    } catch (err) {
      setRowErrors({ [m.userId]: (err as Error).message });
    }
  };

  return (
    <>
      <h1>Members{project ? ` of ${project.name}` : ''}</h1>
      {errors.form && <p className="error" role="alert">{errors.form}</p>}
      {(me || meFailed) && !isAdmin && (
        <p className="muted" id="members-readonly" data-readonly-note>{me ? READONLY_NOTE : `Your role in this project is unknown (${meFailed}), so changes are off.`}</p>
      )}
      <p role="status" aria-live="polite" data-members-status>{status}</p>
      {isAdmin && (
        <form className="card" onSubmit={add} aria-label="Add member" noValidate>
          <h2>Add a member</h2>
          <div className="fields">
            <Field id="member-email" field="email" label="Email" error={errors.email}>
              <input id="member-email" type="email" autoComplete="off" value={email} onChange={(e) => setEmail(e.target.value)} required aria-invalid={!!errors.email} aria-describedby={describedBy('member-email', errors.email)} />
            </Field>
            <Field id="member-name" field="name" label="Name (optional)" error={errors.name}>
              <input id="member-name" autoComplete="off" value={name} onChange={(e) => setName(e.target.value)} aria-invalid={!!errors.name} aria-describedby={describedBy('member-name', errors.name)} />
            </Field>
            <Field id="member-role" field="role" label="Role" error={errors.role}>
              <select id="member-role" value={role} onChange={(e) => setRole(e.target.value as MemberRole)} aria-invalid={!!errors.role} aria-describedby={describedBy('member-role', errors.role)}>
                {MEMBER_ROLES.map((r) => <option key={r} value={r}>{ROLE_TEXT[r]}</option>)}
              </select>
            </Field>
            <Field id="member-password" field="password" label="Initial password" error={errors.password} hint={PASSWORD_HINT}>
              <input id="member-password" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} aria-invalid={!!errors.password} aria-describedby={describedBy('member-password', errors.password, true)} />
            </Field>
          </div>
          <p><button type="submit" disabled={busy}>Add member</button></p>
        </form>
      )}
      <section className="card scroll" aria-labelledby="members-heading">
        <h2 id="members-heading">People in this project</h2>
        {members === null ? (
          <p className="muted" aria-live="polite">Loading members…</p>
        ) : (
          <table>
            <thead><tr><th scope="col">person</th><th scope="col">role</th><th scope="col">added</th><th scope="col"><span className="sr-only">actions</span></th></tr></thead>
            <tbody>
              {members.map((m) => {
                const error = rowErrors[m.userId];
                const selectId = `member-role-${m.userId}`;
                return (
                  <tr key={m.userId} data-member={m.email}>
                    <td><strong>{m.name}</strong> <span className="muted">{m.email}</span>{m.userId === me?.user.id && <span className="badge">you</span>}</td>
                    <td>
                      <label htmlFor={selectId} className="sr-only">Role of {m.email}</label>
                      <select
                        id={selectId}
                        value={m.role}
                        disabled={!isAdmin}
                        onChange={(e) => void changeRole(m, e.target.value as MemberRole)}
                        aria-invalid={!!error}
                        aria-describedby={[!isAdmin && (me || meFailed) ? 'members-readonly' : '', error ? `${selectId}-error` : ''].filter(Boolean).join(' ') || undefined}
                        data-member-role={m.email}
                      >
                        {MEMBER_ROLES.map((r) => <option key={r} value={r}>{r}</option>)}
                      </select>
                      {error && <small id={`${selectId}-error`} className="error" role="alert" data-row-error={m.email}>{error}</small>}
                    </td>
                    <td>{formatAgo(m.addedAt)}</td>
                    <td>{isAdmin && <button type="button" className="secondary" onClick={() => void remove(m)} aria-label={`Remove ${m.email}`}>Remove</button>}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        )}
      </section>
    </>
  );
}
