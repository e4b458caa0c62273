import { readFileSync } from 'node:fs';
import { ValidationError } from '../errors.js';
import { WEBHOOK_KINDS, type WebhookKind, type WebhookOptions } from '../server/webhooks.js';

export interface WebhookFlags {
  webhook?: string[];
  webhookEvents?: string;
  webhookSecretFile?: string;
}

/** `serve`'s webhook flags as options, or undefined without --webhook; bad ones name the flag. */
export function webhookOptions(flags: WebhookFlags, env: NodeJS.ProcessEnv = process.env): Omit<WebhookOptions, 'log'> | undefined {
  const urls = flags.webhook ?? [];
  if (urls.length === 0) return undefined;
  for (const url of urls) {
    if (!/^https?:\/\/[^\s/]+/i.test(url)) throw new ValidationError([{ field: '--webhook', reason: `must be an http:// or https:// URL, not "${url}"` }]);
  }
  const kinds = (flags.webhookEvents ?? WEBHOOK_KINDS.join(',')).split(',').map((k) => k.trim()).filter(Boolean);
  const unknown = kinds.find((k) => !(WEBHOOK_KINDS as readonly string[]).includes(k));
  if (unknown !== undefined || kinds.length === 0) throw new ValidationError([{ field: '--webhook-events', reason: `must be some of ${WEBHOOK_KINDS.join(', ')}` }]);
  let secret = env.CAIRN_WEBHOOK_SECRET ?? '';
  if (flags.webhookSecretFile) {
    try {
      secret = readFileSync(flags.webhookSecretFile, 'utf8').trim();
    } catch (error) {
      throw new ValidationError([{ field: '--webhook-secret-file', reason: `cannot be read: ${(error as Error).message}` }]);
    }
  }
  if (secret.length < 16) throw new ValidationError([{ field: 'CAIRN_WEBHOOK_SECRET', reason: 'must hold the secret deliveries are signed with, at least 16 characters (or pass --webhook-secret-file)' }]);
  return { urls, secret, kinds: kinds as WebhookKind[] };
}
