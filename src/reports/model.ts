/**
 * The report model: one phase's story, built from the plan, the state and the journal. Pure.
 * Every renderer (Markdown, JSON, later HTML, JUnit, CI summaries) reads this model only.
 */
import { formatDuration } from '../plan/duration.js';
import { answerOf, checklistId } from '../plan/checklist-id.js';
import type { DocumentKind, Plan } from '../plan/schema.js';
import type { Criterion } from '../gates/types.js';
import { buildDocument } from './documents.js';
import { documentKinds } from './living-sections.js';
import { phaseCriteria } from '../gates/criteria.js';
import { asEvent, eventOf, outcomeOf } from '../state/journal-events.js';
import { digestOf, type JournalDigest, lastOfPhase, phaseOf } from '../state/journal-digest.js';
import type { Approval, JournalEntry, RolloutState } from '../state/types.js';
import type { MetricSeries } from './chart.js';
import { type ComponentSwitchRow, componentSwitches } from './components-section.js';
import type { LatencySeries } from './comparison-section.js';
import { buildExecutive, type ExecutiveSummary } from './executive.js';
import type { Language } from './i18n.js';
import { ofAllUsers } from '../plan/of-all.js';

export interface DocumentSection {
  kind: DocumentKind;
  title: string;
  /** `data`: filled from data; `partial`: data plus parts only people can write; `people`: only people can write it */
  source: 'data' | 'partial' | 'people';
  /** Markdown-free content: paragraphs and tables */
  blocks: Block[];
}

export type Block =
  | { type: 'text'; text: string }
  /** `untrusted`: cells hold people's free text (notes): Markdown escapes its markup too */
  | { type: 'table'; head: string[]; rows: string[][]; untrusted?: boolean | undefined }
  | { type: 'todo'; text: string };

export interface PhaseReport {
  generatedAt: string;
  language: Language;
  /** one screen for leadership: where, decided, at risk, next, schedule */
  executive?: ExecutiveSummary | undefined;
  /** each gating metric's canary and control series over the phase, for the HTML charts */
  series?: Record<string, MetricSeries> | undefined;
  /** each latency metric's per-interval values in the phase, for the Mann-Whitney test of the comparative analysis */
  latency?: LatencySeries[] | undefined;
  simulatedClock: boolean;
  plan: {
    name: string;
    title: string;
    owner?: string | undefined;
    service?: string | undefined;
    strategy: string;
    flag: string;
  };
  phase: {
    name: string;
    index: number;
    of: number;
    traffic: number;
    audience?: string | undefined;
    /** `of: all`: the share of all users the phase's traffic stands for */
    allUsers?: number | undefined;
    minDuration?: string | undefined;
    status: 'current' | 'left' | 'not-reached';
    enteredAt?: string | undefined;
    leftAt?: string | undefined;
    timeInPhase?: string | undefined;
  };
  rolloutStatus: string;
  /** blue-green components: checks, switches and switch-backs in this phase, with their timing */
  components?: ComponentSwitchRow[] | undefined;
  gate?: { evaluatedAt: string; verdict: string; criteria: Criterion[]; reported: Criterion[] } | undefined;
  decision?:
    | { decision: string; from: string; to: string | null; reasons: string[]; contingency?: unknown }
    | undefined;
  checklist: {
    id: string;
    text: string;
    status: string;
    by?: string | undefined;
    at?: string | undefined;
    reason?: string | undefined;
    command?: string | undefined;
    exitCode?: number | null | undefined;
    output?: string | undefined;
  }[];
  approvals: { required: number; approvers: string[]; given: Approval[] };
  flag?: { before: unknown; after: unknown } | undefined;
  rollback?:
    | {
        component: string;
        procedure: string;
        kind: string;
        status: string;
        durationMs: number;
        estimate?: string;
        overEstimate: boolean;
        detail: string;
        exitCode?: number | null;
        output?: string;
      }[]
    | undefined;
  /** the phase's timeline; a check repeated with the same verdict is one event with `count` and `lastAt` */
  events: { at: string; type: string; summary: string; count?: number; lastAt?: string }[];
  /** the variant a light contingency served to the canary in this phase (adjust-flags) */
  served?: { variant: string; at: string; value?: unknown } | undefined;
  documents: DocumentSection[];
}

/** The journal as the report reads it: its digest, or the entries themselves (folded into one here). */
export type ReportJournal = JournalEntry[] | JournalDigest;
export const digestFor = (journal: ReportJournal): JournalDigest =>
  Array.isArray(journal) ? digestOf(journal) : journal;
