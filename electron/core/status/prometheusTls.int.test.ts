import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prometheusYaml, startTestPrometheus, type TestPrometheus } from '../../../e2e/fleet/prometheus';
import { until } from '../../../e2e/until';
import type { Host } from '../../../shared/fleet/model';
import { fetchTargets } from '../inventory/prometheusTargets';
import { PrometheusPoller, type PrometheusReport } from './prometheusPoller';

// The prometheus source's `tls` and `auth` against Debian's real Prometheus serving HTTPS
// (--web.config.file): its certificate signed by a CA made here with openssl, a client
// certificate required, basic auth with a bcrypt hash. It scrapes itself the same way, so its
// own target is up. Address 127.0.184.250.

const LISTEN = '127.0.184.250:9090';
const USER = 'fleetdeck';
const PASSWORD = 's3cret';

function openssl(dir: string, args: string[]): void {
  const result = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${result.stderr}`);
}

/** A CA, and certificates it signs (P-256 keys, valid two days). */
function makeCa(dir: string, name: string): void {
  openssl(dir, ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.crt`, '-days', '2', '-subj', `/CN=Fleetdeck test ${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
}

function signed(dir: string, ca: string, name: string, extensions: string): void {
  openssl(dir, ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`]);
  writeFileSync(join(dir, `${name}.ext`), extensions);
  openssl(dir, ['x509', '-req', '-in', `${name}.csr`, '-CA', `${ca}.crt`, '-CAkey', `${ca}.key`, '-CAcreateserial', '-out', `${name}.crt`, '-days', '2', '-extfile', `${name}.ext`]);
}

/** Prometheus's basic_auth_users take bcrypt; Python's crypt (libxcrypt) makes it, cost 4. */
function bcrypt(password: string): string {
  const result = spawnSync('python3', ['-W', 'ignore', '-c', 'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', password], { encoding: 'utf8' });
  const hash = result.stdout.trim();
  if (result.status !== 0 || !hash.startsWith('$2')) throw new Error(`python3 could not make a bcrypt hash: ${result.stderr}`);
  return hash;
}

function host(name: string, prometheus: object): Host {
  const [address, port] = LISTEN.split(':');
  return { name, address: address!, port: 22, user: 'u', environment: 'e', roles: ['r'], labels: {}, jump: null, identity: null, knownHosts: null, intervalMs: 1000, status: [{ prometheus: { url: `https://${LISTEN}`, job: 'self', instance: `{address}:${port}`, ...prometheus } }] };
}

