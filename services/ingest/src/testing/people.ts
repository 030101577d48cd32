// For suites that need people: people made through Better Auth, signed in with a
// real session cookie, and removed after the suite.
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createAuth } from '@memsight/auth';

export const SECRET = 'members-test-secret-'.padEnd(48, 'x');
export const DASHBOARD = 'http://127.0.0.1:3998';
export const PASSWORD = 'correct horse battery';

export interface TestPerson {
  id: string;
  email: string;
  cookie: string;
}

export class TestPeople {
  private readonly ids: string[] = [];
  constructor(private readonly pool: pg.Pool) {}

  /** A person (in no project), signed in. */
  async make(label: string): Promise<TestPerson> {
    const auth = createAuth({ pool: this.pool, secret: SECRET, baseURL: DASHBOARD, allowSignUp: true });
    const email = this.email(label);
    const { user } = await auth.api.signUpEmail({ body: { email, password: PASSWORD, name: label } });
    this.ids.push(user.id);
    return { id: user.id, email, cookie: await this.signIn(email, PASSWORD) };
  }

  /** A person who is `role` of each project, in that order (one millisecond apart, so "first" is well defined). */
  async member(label: string, role: 'admin' | 'member', ...projectIds: string[]): Promise<TestPerson> {
    const p = await this.make(label);
    for (const [i, projectId] of projectIds.entries()) {
      await this.pool.query(`INSERT INTO project_members (project_id, user_id, role, created_at) VALUES ($1, $2, $3, now() + $4 * interval '1 ms')`, [projectId, p.id, role, i]);
    }
    return p;
  }

  /** The cookie header a browser would send after signing in. */
  async signIn(email: string, password: string): Promise<string> {
    const auth = createAuth({ pool: this.pool, secret: SECRET, baseURL: DASHBOARD });
    const res = await auth.api.signInEmail({ body: { email, password }, asResponse: true });
    if (!res.ok) throw new Error(`sign-in of ${email} failed: HTTP ${res.status}`);
    return res.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  }

  email(label: string): string {
    return `${label}-${randomUUID().slice(0, 8)}@example.test`;
  }

  /** Someone created by the API under test, so that cleanup removes them too. */
  track(id: string): void {
    this.ids.push(id);
  }

  async cleanup(): Promise<void> {
    await this.pool.query('DELETE FROM "user" WHERE id = ANY($1)', [this.ids]);
  }
}

/** fetch with a session cookie (and the CSRF header for writes) or a Bearer key. */
export function caller(url: string) {
  return (method: string, path: string, credential: { cookie: string } | { key: string }, body?: unknown, extra: Record<string, string> = {}) =>
    fetch(`${url}${path}`, {
      method,
      headers: {
        ...('cookie' in credential ? { cookie: credential.cookie, ...(method === 'GET' ? {} : { 'x-memsight-csrf': '1' }) } : { authorization: `Bearer ${credential.key}` }),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...extra,
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
}
