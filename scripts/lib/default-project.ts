// The project `npm start` creates on first run, and its API key. Only a hash of
// a key is stored in the database, so the launcher keeps the secret of the key
// it created in the data directory (mode 0600) to print it again next time.
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { createApiKey, hashApiKey, type PrismaClient } from '@memsight/db';

export async function ensureDefaultProject(prisma: PrismaClient, dataDir: string, alertEmail: string): Promise<{ projectId: string; apiKey: string }> {
  const project = await prisma.project.upsert({
    where: { slug: 'default' },
    create: { name: 'Default project', slug: 'default' },
    update: {},
  });
  // Somewhere for alert emails to go from the first minute: with no SMTP server they land in the mailbox (GET /api/mailbox).
  if ((await prisma.notificationChannel.count({ where: { projectId: project.id } })) === 0) {
    await prisma.notificationChannel.create({ data: { projectId: project.id, kind: 'email', name: 'default', target: alertEmail } });
  }
  const keyFile = path.join(dataDir, 'default-api-key');
  if (existsSync(keyFile)) {
    const secret = readFileSync(keyFile, 'utf8').trim();
    const valid = await prisma.apiKey.findFirst({ where: { keyHash: hashApiKey(secret), projectId: project.id, revokedAt: null } });
    if (valid) return { projectId: project.id, apiKey: secret };
  }
  const key = await createApiKey(prisma, project.id, 'default (npm start)');
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(keyFile, key.secret + '\n', { mode: 0o600 });
  return { projectId: project.id, apiKey: key.secret };
}
