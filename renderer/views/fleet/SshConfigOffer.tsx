import { useEffect, type ReactNode } from 'react';
import type { Host } from '../../../shared/fleet/model';
import type { ImportProblem } from '../../../shared/fleet/imported';
import { describeProblem, plural } from '../../parts/format';
import { loadSshOffer, writeFleetFile } from '../../state/inventoryActions';
import { useAppStore, useAppStoreApi, useClient } from '../../state/react';

// No fleet file yet: the hosts the user already has in ~/.ssh/config, to tick and write into a
// fleet file, after which the fleet view shows them.

export function SshConfigOffer(): ReactNode {
  const link = useClient();
  const store = useAppStoreApi();
  const status = useAppStore((s) => s.sshOffer.status);
  const connected = useAppStore((s) => s.connection.status === 'connected');
  useEffect(() => {
    if (connected && store.getState().sshOffer.status === 'idle') void loadSshOffer(link, store);
  }, [connected, link, store]);

  return (
    <section className="ssh-offer" data-testid="ssh-offer" aria-label="Hosts in ~/.ssh/config">
      <h3 className="ssh-offer-title">Start from your ~/.ssh/config</h3>
      {status === 'loaded' ? <OfferList /> : <OfferStatus />}
    </section>
  );
}

function OfferStatus(): ReactNode {
  const link = useClient();
  const store = useAppStoreApi();
  const status = useAppStore((s) => s.sshOffer.status);
  const error = useAppStore((s) => s.sshOffer.error);
  if (status !== 'failed') return <p className="muted">Reading ~/.ssh/config…</p>;
  return (
    <>
      <p className="problem-text" role="alert">
        Could not read the hosts of ~/.ssh/config: {error}
      </p>
      <button type="button" className="button" onClick={() => void loadSshOffer(link, store)}>
        Try again
      </button>
    </>
  );
}

function OfferList(): ReactNode {
  const link = useClient();
  const store = useAppStoreApi();
  const data = useAppStore((s) => s.sshOffer.data);
  const picked = useAppStore((s) => s.sshOffer.picked);
  const writing = useAppStore((s) => s.sshOffer.writing);
  const writeError = useAppStore((s) => s.sshOffer.writeError);
  const toggle = useAppStore((s) => s.toggleSshHost);
  const pickAll = useAppStore((s) => s.pickAllSshHosts);
  const environment = useAppStore((s) => s.sshOffer.environment);
  const setEnvironment = useAppStore((s) => s.setSshEnvironment);
  if (!data) return null;
  const pickedSet = new Set(picked);

  return (
    <>
      {!data.exists ? (
        <p className="muted" data-testid="ssh-offer-none">
          No ssh config yet: <code className="mono">{data.file}</code> does not exist. Hosts you add there show up here, or write a fleet file by hand.
        </p>
      ) : data.hosts.length === 0 ? (
        data.problems.some((p) => p.severity === 'error') ? null : (
          <p data-testid="ssh-offer-none">{data.file} names no hosts (only patterns, or nothing).</p>
        )
      ) : (
        <>
          <p>
            Tick the hosts to watch. Fleetdeck writes a fleet file naming them to <code className="mono">{data.defaultFleetFile}</code> and
            shows them; it never overwrites a file.
          </p>
          <label className="ssh-pick-all">
            <input
              type="checkbox"
              data-testid="ssh-pick-all"
              checked={picked.length === data.hosts.length}
              onChange={(e) => pickAll(e.target.checked)}
            />{' '}
            All {plural(data.hosts.length, 'host')}
          </label>
          <ul className="ssh-hosts">
            {data.hosts.map((host) => (
              <HostChoice key={host.name} host={host} checked={pickedSet.has(host.name)} onToggle={toggle} />
            ))}
          </ul>
          <div className="ssh-offer-actions">
            <label className="ssh-environment">
              Environment{' '}
              <input
                type="text"
                className="text-input mono"
                data-testid="ssh-environment"
                value={environment}
                maxLength={100}
                spellCheck={false}
                onChange={(e) => setEnvironment(e.target.value)}
              />
            </label>
            <button
              type="button"
              className="button button-primary"
              data-testid="write-fleet-file"
              disabled={picked.length === 0 || writing}
              onClick={() => void writeFleetFile(link, store)}
            >
              {writing ? 'Writing…' : `Write fleet file with ${plural(picked.length, 'host')}`}
            </button>
          </div>
          {writeError ? (
            <p className="problem-text" role="alert" data-testid="write-fleet-error">
              <strong>{writeError.message}</strong> {writeError.hint}
            </p>
          ) : null}
        </>
      )}
      <Problems problems={data.problems} />
    </>
  );
}

function HostChoice({ host, checked, onToggle }: { host: Host; checked: boolean; onToggle(name: string): void }): ReactNode {
  return (
    <li>
      <label>
        <input type="checkbox" data-testid="ssh-host" data-host={host.name} checked={checked} onChange={() => onToggle(host.name)} />{' '}
        <span className="mono">{host.name}</span>{' '}
        <span className="mono muted">
          {host.user}@{host.address}:{host.port}
          {host.jump ? ` via ${host.jump}` : ''}
        </span>
      </label>
    </li>
  );
}

function Problems({ problems }: { problems: ImportProblem[] }): ReactNode {
  if (problems.length === 0) return null;
  return (
    <ul className="ssh-problems" data-testid="ssh-offer-problems">
      {problems.map((p, i) => (
        <li key={i} className={p.severity === 'error' ? 'ssh-problem-error' : 'muted'}>
          {p.severity === 'error' ? 'Error: ' : 'Note: '}
          {describeProblem(p)}
        </li>
      ))}
    </ul>
  );
}