describe('an https Prometheus with basic auth and client certificates', () => {
  let dir: string;
  let prometheus: TestPrometheus;
  const f = (name: string) => join(dir, name);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fleetdeck-prometheus-tls-'));
    makeCa(dir, 'ca');
    makeCa(dir, 'other-ca');
    signed(dir, 'ca', 'server', 'subjectAltName=IP:127.0.184.250\nextendedKeyUsage=serverAuth\n');
    signed(dir, 'ca', 'client', 'extendedKeyUsage=clientAuth\n');
    const web = f('web.yml');
    writeFileSync(web, [
      'tls_server_config:',
      `  cert_file: ${f('server.crt')}`,
      `  key_file: ${f('server.key')}`,
      '  client_auth_type: RequireAndVerifyClientCert',
      `  client_ca_file: ${f('ca.crt')}`,
      'basic_auth_users:',
      `  ${USER}: ${JSON.stringify(bcrypt(PASSWORD))}`,
    ].join('\n') + '\n');
    const selfScrape = [
      '  - job_name: self',
      '    scheme: https',
      `    basic_auth: { username: ${USER}, password: ${PASSWORD} }`,
      `    tls_config: { ca_file: ${f('ca.crt')}, cert_file: ${f('client.crt')}, key_file: ${f('client.key')} }`,
      `    static_configs: [ { targets: ["${LISTEN}"] } ]`,
    ].join('\n');
    const ready = (url: string) =>
      new Promise<boolean>((resolve) => {
        const request = https.get(`${url}/-/ready`, { ca: readFileSync(f('ca.crt')), cert: readFileSync(f('client.crt')), key: readFileSync(f('client.key')), auth: `${USER}:${PASSWORD}`, timeout: 1000 }, (response) => {
          response.resume();
          resolve(response.statusCode === 200);
        });
        request.on('error', () => resolve(false));
      });
    prometheus = await startTestPrometheus(dir, LISTEN, prometheusYaml(1, [selfScrape]), { web: { configFile: web, scheme: 'https', ready } });
  });

  afterAll(async () => {
    await prometheus?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** The first report of a poller for one host with these settings, the first with a result or a problem. */
  async function firstReport(settings: object): Promise<PrometheusReport> {
    const reports: PrometheusReport[] = [];
    const poller = new PrometheusPoller((report) => reports.push(report), 1 << 20);
    try {
      poller.sync([host('prom-1', settings)]);
      return await until('an answer or a problem', () => reports.find((r) => r.problem || r.results.get('prom-1')?.checks[0]?.state === 'OK'));
    } finally {
      poller.dispose();
    }
  }

  const client = () => ({ cert_file: f('client.crt'), key_file: f('client.key') });
  const auth = { user: USER, password: PASSWORD };

  it('reads it with the CA that signed its certificate, a client certificate and the password', async () => {
    const report = await firstReport({ auth, tls: { ca_file: f('ca.crt'), ...client() } });
    expect(report.problem).toBeNull();
    expect(report.results.get('prom-1')?.checks[0]).toMatchObject({ id: 'prometheus:target', state: 'OK', reason: `scraped by Prometheus (instance="${LISTEN}" in job "self")` });
  });

  it('refuses a certificate that another CA signed, or that no system CA knows: one problem of the source', async () => {
    for (const tls of [{ ca_file: f('other-ca.crt'), ...client() }, client()]) {
      const report = await firstReport({ auth, tls });
      expect(report.problem).toMatchObject({ source: 'prometheus', hosts: 1, message: expect.stringMatching(/^127\.0\.184\.250:9090's certificate is not trusted: .*\(tls\.ca_file names the CA to trust\)$/) });
      expect(report.results.size).toBe(0);
    }
  });

  it('skips the check when told to', async () => {
    const report = await firstReport({ auth, tls: { insecure_skip_verify: true, ...client() } });
    expect(report.problem).toBeNull();
  });

  it('says when a file of tls cannot be read, or Prometheus refuses the password or the missing client certificate', async () => {
    expect((await firstReport({ auth, tls: { ca_file: f('missing.crt'), ...client() } })).problem?.message).toBe(`cannot read tls.ca_file ${f('missing.crt')}: ENOENT`);
    expect((await firstReport({ auth: { user: USER, password: 'wrong' }, tls: { ca_file: f('ca.crt'), ...client() } })).problem?.message).toMatch(/refused the credentials \(HTTP 401\)/);
    expect((await firstReport({ auth, tls: { ca_file: f('ca.crt') } })).problem?.message).toMatch(/^127\.0\.184\.250:9090.*certificate/);
  });

  it('builds the fleet from its targets with the same tls and auth, and refuses a certificate another CA signed', async () => {
    const url = `https://${LISTEN}`;
    const auth = `${USER}:${PASSWORD}`;
    expect(await fetchTargets({ url, auth, tls: { ca_file: f('ca.crt'), ...client(), insecure_skip_verify: false } }, 5000)).toEqual({ targets: [expect.objectContaining({ labels: { instance: LISTEN, job: 'self' } })] });
    expect(await fetchTargets({ url, auth, tls: { ca_file: f('other-ca.crt'), ...client(), insecure_skip_verify: false } }, 5000)).toEqual({ error: expect.stringMatching(/certificate is not trusted/) });
  });
});
