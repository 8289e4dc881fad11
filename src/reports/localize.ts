/**
 * A phase report as a reader of its language sees it: in pt-BR, the generated sentences the model
 * carries in English (criteria details, decision reasons and word, contingency advice, checklist and
 * rollback statuses, the event list, the document sections) translated (pt-br-phrases.ts). The model
 * itself, and so the JSON report, keeps the words tools read; only the Markdown and HTML views change.
 * Plan texts pass through unchanged. Pure.
 */
import type { Criterion } from '../gates/types.js';
import type { Block, PhaseReport } from './model.js';
import { DOCUMENT_TITLES_PT, toPtBr } from './pt-br-phrases.js';

const criterion = (c: Criterion): Criterion => ({ ...c, detail: toPtBr(c.detail) });

function block(b: Block): Block {
  if (b.type === 'text' || b.type === 'todo') return { ...b, text: toPtBr(b.text) };
  // people's free text (notes) is never translated
  if (b.untrusted) return { ...b, head: b.head.map(toPtBr) };
  return { ...b, head: b.head.map(toPtBr), rows: b.rows.map((r) => r.map(toPtBr)) };
}

export function localizeReport(r: PhaseReport): PhaseReport {
  if (r.language !== 'pt-BR') return r;
  const contingency = r.decision?.contingency as { advice?: string } | undefined;
  return {
    ...r,
    gate: r.gate && { ...r.gate, criteria: r.gate.criteria.map(criterion), reported: r.gate.reported.map(criterion) },
    decision: r.decision && {
      ...r.decision,
      decision: toPtBr(r.decision.decision),
      reasons: r.decision.reasons.map(toPtBr),
      contingency:
        contingency && typeof contingency.advice === 'string'
          ? { ...contingency, advice: toPtBr(contingency.advice) }
          : r.decision.contingency,
    },
    executive: r.executive && { ...r.executive, risks: r.executive.risks.map(toPtBr) },
    checklist: r.checklist.map((c) => ({ ...c, status: toPtBr(c.status) })),
    rollback: r.rollback?.map((s) => ({ ...s, status: toPtBr(s.status), detail: toPtBr(s.detail) })),
    events: r.events.map((e) => ({ ...e, summary: toPtBr(e.summary) })),
    documents: r.documents.map((d) => ({
      ...d,
      title: DOCUMENT_TITLES_PT[d.kind] ?? d.title,
      blocks: d.blocks.map(block),
    })),
  };
}
