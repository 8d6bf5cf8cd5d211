import type { SshConfigHosts } from '../../shared/contract/inventory';
import type { SliceCreator } from './store';

// Starting without a fleet file: the hosts of ~/.ssh/config that the core offers, which of them
// the user picked, and the writing of a fleet file from them. Every host starts picked: the list
// is the user's own, and unticking a few is less work than ticking many.

export type SshOfferStatus = 'idle' | 'loading' | 'loaded' | 'failed';

export interface SshOffer {
  status: SshOfferStatus;
  data: SshConfigHosts | null;
  /** Why the list could not be had. */
  error: string | null;
  /** Picked host names, in the order of the list. */
  picked: readonly string[];
  /** The environment the written hosts go in. */
  environment: string;
  writing: boolean;
  writeError: { message: string; hint?: string | undefined } | null;
}

export interface InventorySlice {
  sshOffer: SshOffer;
  sshOfferLoading(): void;
  sshOfferLoaded(data: SshConfigHosts): void;
  sshOfferFailed(error: string): void;
  toggleSshHost(name: string): void;
  pickAllSshHosts(all: boolean): void;
  setSshEnvironment(name: string): void;
  fleetFileWriting(): void;
  fleetFileWriteFailed(error: { message: string; hint?: string | undefined }): void;
  fleetFileWritten(): void;
}

export const DEFAULT_SSH_ENVIRONMENT = 'ssh-config';
export const initialSshOffer: SshOffer = { status: 'idle', data: null, error: null, picked: [], environment: DEFAULT_SSH_ENVIRONMENT, writing: false, writeError: null };

/** Toggles one name, keeping the list's order. */
export function toggled(offer: SshOffer, name: string): readonly string[] {
  const names = offer.data?.hosts.map((h) => h.name) ?? [];
  const set = new Set(offer.picked);
  if (set.has(name)) set.delete(name);
  else set.add(name);
  return names.filter((n) => set.has(n));
}

export const createInventorySlice: SliceCreator<InventorySlice> = (set) => {
  const update = (change: (offer: SshOffer) => Partial<SshOffer>): void => set((s) => ({ sshOffer: { ...s.sshOffer, ...change(s.sshOffer) } }));
  return {
    sshOffer: initialSshOffer,
    sshOfferLoading: () => update(() => ({ status: 'loading', error: null })),
    sshOfferLoaded: (data) => update(() => ({ status: 'loaded', data, picked: data.hosts.map((h) => h.name), error: null })),
    sshOfferFailed: (error) => update(() => ({ status: 'failed', error })),
    toggleSshHost: (name) => update((offer) => ({ picked: toggled(offer, name), writeError: null })),
    pickAllSshHosts: (all) => update((offer) => ({ picked: all ? (offer.data?.hosts.map((h) => h.name) ?? []) : [], writeError: null })),
    setSshEnvironment: (environment) => update(() => ({ environment, writeError: null })),
    fleetFileWriting: () => update(() => ({ writing: true, writeError: null })),
    fleetFileWriteFailed: (writeError) => update(() => ({ writing: false, writeError })),
    fleetFileWritten: () => update(() => ({ writing: false, writeError: null })),
  };
};
