import type { FleetSnapshot } from '../../../shared/fleet/model';

// The fleet as it is sent to the page: without the status sources' passwords (a Monit or HAProxy
// `password:`, or one written into a URL as user:password@). The core keeps them to poll; the page
// never needs them, and in browser mode it is a browser tab.

export function withoutSecrets(snapshot: FleetSnapshot): FleetSnapshot {
  return { ...snapshot, hosts: snapshot.hosts.map((host) => ({ ...host, status: host.status.map(sourceWithoutSecrets) })) };
}

function sourceWithoutSecrets(source: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(source).map(([kind, settings]) => [kind, settingsWithoutSecrets(settings)]));
}

function settingsWithoutSecrets(settings: unknown): unknown {
  if (typeof settings !== 'object' || settings === null || Array.isArray(settings)) return settings;
  const kept: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(settings)) {
    if (key === 'password') continue;
    kept[key] = typeof value === 'string' ? withoutUrlPassword(value) : value;
  }
  return kept;
}

/** `http://user:secret@host/…` → `http://user@host/…`; anything else as it is. */
function withoutUrlPassword(text: string): string {
  return text.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:\s]*):[^/@\s]*@/i, '$1@');
}
