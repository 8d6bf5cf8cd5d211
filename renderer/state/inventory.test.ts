import { describe, expect, it } from 'vitest';
import type { SshConfigHosts } from '../../shared/contract/inventory';
import { createAppStore } from './store';
import { sampleHost } from '../../e2e/testbeds/testFleet';

const offer: SshConfigHosts = {
  file: '/home/u/.ssh/config',
  exists: true,
  hosts: ['a', 'b', 'c'].map((name) => sampleHost({ name, environment: 'ssh-config', roles: ['hosts'] })),
  problems: [],
  defaultFleetFile: '/home/u/.config/Fleetdeck/fleet.yaml',
};

describe('inventory slice', () => {
  it('picks every host at first and keeps the list’s order when toggling', () => {
    const store = createAppStore();
    store.getState().sshOfferLoaded(offer);
    expect(store.getState().sshOffer.picked).toEqual(['a', 'b', 'c']);
    store.getState().toggleSshHost('a');
    expect(store.getState().sshOffer.picked).toEqual(['b', 'c']);
    store.getState().toggleSshHost('a');
    expect(store.getState().sshOffer.picked).toEqual(['a', 'b', 'c']);
    store.getState().pickAllSshHosts(false);
    expect(store.getState().sshOffer.picked).toEqual([]);
  });

  it('clears a write error when the pick changes', () => {
    const store = createAppStore();
    store.getState().sshOfferLoaded(offer);
    store.getState().fleetFileWriting();
    store.getState().fleetFileWriteFailed({ message: 'exists', hint: 'pick another' });
    expect(store.getState().sshOffer).toMatchObject({ writing: false, writeError: { message: 'exists' } });
    store.getState().toggleSshHost('b');
    expect(store.getState().sshOffer.writeError).toBeNull();
  });
});
