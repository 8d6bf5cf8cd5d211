import { describe, expect, it } from 'vitest';
import { hostNameProblem, jumpProblem, userProblem } from './names';

describe('names', () => {
  it('takes DNS names, IPv4 and IPv6 addresses and ranges', () => {
    for (const ok of ['web-1', 'db.example.com', '10.0.0.5', '::1', 'fe80::1', '[::1]', 'app-[01:12]', 'a_b']) expect(hostNameProblem(ok)).toBeNull();
  });

  it('refuses what a known_hosts line or a shell would read as syntax, and says which character', () => {
    expect(hostNameProblem('web\n* ssh-ed25519 AAAA')).toBe(
      'host name "web\\n* ssh-ed25519 AAAA" is refused (it has "\\n"): host names and addresses use only letters, digits and . _ - (plus [ ] : for IPv6 addresses and ranges).',
    );
    for (const bad of ['*', 'a?', '!web', 'a,b', 'a b', '#x', 'a\tb', 'a\u0000', 'é', '', '$(id)']) expect(hostNameProblem(bad)).not.toBeNull();
    expect(hostNameProblem('a*', 'address')).toMatch(/^address "a\*" is refused \(it has "\*"\)/);
  });

  it('users start with a letter, digit or _', () => {
    for (const ok of ['deploy', '_svc', '1user', 'a.b-c']) expect(userProblem(ok)).toBeNull();
    expect(userProblem('-oProxyCommand=x')).toMatch(/^user "-oProxyCommand=x" is refused \(it has "="\)/);
    expect(userProblem('.x')).toMatch(/starts with one of/);
    expect(userProblem('a@b')).toMatch(/it has "@"/);
  });

  it('checks every hop of a jump chain', () => {
    expect(jumpProblem('bastion')).toBeNull();
    expect(jumpProblem('ops@bastion:2222, [::1]:22')).toBeNull();
    expect(jumpProblem('ops@bastion,x*')).toMatch(/^jump host "x\*" is refused/);
    expect(jumpProblem('o ps@bastion')).toMatch(/^user "o ps" is refused/);
  });
});
