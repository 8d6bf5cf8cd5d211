import { createHash } from 'node:crypto';
import { hostname, userInfo } from 'node:os';
import { dirname } from 'node:path';
import type { ControlStateName, DeployEventMessage, RollbackPlanMessage } from '../../../shared/contract/deploy';
import { releaseFacts, releaseId, releaseName } from '../../../shared/deploy/release';
import { planRollback, plannedHosts } from '../../../shared/deploy/rollbackPlan';
import { planWaves, type WaveSpec } from '../../../shared/deploy/waves';
import { nextStage, stageProblem } from '../../../shared/deploy/stages';
import type { AppSpec } from '../../../shared/fleet/appSchema';
import type { Host } from '../../../shared/fleet/model';
import type { Disposable } from '../../../shared/disposable';
import { appHosts, type FleetService } from '../inventory/fleetService';
import type { SshPool } from '../ssh/pool';
import type { StatusService } from '../status/statusService';
import type { TunnelFor } from '../status/via';
import { CoreFailure } from '../transport/coreApi';
import { DeployControl, type ControlAction } from './deployControl';
import { LeftLocks } from './leftLocks';
import type { DeployRecord, DeployRecords } from './deployRecords';
import { runDeploy, type DeployEvent, type DeployKind, type DeployRequest } from './deployRunner';
import { readHostReleases } from './releaseHistory';
import { postWebhook, webhookText } from './webhook';

// Owns the deploys running in this console: starts them (new, rollback, resume, undo, promote), keeps
// each one's events so a window that comes back sees it whole, applies the pause/abort buttons,
// writes the record as it goes, and tells the app's webhook. A deploy runs to its end (or its
// rollback) even when no window watches: stopping halfway is what leaves hosts on mixed releases.

export interface StartRequest {
  app: string;
  ref?: string | undefined;
  release?: string | undefined;
  takeOver: boolean | 'stale';
  resume?: number | undefined;
  undo?: number | undefined;
  stage?: string | undefined;
  promote?: number | undefined;
  /** A rollback: the id of the plan its confirmation showed (refused when the hosts changed since). */
  plan?: string | undefined;
}

interface Running {
  id: number;
  app: string;
  kind: DeployKind;
  release: string;
  startedAt: number;
  control: DeployControl;
  events: DeployEventMessage[];
  listeners: Set<(event: DeployEventMessage) => void>;
}

/** A start request resolved: what the run does and where. */
interface Launch {
  record: DeployRecord | undefined;
  kind: DeployKind;
  promotedFrom: string | null;
  stage: string | null;
  release: string;
  ref: string | undefined;
  revision: string | undefined;
  hosts: Host[];
  waves: string[][] | null;
}

export interface DeployServiceOptions {
  pool: SshPool;
  fleet: FleetService;
  records: DeployRecords | null;
  /** Gates each restarted host on its own status checks (null: only the app's health URL). */
  status: StatusService | null;
  /** How health URLs reach hosts whose `via` is not direct (status/via.ts). */
  tunnelFor?: TunnelFor | null;
}

let nextId = 1;

export class DeployService implements Disposable {
  private readonly running = new Map<number, Running>();
  /** Ended deploys, kept for a while so a window that comes back late still sees how they ended. */
  private readonly ended = new Map<number, Running>();
  /** Locks runs could not remove at their end, retried until their hosts answer. */
  private readonly leftLocks: LeftLocks;

  constructor(private readonly options: DeployServiceOptions) {
    this.leftLocks = new LeftLocks(options.pool);
  }

  /** What a rollback of `app` to `release` would do (to `stage`, or every stage): read from the
   * hosts now, named by a fingerprint of its content. */
  async planRollback(app: string, release: string, stage: string | null): Promise<RollbackPlanMessage> {
    const { fleet, pool, records } = this.options;
    this.refuseBrokenFleet();
    const spec = fleet.appSpec(app);
    if (!spec) throw new CoreFailure(`There is no app "${app}" in the fleet file.`);
    if (stage !== null) {
      const problem = stageProblem(app, spec.stages, stage);
      if (problem) throw new CoreFailure(problem);
    }
    const hosts = appHosts(spec, fleet.current.hosts, stage ?? undefined);
    const reports = await readHostReleases(pool, spec, hosts);
    const body = planRollback({
      app,
      release,
      stage,
      stages: spec.stages ?? null,
      hosts: hosts.map((h) => ({ name: h.name, environment: h.environment })),
      reports,
      waves: spec.waves as WaveSpec[],
    });
    if ('problem' in body) throw new CoreFailure(body.problem);
    const id = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
    const all = releaseFacts(reports.flatMap((r) => r.log), records?.list(app) ?? []);
    const named = new Set([release, ...body.waves.flatMap((w) => w.hosts.flatMap((h) => (h.from ? [h.from] : [])))]);
    return { id, ...body, facts: Object.fromEntries(Object.entries(all).filter(([r]) => named.has(r))) };
  }

