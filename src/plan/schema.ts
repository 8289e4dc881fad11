/**
 * The plan's one source of truth: the TypeScript types, the validation and the JSON Schema
 * (`rollout schema`) all come from these zod schemas. Provider settings are checked in a later pass
 * against the adapter registry, so an unknown `type` can list the known ones.
 */
import { z } from 'zod';
import { componentsSchema } from './components-schema.js';
import { scheduleSchema } from './schedule-schema.js';
import { approvals, duration, estimate, flagKey, slug, text } from './schema-basics.js';

export { IDENTITY, MAX_DURATION_MS } from './schema-basics.js';

export const SEVERITY = z.enum(['critical', 'high', 'medium', 'low']);
export const BREACH_LEVEL = z.enum(['light', 'moderate', 'severe']);
export const DOCUMENTS = z.enum([
  'rollout-plan',
  'test-cases',
  'initial-metrics',
  'comparative-analysis',
  'final-report',
  'lessons-learned',
  'issue-log',
  'user-feedback',
  'communication-plan',
]);

export const providerSpec = z.looseObject({ type: z.string().min(1, 'name the adapter type') });

const bound = z
  .strictObject({ below: z.number().optional(), above: z.number().optional() })
  .refine((b) => b.below !== undefined || b.above !== undefined, 'give `below`, `above` or both');

const threshold = z.union([
  z.number().nonnegative(),
  z.string().regex(/^\d+(\.\d+)?%$/, 'a number or a percentage such as "5%"'),
]);

export const metricSchema = z.strictObject({
  name: text,
  category: z.string().default('performance'),
  provider: z.string().optional(),
  kind: z.enum(['value', 'ratio', 'histogram']).default('value'),
  query: z.string().optional(),
  numerator: z.string().optional(),
  denominator: z.string().optional(),
  /** histogram: the latency limit L in the histogram's unit (its `le`); the share of observations slower than L is judged */
  threshold: z.number().positive("the threshold is a latency above 0, in the histogram's unit").optional(),
  unit: z.string().optional(),
  description: z.string().optional(),
  slo: bound.optional(),
  severe: bound.optional(),
  onBreach: BREACH_LEVEL.default('moderate'),
  onNoData: z.enum(['hold', 'fail']).default('hold'),
  compare: z
    .strictObject({
      baseline: z.literal('control').default('control'),
      better: z.enum(['higher', 'lower']),
      failThreshold: threshold.optional(),
      passMargin: threshold.optional(),
    })
    .optional(),
  /** the sampling interval the data is expected at; gaps longer than 3 of these hold the gate */
  interval: duration.optional(),
});

export const advanceSchema = z.strictObject({
  sloWindow: duration.optional(),
  noOpenIncidents: z.union([SEVERITY, z.literal(false)]).optional(),
  approvals: approvals.optional(),
});

const checklistItem = z.union([
  text,
  z.strictObject({ id: slug.optional(), text, run: z.string().optional(), timeout: duration.optional() }),
]);

export const phaseSchema = z.strictObject({
  name: slug,
  description: z.string().optional(),
  traffic: z
    .number()
    .min(0, 'traffic is a percentage from 0 to 100')
    .max(100, 'traffic is a percentage from 0 to 100')
    .refine(
      (t) => Math.abs(t * 100 - Math.round(t * 100)) < 1e-6,
      'traffic has a precision of 0.01 (e.g. 0.25 or 12.5)',
    ),
  audience: z.string().optional(),
  /** `all`: `traffic` is a share of ALL users, chosen among the audience (needs the audience's `share`) */
  of: z.enum(['audience', 'all']).optional(),
  minDuration: duration.optional(),
  /** the last phase only: the full rollout's validation soak; it completes once its SLOs held this long */
  validate: duration.optional(),
  checklist: z.array(checklistItem).default([]),
  documents: z.array(DOCUMENTS).default([]),
  advance: advanceSchema.optional(),
});

const contingencyAction = z.strictObject({
  action: z.enum(['hold', 'reduce-traffic', 'rollback', 'adjust-flags']),
  /** applied without --apply-contingency when true */
  automatic: z.boolean().default(false),
  note: z.string().optional(),
  /** adjust-flags: the variant of `flag.variants` served to the canary instead of `on` */
  serve: slug.optional(),
});

const rollbackStep = z
  .strictObject({
    component: text,
    procedure: text,
    action: z.literal('flag').optional(),
    run: z.string().min(1).optional(),
    manual: z.boolean().optional(),
    estimate: estimate.optional(),
    timeout: duration.optional(),
    /** asked before the step runs (`--yes` takes the default); "no" skips the step, and both are recorded */
    when: z.strictObject({ ask: text, default: z.union([z.enum(['yes', 'no']), z.boolean()]) }).optional(),
  })
  .refine((s) => [s.action !== undefined, s.run !== undefined, s.manual === true].filter(Boolean).length === 1, {
    message: 'each rollback step needs exactly one of `action: flag`, `run: COMMAND` or `manual: true`',
  });

