// API keys: `msk_<32 random base62-ish chars>`. Only a SHA-256 is stored; the
// first 12 characters are kept as `prefix` so users can tell keys apart.
import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from './prisma';
export type { ApiKeyScope };

export const API_KEY_PREFIX = 'msk_';

export function hashApiKey(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function generateApiKey(): { secret: string; prefix: string; keyHash: string } {
  const secret = API_KEY_PREFIX + randomBytes(24).toString('base64url');
  return { secret, prefix: secret.slice(0, 12), keyHash: hashApiKey(secret) };
}

import type { ApiKeyScope } from '@memsight/contracts';

export async function createApiKey(
  prisma: PrismaClient,
  projectId: string,
  name: string,
  scope: ApiKeyScope = 'admin',
): Promise<{ id: string; secret: string; prefix: string }> {
  const key = generateApiKey();
  const row = await prisma.apiKey.create({
    data: { projectId, name, prefix: key.prefix, keyHash: key.keyHash, scope },
  });
  return { id: row.id, secret: key.secret, prefix: key.prefix };
}

export async function revokeApiKey(prisma: PrismaClient, id: string, at = new Date()): Promise<void> {
  await prisma.apiKey.update({ where: { id }, data: { revokedAt: at } });
}

export async function createProject(prisma: PrismaClient, name: string, slug: string): Promise<{ id: string }> {
  return prisma.project.create({ data: { name, slug }, select: { id: true } });
}
