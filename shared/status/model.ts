import type { CheckStateName, CheckStatus } from './schema';

// What a status source makes of one response: checks in Nagios terms and numeric samples.

export type CheckState = CheckStateName;
export type SourceKind = CheckStatus['source'];

export interface Check {
  /** Stable within a host, e.g. "monit:process:sshd". */
  id: string;
  source: SourceKind;
  name: string;
  state: CheckState;
  /** A sentence a person understands. */
  reason: string;
}

export interface Sample {
  /** e.g. cpu_pct, load1, mem_used_pct, "disk_used_pct:/", "net_rx_bps:eth0". */
  metric: string;
  value: number;
}

export interface SourceResult {
  checks: Check[];
  samples: Sample[];
}
