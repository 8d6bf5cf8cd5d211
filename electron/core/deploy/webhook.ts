import { plural } from '../../../shared/text';
import { deployTitle } from '../../../shared/deploy/release';

// The app's webhook (fleet file `notify: { webhook: … }`): one Slack-compatible JSON message
// ({"text": …}, also what Mattermost and Rocket.Chat take) when a deploy starts and when it ends.
// A webhook that fails never fails the deploy; the deploy's log says why it was not told.

export interface WebhookFacts {
  app: string;
  kind: 'deploy' | 'rollback' | 'undo';
  release: string;
  user: string;
  machine: string;
  hosts: number;
  outcome?: string;
  message?: string;
}

export function webhookText(f: WebhookFacts): string {
  const what = deployTitle(f.kind, f.app, f.release);
  if (f.outcome === undefined) return `${what} started by ${f.user}@${f.machine} on ${plural(f.hosts, 'host')}.`;
  return `${what}: ${f.outcome}. ${f.message ?? ''}`.trim();
}

/** Posts the text; null when the webhook took it, else why not. */
export async function postWebhook(url: string, text: string, timeoutMs = 5000): Promise<string | null> {
  try {
    const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text }), signal: AbortSignal.timeout(timeoutMs) });
    await res.body?.cancel();
    return res.ok ? null : `${url} answered ${res.status}`;
  } catch (error) {
    return `${url}: ${(error as Error).message}`;
  }
}