const stakeholder = z.strictObject({
  audience: text,
  channel: z.string().optional(),
  frequency: z.string().optional(),
  /** when digests are due (`rollout digest`); read from `frequency` when absent (src/reports/digest-cadence.ts) */
  cadence: z.enum(['each-change', 'daily', 'weekly', 'after-each-phase', 'after-the-rollout']).optional(),
  /** what a digest says: technical detail, a product summary, the executive report, release notes */
  level: z.enum(['technical', 'product', 'executive', 'customer']).optional(),
  owner: z.string().optional(),
  notify: z.union([z.string(), z.array(z.string())]).optional(),
  events: z
    .array(
      z.enum(['advanced', 'held', 'failed', 'contingency-applied', 'rolled-back', 'completed', 'reduced', 'eligible']),
    )
    .optional(),
});

/** the audience's size as a percentage of all users, for phases that say `of: all` */
const audienceShare = z.number().gt(0, 'share is a percentage of all users above 0').max(100, 'share is at most 100');
const audience = z.union([
  z.strictObject({
    attribute: text,
    in: z.array(z.union([z.string(), z.number(), z.boolean()]).transform(String)).min(1),
    share: audienceShare.optional(),
  }),
  z.strictObject({ segment: text, share: audienceShare.optional() }),
]);

export const planSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1, 'the plan format version is 1'),
  name: slug,
  title: z.string().optional(),
  owner: z.string().optional(),
  service: z.string().optional(),
  strategy: z.enum(['canary', 'blue-green']).default('canary'),
  variables: z.record(z.string(), z.union([z.string(), z.number()]).transform(String)).default({}),
  flag: z.strictObject({
    provider: z.string().optional(),
    key: flagKey,
    /** variants with values (JSON) beside on/off, e.g. conservative: { maxItems: 5 }; `on` gives the new version's value */
    variants: z
      .record(slug, z.union([z.record(z.string(), z.unknown()), z.string(), z.number(), z.boolean()]))
      .optional(),
  }),
  providers: z.strictObject({
    flags: z.record(z.string(), providerSpec).default({}),
    metrics: z.record(z.string(), providerSpec).default({}),
    incidents: z.record(z.string(), providerSpec).default({}),
    notifications: z.record(z.string(), providerSpec).default({}),
  }),
  state: z
    .strictObject({
      backend: z.enum(['file', 'postgres']).default('file'),
      dir: text.default('.rollout'),
      /** a `dir` outside the plan's folder is refused unless this says so */
      allowOutsidePlanDir: z.boolean().default(false),
      /** backend postgres: postgres://USER:PASSWORD@HOST:PORT/DATABASE, usually "${DATABASE_URL}" */
      url: z
        .string()
        .regex(/^postgres(ql)?:\/\/\S+$/, 'must be a postgres://USER:PASSWORD@HOST:5432/DATABASE URL')
        .optional(),
    })
    .refine((s) => s.backend !== 'postgres' || s.url !== undefined, {
      message: 'backend postgres needs a url (e.g. url: "${DATABASE_URL}")',
      path: ['url'],
    })
    .default({ backend: 'file', dir: '.rollout', allowOutsidePlanDir: false }),
  audiences: z.record(z.string(), audience).default({}),
  metrics: z.array(metricSchema).default([]),
  analysis: z
    .strictObject({
      alpha: z.number().gt(0).lt(1).default(0.05),
      srmAlpha: z.number().gt(0).lt(1).default(0.001),
      minSamples: z.number().int().min(1).default(100),
      exposure: z.string().optional(),
    })
    .optional(),
  phases: z.array(phaseSchema).min(1, 'a plan needs at least one phase'),
  advance: advanceSchema.default({}),
  contingency: z
    .strictObject({
      light: contingencyAction.optional(),
      moderate: contingencyAction.optional(),
      severe: contingencyAction.optional(),
    })
    .default({}),
  rollback: z.array(rollbackStep).default([]),
  /** blue-green components switched whole at a phase; see components-schema.ts */
  components: componentsSchema,
  stakeholders: z.array(stakeholder).default([]),
  /** the calendar the team planned: days (from `start`) or dates per phase and activity; see schedule-schema.ts */
  schedule: scheduleSchema.optional(),
  reports: z
    .strictObject({
      dir: text.default('reports'),
      formats: z
        .array(z.enum(['md', 'json', 'html', 'junit']))
        .min(1)
        .default(['md', 'json']),
      /** a `dir` outside the plan's folder is refused unless this says so */
      allowOutsidePlanDir: z.boolean().default(false),
      /** the language of every heading, label and generated sentence (plan texts stay as written) */
      language: z.enum(['en', 'pt-BR']).default('en'),
    })
    .default({ dir: 'reports', formats: ['md', 'json'], allowOutsidePlanDir: false, language: 'en' }),
});

export type PlanInput = z.input<typeof planSchema>;
export type Plan = z.output<typeof planSchema>;
export type Phase = Plan['phases'][number];
export type MetricSpec = Plan['metrics'][number];
export type AdvanceCriteria = z.output<typeof advanceSchema>;
export type RollbackStep = Plan['rollback'][number];
export type Stakeholder = Plan['stakeholders'][number];
export type ContingencyLevel = z.output<typeof BREACH_LEVEL>;
export type DocumentKind = z.output<typeof DOCUMENTS>;
export type Severity = z.output<typeof SEVERITY>;