export function buildPhaseReport(args: {
  plan: Plan;
  state: RolloutState;
  journal: ReportJournal;
  phase: string;
  now: string;
  simulated: boolean;
  series?: Record<string, MetricSeries> | undefined;
  latency?: LatencySeries[] | undefined;
}): PhaseReport {
  const { plan, state, now } = args;
  const journal = digestFor(args.journal);
  const inPhase = phaseOf(journal, args.phase);
  const index = plan.phases.findIndex((p) => p.name === args.phase);
  const phase = plan.phases[index]!;
  const rec = state.phases[phase.name];
  const status = !rec
    ? 'not-reached'
    : rec.leftAt && state.phase !== phase.name
      ? 'left'
      : state.phase === phase.name && state.status !== 'completed' && state.status !== 'rolled-back'
        ? 'current'
        : 'left';
  const gateEntry = lastOfPhase(journal, phase.name, 'gate.evaluated');
  // the phase's last rollback: the whole one, or one component's (`rollback --component`)
  const rollbackEntry = [
    lastOfPhase(journal, phase.name, 'rollback.finished'),
    lastOfPhase(journal, phase.name, 'rollback.component.finished'),
  ].reduce<JournalEntry | undefined>((a, b) => (!a || (b && b.seq > a.seq) ? b : a), undefined);
  const c = phaseCriteria(plan, phase);
  const checklist = phase.checklist.map((item, i) => {
    const id = checklistId(item, i);
    const a = rec ? answerOf(rec.checklist, item, i) : undefined;
    return {
      id,
      text: typeof item === 'string' ? item : item.text,
      status: a?.status ?? 'open',
      by: a?.by,
      at: a?.at,
      reason: a?.reason,
      command: a?.command ?? (typeof item === 'string' ? undefined : item.run),
      exitCode: a?.exitCode,
      output: a?.output,
    };
  });
  // what the decision came to (a contingency is `applied` only once it ran): the outcome entry after the gate
  const outcome =
    gateEntry && inPhase?.lastRollout && inPhase.lastRollout.seq > gateEntry.seq ? inPhase.lastRollout : undefined;
  const gd = eventOf(gateEntry, 'gate.evaluated')?.data;
  const end = rec?.leftAt ?? now;
  const report: PhaseReport = {
    generatedAt: now,
    language: plan.reports.language ?? 'en',
    series: args.series,
    latency: args.latency,
    simulatedClock: args.simulated || journal.simulated,
    plan: {
      name: plan.name,
      title: plan.title ?? plan.name,
      owner: plan.owner,
      service: plan.service,
      strategy: plan.strategy,
      flag: plan.flag.key,
    },
    phase: {
      name: phase.name,
      index,
      of: plan.phases.length,
      traffic: phase.traffic,
      audience: phase.audience,
      allUsers: ofAllUsers(plan, phase, phase.traffic),
      minDuration: phase.minDuration,
      status,
      enteredAt: rec?.enteredAt,
      leftAt: rec?.leftAt,
      timeInPhase: rec ? formatDuration(Date.parse(end) - Date.parse(rec.enteredAt)) : undefined,
    },
    rolloutStatus: state.status,
    components: plan.components?.length ? componentSwitches(inPhase?.components ?? [], phase.name) : undefined,
    gate:
      gd && gateEntry
        ? { evaluatedAt: gateEntry.at, verdict: gd.verdict, criteria: gd.criteria, reported: gd.reported ?? [] }
        : undefined,
    decision: gd
      ? {
          decision: gd.decision,
          from: gd.from,
          to: gd.to,
          reasons: gd.reasons,
          contingency: outcomeOf(outcome)?.contingency ?? gd.contingency,
        }
      : undefined,
    checklist,
    approvals: { required: c.approvals.required, approvers: c.approvals.approvers, given: rec?.approvals ?? [] },
    flag: rec?.flagAfter !== undefined ? { before: rec.flagBefore, after: rec.flagAfter } : undefined,
    served: rec?.served,
    rollback: (eventOf(rollbackEntry, 'rollback.finished') ?? eventOf(rollbackEntry, 'rollback.component.finished'))
      ?.data.steps,
    events: (inPhase?.timeline ?? []).map((r) => ({
      at: r.entry.at,
      type: r.entry.type,
      summary: summarize(r.entry),
      ...(r.count > 1 ? { count: r.count, lastAt: r.lastAt } : {}),
    })),
    documents: [],
  };
  report.documents = documentKinds(plan, state, phase.name, index).map((kind) =>
    buildDocument(kind, { plan, state, journal, report }),
  );
  report.executive = buildExecutive({ plan, state, report });
  return report;
}

function summarize(entry: JournalEntry): string {
  const e = asEvent(entry);
  switch (e.type) {
    case 'gate.evaluated':
      return `gate ${e.data.verdict}: ${e.data.decision}`;
    case 'effect.start':
      return `${e.data.action} started`;
    case 'effect.done':
      if (e.data.action === 'flag.serve-variant') return servedSummary(e.data.after);
      return `${e.data.action} done`;
    case 'effect.failed':
      return `${e.data.action} failed: ${e.data.error}`;
    case 'checklist.answered':
      return `checklist "${e.data.text}": ${e.data.status} by ${e.data.by}`;
    case 'approval.recorded':
      return `approved by ${e.data.by}`;
    default:
      return entry.type;
  }
}

/** The timeline's words for a light contingency's flag adjustment. */
function servedSummary(after: unknown): string {
  const variant = (after as { variant?: unknown } | undefined)?.variant;
  return `served ${typeof variant === 'string' ? variant : 'a variant'} to the canary (light contingency)`;
}
