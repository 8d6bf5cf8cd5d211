import type { Duplex } from 'node:stream';
import type { Host } from '../../../shared/fleet/model';
import type { Via } from '../../../shared/fleet/via';
import { SshError } from '../ssh/errors';
import { parseJumpChain } from '../ssh/jumpChain';
import { GetFailure, type Tunnel } from '../http/httpGet';
import { closeConnection, IdleConnections, type Connection } from '../http/httpConnections';
import { Semaphore } from '../common/semaphore';

// The way a status request or a health gate reaches its host (the fleet file's `via`): straight
// from the console, or over a direct-tcpip channel that a fleet host's sshd opens for us on the
// pooled SSH connection to it: the host's own (`host`), or its last jump host's (`jump`), so one
// connection to a bastion carries the requests for every host behind it.

/**
 * Channels open at once on one connection, in use or kept alive for their endpoint's next request.
 * sshd's MaxSessions counts sessions (shells, commands, sftp), not direct-tcpip channels, and
 * MaxStartups counts unauthenticated connections: neither limits these. What does is the file
 * descriptors of the connection's sshd process (one socket per channel: its soft RLIMIT_NOFILE,
 * 1,024 where systemd starts sshd with its default), past which sshd refuses the channel, and
 * OpenSSH's 16,384 channels per connection, past which it drops the whole connection
 * (docs/benchmarks.md, "Through a bastion"). The bound stays clear of both; when it is reached,
 * a new channel takes the place of the one kept idle the longest.
 */
export const MAX_CHANNELS_PER_CONNECTION = 900;

/** Where a host's requests leave from: the console, or the sshd of a fleet host (itself or its jump host). */
export type RequestOrigin = { through: null } | { through: string; as: 'host' | 'jump' } | { problem: string };

export function requestOrigin(host: Host, via: Via | undefined, lookup: (name: string) => Host | undefined): RequestOrigin {
  const chosen = via ?? host.via ?? 'auto';
  if (chosen === 'direct') return { through: null };
  if (chosen === 'host') return { through: host.name, as: 'host' };
  let last: { host: string } | undefined;
  try {
    last = host.jump ? parseJumpChain(host.jump).at(-1) : undefined;
  } catch (error) {
    return { problem: (error as Error).message };
  }
  if (!last) return chosen === 'jump' ? { problem: `${host.name} has no jump host, so via: jump has nothing to go through (use host or direct)` } : { through: null };
  const entry = lookup(last.host);
  if (entry) return { through: entry.name, as: 'jump' };
  if (chosen === 'jump') return { problem: `via: jump needs the jump host ${last.host} to be a host of the fleet (or of the imported ~/.ssh/config), so that it has a connection of its own` };
  // auto, through a hop with no entry: the host's own connection, which goes through the chain anyway.
  return { through: host.name, as: 'host' };
}

/** A channel from `through`'s sshd to address:port; rejects with ssh2's or the pool's error. */
export type ForwardOut = (through: string, address: string, port: number) => Promise<Duplex>;

/** The tunnel for a host's requests given a source's `via` (null: direct). */
export type TunnelFor = (host: Host, via: Via | undefined) => Tunnel | null;

/** Tunnels over the channels `forwardOut` opens, `MAX_CHANNELS_PER_CONNECTION` at most per connection. */
export function tunnelsThrough(forwardOut: ForwardOut, lookup: (name: string) => Host | undefined): TunnelFor {
  const slots = new ChannelSlots();
  return (host, via) => tunnelFor(host, requestOrigin(host, via, lookup), forwardOut, slots);
}

/** The channels open on each connection, `max` at most: a slot is held from the channel's opening
 * to its close, kept-alive channels included; requests beyond the bound close the idle channel
 * that waited longest, or wait their turn. */
export class ChannelSlots {
  private readonly byConnection = new Map<string, { slots: Semaphore; idle: IdleConnections }>();

  constructor(private readonly max = MAX_CHANNELS_PER_CONNECTION) {}

  private of(through: string): { slots: Semaphore; idle: IdleConnections } {
    let channels = this.byConnection.get(through);
    if (!channels) this.byConnection.set(through, (channels = { slots: new Semaphore(this.max), idle: new IdleConnections() }));
    return channels;
  }

  take(through: string, origin: string): Connection | undefined {
    return this.byConnection.get(through)?.idle.take(origin);
  }

  keep(through: string, origin: string, connection: Connection): void {
    this.of(through).idle.give(origin, connection);
  }

  /** Opens a channel in a free slot of `through`'s; null if no longer wanted once a slot is free. */
  open(through: string, stillWanted: () => boolean, opener: () => Promise<Duplex>): Promise<Duplex | null> {
    const { slots, idle } = this.of(through);
    // Full: an idle channel makes room (its slot frees when it has closed).
    if (slots.busy >= this.max) idle.closeOldest();
    return new Promise((resolve, reject) => {
      void slots.run(async () => {
        if (!stillWanted()) return resolve(null);
        let channel: Duplex;
        try {
          channel = await opener();
        } catch (error) {
          return reject(error);
        }
        resolve(channel);
        if (!channel.destroyed) await new Promise((closed) => channel.once('close', closed));
      });
    });
  }
}

/** The tunnel for a host's requests (null: they go direct), or one that reports why there is none. */
export function tunnelFor(host: Host, origin: RequestOrigin, forwardOut: ForwardOut, slots: ChannelSlots): Tunnel | null {
  if ('problem' in origin) {
    const problem = new GetFailure('error', `${host.name}: ${origin.problem}`);
    return { via: '', take: () => undefined, keep: (_, connection) => closeConnection(connection), open: () => Promise.reject(problem) };
  }
  if (origin.through === null) return null;
  const { through, as } = origin;
  const who = as === 'jump' ? `${through} (its jump host)` : `${through}'s sshd`;
  return {
    via: `through ${who}`,
    take: (origin) => slots.take(through, origin),
    keep: (origin, connection) => slots.keep(through, origin, connection),
    open: (address, port, stillWanted) =>
      slots.open(through, stillWanted, () => forwardOut(through, address, port)).catch((error: unknown) => {
        throw channelFailure(host.name, who, `${address}:${port}`, error);
      }),
  };
}

/** SSH's channel open failure reason for "the server tried and could not connect" (RFC 4254 5.1). */
const CONNECT_FAILED = 2;

/** "priv-7: bastion-1 (its jump host) could not reach 198.18.0.7:9100: connection refused" when
 * the jump host tried, "… refused the channel to …" when it would not (forwarding forbidden). */
export function channelFailure(hostName: string, who: string, destination: string, error: unknown): GetFailure {
  const err = error as Error & { reason?: unknown };
  if (err instanceof SshError) return new GetFailure('unreachable', `${hostName}: cannot reach ${who}: ${err.message}`);
  if (err && 'reason' in err) {
    const why = err.message.replace(/^\(SSH\) Channel open failure: /, '');
    const what = err.reason === CONNECT_FAILED ? `could not reach ${destination}` : `refused the channel to ${destination}`;
    return new GetFailure('refused', `${hostName}: ${who} ${what}: ${why.charAt(0).toLowerCase()}${why.slice(1)}`);
  }
  return new GetFailure('unreachable', `${hostName}: no channel through ${who} to ${destination}: ${err?.message ?? String(error)}`);
}
