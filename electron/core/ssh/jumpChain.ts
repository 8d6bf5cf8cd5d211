import type { Host } from '../../../shared/fleet/model';

// The jump hosts on the way to a host, as the fleet file's `jump` (ProxyJump's syntax) names
// them, each logging in as itself. OpenSSH connects to a hop as to any host: the hop's own Host
// block gives its HostName, User, Port, IdentityFile and UserKnownHostsFile, and what the chain
// writes (`ops@bastion:2200`) wins over the block. Here a hop's entry is the fleet's host of that
// name (from the fleet file, or imported from a ~/.ssh/config Host block). A hop with no entry
// (`user@10.0.0.1:2222`) logs in with the target's user, identity and known hosts, on port 22
// unless the chain says otherwise. A hop's own `jump` is not followed.

export interface JumpHop {
  /** The fleet's name for the hop, or the hop as the chain writes it when it has no entry. */
  name: string;
  address: string;
  port: number;
  user: string;
  identity: string | null;
  knownHosts: string | null;
}

/** One hop of a chain as written: the user and port only when the chain gives them. */
interface WrittenHop {
  user?: string;
  host: string;
  port?: number;
}

/** "user@host:port,host2" → the hops as written. */
export function parseJumpChain(jump: string): WrittenHop[] {
  return jump
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean)
    .map((hop) => {
      const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop);
      if (!m) throw new Error(`"${hop}" is not a jump host (user@host:port)`);
      return { ...(m[1] ? { user: m[1] } : {}), host: m[2]!.replace(/^\[|\]$/g, ''), ...(m[3] ? { port: Number(m[3]) } : {}) };
    });
}

/** The hops to `target`, each with the address, port, user, identity and known hosts it logs in with. */
export function resolveJumpChain(target: Pick<Host, 'jump' | 'user' | 'identity' | 'knownHosts'>, lookup: (name: string) => Host | undefined): JumpHop[] {
  if (!target.jump) return [];
  return parseJumpChain(target.jump).map((hop) => {
    const entry = lookup(hop.host);
    if (!entry) {
      return {
        name: hop.host,
        address: hop.host,
        port: hop.port ?? 22,
        user: hop.user ?? target.user,
        identity: target.identity,
        knownHosts: target.knownHosts,
      };
    }
    return {
      name: entry.name,
      address: entry.address,
      port: hop.port ?? entry.port,
      user: hop.user ?? entry.user,
      identity: entry.identity,
      knownHosts: entry.knownHosts,
    };
  });
}