  async start(req: StartRequest): Promise<number> {
    this.refuseBrokenFleet();
    const spec = this.options.fleet.appSpec(req.app);
    if (!spec) throw new CoreFailure(`There is no app "${req.app}" in the fleet file.`);
    this.refuseSecond(req.app);
    // A rollback runs its plan: exactly the hosts it moves, in the waves the confirmation showed.
    const plan = req.release !== undefined && req.undo === undefined ? await this.planRollback(req.app, req.release, req.stage ?? null) : null;
    if (plan && req.plan !== undefined && plan.id !== req.plan) {
      throw new CoreFailure(`The hosts of ${req.app} changed since this rollback was planned; nothing was started.`, `It would now move ${plannedHosts(plan).join(', ')} (${plan.waves.map((w) => w.hosts.map((h) => `${h.host}: ${h.from ?? 'none'} → ${h.to}`).join(', ')).join(' | ')}). Look at the new plan and confirm again.`);
    }
    this.refuseSecond(req.app);
    return this.launch(req, spec, plan);
  }

  /** Nothing starts while the fleet file on disk is broken: the last good version the console
   * still shows may no longer be what the file means (a host taken out, waves changed), and
   * fixing the file takes a moment, after which the console reloads it by itself. */
  private refuseBrokenFleet(): void {
    const problem = this.options.fleet.current.problem;
    if (!problem) return;
    const place = problem.line > 0 ? `${problem.file} line ${problem.line}, column ${problem.column}` : problem.file;
    throw new CoreFailure(`The fleet file is broken (${place}: ${problem.message}); nothing was started.`, 'Fix the file and save it: the console reloads it by itself. Deploys do not run on the last good version, which may no longer be what the file means.');
  }

  private refuseSecond(app: string): void {
    for (const r of this.running.values()) {
      if (r.app === app) throw new CoreFailure(`A ${r.kind} of ${app} (${r.release}) is already running in this console.`, 'Watch it under Deploys, or abort it first.');
    }
  }

  /** What a start runs: its kind, release, ref, hosts and waves, from the request, the record it
   * resumes, undoes or promotes, and the rollback plan the user confirmed. */
  private resolve(req: StartRequest, spec: AppSpec, plan: RollbackPlanMessage | null): Launch {
    const { fleet, records } = this.options;
    const recovered = req.resume ?? req.undo ?? req.promote;
    const record = (recovered !== undefined ? records?.get(recovered) : undefined) ?? undefined;
    if (recovered !== undefined && (!record || record.app !== req.app)) throw new CoreFailure(`There is no deploy record ${recovered} of ${req.app}.`);
    if (record && record.kind !== 'deploy') throw new CoreFailure(`Record ${record.id} is a ${record.kind}; only deploys can be resumed, undone or promoted.`);
    const kind: DeployKind = req.undo !== undefined ? 'undo' : req.release !== undefined ? 'rollback' : 'deploy';
    const promotedFrom = record && req.promote !== undefined ? record.stage : null;
    if (record && req.promote !== undefined) checkPromotion(req.app, spec.stages, record);
    const stage = targetStage(req, spec, record);
    const release = record?.release ?? req.release ?? releaseId(new Date());
    const ref = req.ref ?? record?.ref ?? ('git' in spec.source ? spec.source.ref : undefined);
    // A promotion or a resume ships what the record's hosts prepared, not what its ref names now.
    const revision = record && req.undo === undefined ? (record.revision ?? undefined) : undefined;
    const stageHosts = appHosts(spec, fleet.current.hosts, stage ?? undefined);
    const hosts = plan ? stageHosts.filter((h) => plannedHosts(plan).includes(h.name)) : stageHosts;
    if (plan && hosts.length !== plannedHosts(plan).length) throw new CoreFailure(`The fleet file changed while the rollback of ${req.app} was planned; nothing was started. Try again.`);
    const waves = plan ? plan.waves.map((w) => w.hosts.map((h) => h.host)) : kind === 'deploy' ? planWaves(hosts.map((h) => h.name), spec.waves as WaveSpec[]) : null;
    if (hosts.length === 0) throw new CoreFailure(`App ${req.app} has no hosts${stage ? ` in ${stage}` : ''}.`);
    return { record, kind, promotedFrom, stage, release, ref, revision, hosts, waves };
  }

