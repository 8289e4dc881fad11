/**
 * The Slack message for a NotificationEvent (providers.md §9): `text` is the fallback that notifications
 * and screen readers show; `blocks` lay out a header, the facts as fields, the summary, the reasons and
 * the time. Pure. Texts are escaped (`&`, `<`, `>`) so a reason cannot ping a channel or forge a link,
 * and clipped to Slack's limits so a long reason list never gets the whole message rejected.
 */
import type { NotificationEvent, NotificationKind } from '../../types.js';

export type SlackText = { type: 'plain_text'; text: string; emoji?: boolean } | { type: 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: SlackText }
  | { type: 'section'; text?: SlackText; fields?: SlackText[] }
  | { type: 'context'; elements: SlackText[] };

export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

/** Slack's documented limits: header text 150, section text 3000, field text 2000. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
const FIELD_MAX = 2000;
/** Reasons shown before "and N more". */
const MAX_LINES = 20;

const HEADLINE: Record<NotificationKind, { emoji: string; verb: string }> = {
  advanced: { emoji: ':large_green_circle:', verb: 'advanced' },
  completed: { emoji: ':white_check_mark:', verb: 'completed' },
  held: { emoji: ':double_vertical_bar:', verb: 'held' },
  failed: { emoji: ':red_circle:', verb: 'gate failed' },
  'contingency-applied': { emoji: ':warning:', verb: 'contingency applied' },
  reduced: { emoji: ':arrow_down:', verb: 'traffic reduced' },
  'rolled-back': { emoji: ':rewind:', verb: 'rolled back' },
  digest: { emoji: ':memo:', verb: 'digest' },
  eligible: { emoji: ':hourglass_flowing_sand:', verb: 'eligible to advance' },
};

/** Slack's mrkdwn control characters; `*` and `_` are left alone (they only style). */
export function escapeMrkdwn(text: string): string {
  return text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

export function buildSlackMessage(e: NotificationEvent): SlackMessage {
  const head = HEADLINE[e.kind];
  const step = e.to ? `${e.phase} → ${e.to}` : e.phase;
  const fields: SlackText[] = [
    {
      type: 'mrkdwn',
      text: clip(`*Plan:*\n${escapeMrkdwn(e.title === e.plan ? e.plan : `${e.title} (${e.plan})`)}`, FIELD_MAX),
    },
    { type: 'mrkdwn', text: clip(`*Phase:*\n${escapeMrkdwn(step)}`, FIELD_MAX) },
  ];
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: clip(`${e.plan}: ${head.verb}`, HEADER_MAX), emoji: true } },
    { type: 'section', fields },
    { type: 'section', text: { type: 'mrkdwn', text: clip(`${head.emoji} ${escapeMrkdwn(e.summary)}`, SECTION_MAX) } },
  ];
  if (e.lines.length > 0) {
    const shown = e.lines.slice(0, MAX_LINES).map((l) => `• ${escapeMrkdwn(l)}`);
    if (e.lines.length > MAX_LINES) shown.push(`_and ${e.lines.length - MAX_LINES} more_`);
    blocks.push({ type: 'section', text: { type: 'mrkdwn', text: clip(shown.join('\n'), SECTION_MAX) } });
  }
  blocks.push({
    type: 'context',
    elements: [{ type: 'mrkdwn', text: `rollout · ${escapeMrkdwn(e.kind)} · ${escapeMrkdwn(e.at)}` }],
  });
  return { text: escapeMrkdwn(`rollout ${e.plan}: ${head.verb} (${step}): ${e.summary}`), blocks };
}
