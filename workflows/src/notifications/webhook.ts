import { createHmac } from 'node:crypto';
import type { NotificationChannel, OutboundNotification } from './channel';

export type WebhookConfig = { url: string; secret?: string | undefined; timeoutMs?: number };

export class WebhookError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'WebhookError';
  }
}

/**
 * POSTs the notification as JSON. Headers: `Idempotency-Key` (the notification id, the same on every
 * retry), and with a secret `X-Dangjian-Timestamp` plus `X-Dangjian-Signature: sha256=<hex>`, the
 * HMAC-SHA256 of "<timestamp>.<body>" (the timestamp lets a receiver refuse old replays).
 * Any answer other than 2xx, a timeout or a network error is a failure.
 */
export class WebhookChannel implements NotificationChannel {
  readonly name = 'webhook';
  constructor(private readonly config: WebhookConfig) {}

  async send(n: OutboundNotification): Promise<void> {
    const body = JSON.stringify(n);
    const headers: Record<string, string> = { 'content-type': 'application/json; charset=utf-8', 'idempotency-key': n.id };
    if (this.config.secret) {
      const timestamp = String(Math.floor(Date.now() / 1000));
      headers['x-dangjian-timestamp'] = timestamp;
      headers['x-dangjian-signature'] = `sha256=${webhookSignature(this.config.secret, timestamp, body)}`;
    }
    let res: Response;
    try {
      res = await fetch(this.config.url, { method: 'POST', headers, body, signal: AbortSignal.timeout(this.config.timeoutMs ?? 10_000) });
    } catch (e) {
      throw new WebhookError(`webhook unreachable: ${e instanceof Error ? e.message : String(e)}`);
    }
    await res.body?.cancel();
    if (!res.ok) throw new WebhookError(`webhook answered ${res.status}`);
  }
}

export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}