  private launch(req: StartRequest, spec: AppSpec, plan: RollbackPlanMessage | null): number {
    const { fleet, records } = this.options;
    const launch = this.resolve(req, spec, plan);
    const { kind, promotedFrom, stage, release, ref, revision, hosts, waves } = launch;
    const user = userInfo().username;
    const id = nextId++;
    const run: Running = { id, app: req.app, kind, release, startedAt: Date.now(), control: new DeployControl((state) => emit({ type: 'control', state })), events: [], listeners: new Set() };
    this.running.set(id, run);
    const recordId =
      records?.start({ app: req.app, release, kind, ref: kind === 'deploy' ? (ref ?? null) : null, user, machine: hostname(), hosts: hosts.map((h) => h.name), stage, promotedFrom, revision: revision ?? null }) ?? null;
    const steps = new Map<string, { host: string; step: string; state: string; ms: number; output: string }>();
    const webhook = spec.notify?.webhook;
    const ended = (): void => {
      this.running.delete(id);
      this.ended.set(id, run);
      if (this.ended.size > 20) this.ended.delete(this.ended.keys().next().value!);
    };
    function emit(event: DeployEventMessage): void {
      // Ended before anyone hears of it: whoever starts the next deploy of the app on `done` (a promotion) may.
      if (event.type === 'done') ended();
      run.events.push(event);
      for (const listener of run.listeners) listener(event);
    }
    const tell = (text: string): void => {
      if (!webhook) return;
      void postWebhook(webhook, text).then((problem) => problem && emit({ type: 'note', message: `The webhook was not told: ${problem}` }));
    };

    emit({ type: 'started', id, app: req.app, kind, release, hosts: hosts.map((h) => h.name), stage, promotedFrom, ref: kind === 'deploy' ? (ref ?? null) : null, waves });
    const facts = { app: req.app, kind, release, user, machine: hostname(), hosts: hosts.length };
    tell(webhookText(facts));
    const onEvent = (event: DeployEvent): void => {
      if (event.type === 'step') steps.set(`${event.host} ${event.step}`, { host: event.host, step: event.step, state: event.state, ms: event.ms, output: event.output.slice(-4096) });
      if (event.type === 'previous' && recordId !== null) records?.setPrevious(recordId, event.hosts);
      if (event.type === 'prepared' && recordId !== null) records?.setRevision(recordId, event.revision);
      if (event.type === 'done') {
        if (recordId !== null) records?.finish(recordId, event.outcome, event.message, [...steps.values()]);
        tell(webhookText({ ...facts, outcome: event.outcome, message: event.message }));
      }
      emit(event);
    };
    // A promotion ships what its stage runs now: not a release the stage has left since (rolled back).
    const left = promotedFrom
      ? stageLeft(this.options.pool, spec, appHosts(spec, fleet.current.hosts, promotedFrom), promotedFrom, release)
      : Promise.resolve(null);
    void left
      .then(async (why) => {
        if (why !== null) return onEvent({ type: 'done', outcome: 'failed', release, message: why });
        const result = await runDeploy(this.options.pool, this.deployRequest(req, spec, plan, launch, user, run.control), onEvent);
        if (result.leftLocked) this.leftLocks.add(result.leftLocked.hosts, result.leftLocked.unlock, result.leftLocked.everyMs);
      })
      .catch((error: Error) => {
        const message = `The deploy stopped on an internal error: ${error.message}`;
        if (recordId !== null) records?.finish(recordId, 'failed', message, [...steps.values()]);
        emit({ type: 'done', outcome: 'failed', release, message });
      })
      .finally(() => {
        if (this.running.has(id)) ended();
        run.listeners.clear();
      });
    return id;
  }

  /** What runDeploy is asked for a resolved start. */
  private deployRequest(
    req: StartRequest,
    spec: AppSpec,
    plan: RollbackPlanMessage | null,
    launch: Launch,
    user: string,
    control: DeployControl,
  ): DeployRequest {
    const { fleet, status } = this.options;
    const { record, kind, release, ref, revision, hosts, waves } = launch;
    return {
      app: req.app,
      spec,
      hosts,
      ...(plan && waves ? { waves, releaseName: releaseName(release, plan.facts) } : {}),
      kind,
      release,
      ...(ref !== undefined ? { ref } : {}),
      ...(revision !== undefined ? { revision } : {}),
      user,
      // The lock a stopped console left is this deploy's own: resuming or undoing takes it over (and
      // any stale console's lock), but not a live one another console or Capistrano took since
      // (its deploy may be running); the user can, on purpose.
      takeOver: req.takeOver || (record?.outcome === 'interrupted' ? 'console' : false),
      // Each host's previous release, from the record of the run it resumes or undoes (a promotion goes to other hosts).
      ...(record && req.promote === undefined ? { previous: record.previous } : {}),
      control,
      baseDir: fleet.path ? dirname(fleet.path) : process.cwd(),
      tunnelFor: this.options.tunnelFor ?? null,
      ...(status && spec.status_gate ? { hostGate: (host: string) => statusProblem(status, host) } : {}),
    };
  }

