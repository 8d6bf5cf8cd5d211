import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { Host } from '../../../shared/fleet/model';
import { UnreachableError } from '../ssh/errors';
import { connect } from '../http/httpConnections';
import { ChannelSlots, channelFailure, requestOrigin } from './via';

const host = (name: string, more: Partial<Host> = {}): Host => ({
  name, address: `${name}.internal`, port: 22, user: 'ops', environment: 'prod', roles: ['web'], labels: {}, jump: null, identity: null, knownHosts: null, intervalMs: 10_000, status: [], ...more,
});
const fleet = new Map([['bastion-1', host('bastion-1')]]);
const lookup = (name: string) => fleet.get(name);

describe('requestOrigin', () => {
  it('goes direct for a host without a jump host, and through the last hop for one with', () => {
    expect(requestOrigin(host('web-1'), undefined, lookup)).toEqual({ through: null });
    expect(requestOrigin(host('web-1', { jump: 'ops@gw:2200,bastion-1' }), undefined, lookup)).toEqual({ through: 'bastion-1', as: 'jump' });
  });

  it("takes the source's via over the host's, and the host's over auto", () => {
    const behind = host('web-1', { jump: 'bastion-1', via: 'direct' });
    expect(requestOrigin(behind, undefined, lookup)).toEqual({ through: null });
    expect(requestOrigin(behind, 'host', lookup)).toEqual({ through: 'web-1', as: 'host' });
    expect(requestOrigin(behind, 'jump', lookup)).toEqual({ through: 'bastion-1', as: 'jump' });
  });

  it('goes through the host itself when auto meets a hop with no connection of its own, and says why jump cannot', () => {
    const behind = host('web-1', { jump: 'ops@10.0.0.1:22' });
    expect(requestOrigin(behind, undefined, lookup)).toEqual({ through: 'web-1', as: 'host' });
    expect(requestOrigin(behind, 'jump', lookup)).toEqual({ problem: expect.stringContaining('jump host 10.0.0.1 to be a host of the fleet') });
    expect(requestOrigin(host('web-1'), 'jump', lookup)).toEqual({ problem: expect.stringContaining('web-1 has no jump host') });
  });
});

describe('channelFailure', () => {
  it('words a failed channel with the host, the jump host and the destination: could not reach, or refused', () => {
    const connectFailed = Object.assign(new Error('(SSH) Channel open failure: No route to host'), { reason: 2 });
    const failure = channelFailure('host-7', 'bastion-1 (its jump host)', '198.18.0.7:9100', connectFailed);
    expect(failure.kind).toBe('refused');
    expect(failure.message).toBe('host-7: bastion-1 (its jump host) could not reach 198.18.0.7:9100: no route to host');
    const prohibited = Object.assign(new Error('(SSH) Channel open failure: administratively prohibited: open failed'), { reason: 1 });
    expect(channelFailure('host-7', 'bastion-1 (its jump host)', '198.18.0.7:9100', prohibited).message).toBe(
      'host-7: bastion-1 (its jump host) refused the channel to 198.18.0.7:9100: administratively prohibited: open failed',
    );
  });

  it('says the jump host cannot be reached when its connection fails', () => {
    const failure = channelFailure('host-7', 'bastion-1 (its jump host)', '198.18.0.7:9100', new UnreachableError({ name: 'bastion-1', address: '198.18.255.2', port: 2222 }, 'timeout'));
    expect(failure.kind).toBe('unreachable');
    expect(failure.message).toMatch(/^host-7: cannot reach bastion-1 \(its jump host\): /);
  });
});

describe('ChannelSlots', () => {
  it('keeps at most max channels open per connection; the next opens when one closes', async () => {
    const slots = new ChannelSlots(2);
    const opened: PassThrough[] = [];
    const opener = async () => {
      const s = new PassThrough();
      opened.push(s);
      return s;
    };
    const [a] = await Promise.all([slots.open('b', () => true, opener), slots.open('b', () => true, opener)]);
    let third: unknown = 'pending';
    void slots.open('b', () => true, opener).then((s) => (third = s));
    await slots.open('other', () => true, opener); // another connection is not held up
    await new Promise((r) => setTimeout(r, 10));
    expect(third).toBe('pending');
    a!.destroy();
    await new Promise((r) => setTimeout(r, 10));
    expect(third).toBeInstanceOf(PassThrough);
  });

  it('gives up a request that is no longer wanted once its turn comes', async () => {
    const slots = new ChannelSlots(1);
    const first = await slots.open('b', () => true, async () => new PassThrough());
    let wanted = true;
    const second = slots.open('b', () => wanted, async () => new PassThrough());
    wanted = false;
    first!.destroy();
    expect(await second).toBeNull();
  });

  it('gives a kept channel back for its origin only, and closes the idle one kept first when a new channel needs its slot', async () => {
    const slots = new ChannelSlots(2);
    const opener = async () => new PassThrough();
    const endpoint = { secure: false, hostname: '198.18.0.7', port: 9100 };
    const first = connect(endpoint, (await slots.open('b', () => true, opener))!);
    const second = connect(endpoint, (await slots.open('b', () => true, opener))!);
    slots.keep('b', 'http://198.18.0.7:9100', first);
    slots.keep('b', 'http://198.18.0.8:9100', second);
    expect(slots.take('b', 'http://198.18.0.9:9100')).toBeUndefined();
    expect(slots.take('other', 'http://198.18.0.7:9100')).toBeUndefined();
    expect(slots.take('b', 'http://198.18.0.7:9100')).toBe(first);
    slots.keep('b', 'http://198.18.0.7:9100', first);
    // Both slots are held by idle channels: the third closes the one kept first and takes its place.
    const third = await slots.open('b', () => true, opener);
    expect(third).toBeInstanceOf(PassThrough);
    expect(first.socket.destroyed).toBe(true);
    expect(second.socket.destroyed).toBe(false);
    expect(slots.take('b', 'http://198.18.0.8:9100')).toBe(second);
  });
});
