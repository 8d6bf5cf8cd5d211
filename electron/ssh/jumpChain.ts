// The jump hosts on the way to a host, as the fleet file's `jump` (ProxyJump's syntax) names them.

/** "user@host:port,host2" → hops, each defaulting to the target's user and port 22. */
export function parseJumpChain(jump: string, defaultUser: string): Array<{ user: string; host: string; port: number }> {
  return jump
    .split(',')
    .map((hop) => hop.trim())
    .filter(Boolean)
    .map((hop) => {
      const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop);
      if (!m) throw new Error(`"${hop}" is not a jump host (user@host:port)`);
      return { user: m[1] ?? defaultUser, host: m[2]!.replace(/^\[|\]$/g, ''), port: m[3] ? Number(m[3]) : 22 };
    });
}
