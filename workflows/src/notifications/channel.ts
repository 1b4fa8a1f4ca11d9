/**
 * Outbound notification channels (SMS / WeCom / DingTalk gateways behind a webhook, …). A channel
 * sends one notification and throws when it was not accepted; the delivery activity retries, and the
 * notification id travels as an idempotency key so a receiver can drop a repeat after a lost answer.
 */
export type OutboundNotification = {
  id: string;
  kind: string;
  title: string;
  createdAt: string;
  caseId: string | null;
  taskId: string | null;
  recipient: { userId: string; username: string; displayName: string };
};

export interface NotificationChannel {
  /** Stable name, the `channel` of its delivery rows (e.g. "webhook"). */
  readonly name: string;
  send(notification: OutboundNotification): Promise<void>;
}
