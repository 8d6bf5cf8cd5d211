import { createContext, useContext, type ReactNode } from 'react';
import type { CoreLink } from './bind';

// The client reaches the few views that act on the core (write a fleet file) through a context,
// like the store, so that a test or a second window can give a tree its own.

const LinkContext = createContext<CoreLink | null>(null);

export function CoreLinkProvider({ link, children }: { link: CoreLink; children: ReactNode }): ReactNode {
  return <LinkContext.Provider value={link}>{children}</LinkContext.Provider>;
}

export function useCoreLink(): CoreLink {
  const link = useContext(LinkContext);
  if (!link) throw new Error('useCoreLink: no CoreLinkProvider above this component.');
  return link;
}
