// Where typed input goes: to its own terminal, or, when that terminal has joined the broadcast,
// to every terminal that has. Each open terminal registers how to send input to its shell.

const senders = new Map<string, (data: string) => void>();

export function registerTerminal(tab: string, send: (data: string) => void): () => void {
  senders.set(tab, send);
  return () => {
    if (senders.get(tab) === send) senders.delete(tab);
  };
}

/** Sends `data` typed in `tab`; returns the tabs it went to. */
export function routeInput(tab: string, data: string, broadcast: Readonly<Record<string, true>>): string[] {
  const targets = broadcast[tab] ? Object.keys(broadcast).filter((t) => senders.has(t)) : [tab];
  for (const t of targets) senders.get(t)?.(data);
  return targets;
}