  /** Replays a deploy's events, then sends new ones; onEnd after its last. Null: unknown id. */
  watch(id: number, listener: (event: DeployEventMessage) => void, onEnd: () => void): Disposable | null {
    const run = this.running.get(id) ?? this.ended.get(id);
    if (!run) return null;
    for (const event of run.events) listener(event);
    if (!this.running.has(id)) {
      queueMicrotask(onEnd);
      return { dispose: () => undefined };
    }
    const wrapped = (event: DeployEventMessage): void => {
      listener(event);
      if (event.type === 'done') queueMicrotask(onEnd);
    };
    run.listeners.add(wrapped);
    return { dispose: () => run.listeners.delete(wrapped) };
  }

  control(id: number, action: ControlAction): boolean {
    return this.running.get(id)?.control.act(action) ?? false;
  }

  list(): Array<{ id: number; app: string; kind: DeployKind; release: string; state: ControlStateName; startedAt: number }> {
    return [...this.running.values()].map((r) => ({ id: r.id, app: r.app, kind: r.kind, release: r.release, state: r.control.state, startedAt: r.startedAt }));
  }

  /** Running deploys go on to their end: a console that stops mid-deploy marks them interrupted at its next start. */
  dispose(): void {
    this.leftLocks.dispose();
    for (const run of this.running.values()) run.listeners.clear();
  }
}

/** Why a stage no longer runs `release` on every host (null when it does). */
async function stageLeft(pool: SshPool, spec: AppSpec, hosts: readonly Host[], stage: string, release: string): Promise<string | null> {
  const off = (await readHostReleases(pool, spec, hosts)).filter((r) => r.current !== release);
  if (off.length === 0) return null;
  return `${stage} no longer runs ${release} on ${off.map((r) => `${r.host} (${r.error ?? `it runs ${r.current ?? 'none'}`})`).join(', ')}; only a release its stage runs is promoted. Nothing was changed.`;
}

/** The stage a start goes to (null: every host of the app): the one asked for, the next one for a
 * promotion, the record's own for a resume or undo, the first one for a new deploy. */
function targetStage(req: StartRequest, spec: AppSpec, record: DeployRecord | undefined): string | null {
  if (req.promote !== undefined) {
    const next = nextStage(spec.stages ?? [], record?.stage ?? '')!;
    if (req.stage !== undefined && req.stage !== next) throw new CoreFailure(`A promotion goes to the next stage (${next}), not ${req.stage}.`);
    return next;
  }
  if (req.stage !== undefined) {
    const problem = stageProblem(req.app, spec.stages, req.stage);
    if (problem) throw new CoreFailure(problem);
    return req.stage;
  }
  if (record) return record.stage;
  return req.release === undefined ? (spec.stages?.[0] ?? null) : null;
}

/** Only a deploy that succeeded on a stage, with one known revision, goes on to the next stage. */
function checkPromotion(app: string, stages: readonly string[] | undefined, record: DeployRecord): void {
  const from = record.stage;
  if (!from) throw new CoreFailure(`Deploy ${record.id} of ${app} went to no single stage; only a deploy to a stage can be promoted.`);
  if (stageProblem(app, stages, from)) throw new CoreFailure(`Deploy ${record.id} went to ${from}, which is no longer a stage of ${app}.`);
  if (!nextStage(stages!, from)) throw new CoreFailure(`${from} is the last stage of ${app}; there is nothing to promote it to.`);
  if (record.outcome !== 'succeeded') throw new CoreFailure(`Deploy ${record.id} of ${app} to ${from} ${record.outcome ?? 'is still running'}; only a deploy that succeeded can be promoted.`);
  if (!record.revision) throw new CoreFailure(`Deploy ${record.id} of ${app} recorded no single revision (its hosts prepared different ones, or an older Fleetdeck deployed it), so it cannot be shipped again as it was. Deploy to ${from} again, then promote.`);
}

/** A restarted host passes when a fresh poll finds no CRITICAL check on it. */
async function statusProblem(status: StatusService, host: string): Promise<string | null> {
  const fresh = await status.checkNow(host);
  const critical = fresh?.checks.filter((c) => c.state === 'CRITICAL') ?? [];
  return critical.length === 0 ? null : `its status checks say ${critical.map((c) => `${c.name}: ${c.reason}`).join('; ')}`;
}
