// An Ansible YAML inventory with nesting, ranges, vars at several levels and a nested value:
// read by the unit tests (ansible.test.ts) and checked against ansible-inventory itself
// (ansible.reference.test.ts), so what the unit tests expect is what Ansible reads too.
export const NESTED_YAML = `all:
  vars:
    ansible_user: deploy
    owner: platform
  hosts:
    mail.example.com:
  children:
    staging:
      children:
        app:
          hosts:
            stg-app-[1:2]:
              ansible_host: 10.1.0.1
    production:
      vars:
        ansible_ssh_common_args: -J jump.example.com
      children:
        lb:
          hosts:
            lb1.example.com: { ansible_port: 2222 }
        db:
          hosts:
            db1.example.com:
              ansible_host: 10.0.0.5
              backup: { daily: true }
          vars:
            owner: dba
`;
