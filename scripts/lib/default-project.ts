// The project `npm start` creates on first run, and its API key. Only a hash of
// a key is stored in the database, so the launcher keeps the secret of the key
// it created in the data directory (mode 0600) to print it again next time.
// Two keys: an admin key for the dashboard and scripts, an agent key for services.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createApiKey, hashApiKey, type ApiKeyScope, type PrismaClient } from '@memsight/db';

export async function ensureDefaultProject(prisma: PrismaClient, dataDir: string, alertEmail: string): Promise<{ projectId: string; apiKey: string; agentKey: string }> {
  const project = await prisma.project.upsert({
    where: { slug: 'default' },
    create: { name: 'Default project', slug: 'default' },
    update: {},
  });
  // Somewhere for alert emails to go from the first minute: with no SMTP server they land in the mailbox (GET /api/mailbox).
  if ((await prisma.notificationChannel.count({ where: { projectId: project.id } })) === 0) {
    await prisma.notificationChannel.create({ data: { projectId: project.id, kind: 'email', name: 'default', target: alertEmail } });
  }
  // The admin key drives the dashboard and scripts; the agent key, printed in the agent snippets, can only send samples.
  const apiKey = await ensureKey(prisma, project.id, path.join(dataDir, 'default-api-key'), 'default (npm start)', 'admin');
  const agentKey = await ensureKey(prisma, project.id, path.join(dataDir, 'default-agent-key'), 'agents (npm start)', 'ingest');
  return { projectId: project.id, apiKey, agentKey };
}

/** The key kept in `file` if it is still valid for the project, else a new one of `scope` written there (0600). */
async function ensureKey(prisma: PrismaClient, projectId: string, file: string, name: string, scope: ApiKeyScope): Promise<string> {
  if (existsSync(file)) {
    const secret = readFileSync(file, 'utf8').trim();
    const valid = await prisma.apiKey.findFirst({ where: { keyHash: hashApiKey(secret), projectId, revokedAt: null, scope } });
    if (valid) return secret;
  }
  const key = await createApiKey(prisma, projectId, name, scope);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, key.secret + '\n', { mode: 0o600 });
  return key.secret;
}
