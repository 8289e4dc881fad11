/**
 * The sentences the gates and the engine generate (criteria details, decision reasons, contingency
 * advice, document texts) in Brazilian Portuguese. The gates write English into the journal (it is a
 * record, read by tools); a pt-BR report translates them when it is rendered. Phrases are matched as
 * fragments, so a detail composed of several (`worst …; 97 of 97 expected points …`) is translated
 * whole; a phrase not listed stays English. Plan texts are not phrases and are never touched. Pure.
 */

const D = '[0-9][0-9.,]*(?:ms|s|m|h|d)?(?:[0-9][0-9.,]*(?:ms|s|m|h|d))*';

const PHRASES: [RegExp, string][] = [
  [/(\d+)\/(\d+) items answered/g, '$1/$2 itens respondidos'],
  [/; failed: /g, '; com falha: '],
  [/; open: /g, '; em aberto: '],
  [
    new RegExp(`(${D}) of (${D}) in phase; eligible at (\\S+) \\(in (${D})\\)`, 'g'),
    '$1 de $2 na fase; elegível em $3 (em $4)',
  ],
  [/ in phase ≥ /g, ' na fase ≥ '],
  [/cannot tell whether incidents are open: /g, 'não é possível saber se há incidentes abertos: '],
  [/(\d+) open incident\(s\) at (\S+) or worse: /g, '$1 incidente(s) aberto(s) com severidade $2 ou pior: '],
  [
    /no open incident at (\S+) or worse \((\d+) milder open\)/g,
    'nenhum incidente aberto com severidade $1 ou pior ($2 mais leve(s) aberto(s))',
  ],
  [/(\d+)\/(\d+) approvals/g, '$1/$2 aprovações'],
  [
    /; any of (.+?) can run `rollout approve --by NAME`/g,
    '; qualquer um de $1 pode executar `rollout approve --by NAME`',
  ],
  [
    /the rollout is paused; `rollout resume` lets it advance/g,
    'o rollout está pausado; `rollout resume` permite que avance',
  ],
  [
    /(\d+) of (\d+) expected points, every (\S+) \(no SLO: reported only\)/g,
    '$1 de $2 pontos esperados, a cada $3 (sem SLO: apenas informativa)',
  ],
  [/(\d+) of (\d+) expected points \(every (\S+)\)/g, '$1 de $2 pontos esperados (a cada $3)'],
  [/\bworst (.+?) within (.+?) over (\S+?);/g, 'pior $1 dentro de $2 em $3;'],
  [/\blast (.+?), mean (.+?) over (\S+?);/g, 'último $1, média $2 em $3;'],
  [/ at this traffic; the (\S+) window is covered at (\S+)/g, ' neste tráfego; a janela de $1 estará coberta em $2'],
  [/ so far: /g, ' até agora: '],
  [/ breaks the SLO (.+?); (\d+) of (\d+) points outside over (\S+)/g, ' viola o SLO $1; $2 de $3 pontos fora em $4'],
  [/ \(past the severe bound (.+?)\)/g, ' (além do limite grave $1)'],
  [/no data in the last (\S+) \((\S+)\)/g, 'sem dados nas últimas $1 ($2)'],
  [
    /\bonly (.+?) in the last (\S+); at least (\d+) are needed/g,
    'apenas $1 nas últimas $2; são necessários ao menos $3',
  ],
  [
    /data starts (\S+) into the (\S+) window \(at (\S+)\); the window is not covered yet/g,
    'os dados começam $1 após o início da janela de $2 (em $3); a janela ainda não está coberta',
  ],
  [
    /no data for the last (\S+) \(last point (\S+)\); data is stale/g,
    'sem dados nas últimas $1 (último ponto $2); dados desatualizados',
  ],
  [
    /a (\S+) gap in the data after (\S+) \(sampling every (\S+)\)/g,
    'uma lacuna de $1 nos dados após $2 (amostragem a cada $3)',
  ],
  [/(\d+) point\(s\) were NaN or not numbers; (\d+) valid/g, '$1 ponto(s) NaN ou não numéricos; $2 válidos'],
  [/the provider warned: /g, 'o provedor avisou: '],
  [/\bno data: /g, 'sem dados: '],
  [/the metric cannot pass/g, 'a métrica não pode passar'],
  [/so the metric cannot pass/g, 'então a métrica não pode passar'],
  [/untrusted counts: /g, 'contagens não confiáveis: '],
  [/every criterion passed; /g, 'todos os critérios passaram; '],
  // what a phase serves: "5% of technical-users" (the share is of the audience)
  [/(\d+(?:\.\d+)?%) of (?!the\b|all users\b)([a-z0-9][\w.-]*)/g, '$1 de $2'],
  [/(\d+(?:\.\d+)?%) of all users\b/g, '$1 de todos os usuários'],
  [/there is no earlier phase to step back to; /g, 'não há fase anterior para a qual voltar; '],
  [/step back to "(.+?)" \((.+?)\): /g, 'voltar para "$1" ($2): '],
  [/run the rollback plan \((\d+) steps\): /g, 'executar o plano de rollback ($1 passos): '],
  [/` or `/g, '` ou `'],
  [/(\S+) of (\S+) at this traffic/g, '$1 de $2 neste tráfego'],
  // the rollout plan's approvals column: `1 of tech-lead, head-of-engineering`
  [/^(\d+) of ([a-z].*)$/g, '$1 de $2'],
  // events of the report's event list
  [/^gate (pass|hold|fail): (\S+)$/g, 'gate $1: $2'],
  [/^approved by (.+)$/g, 'aprovado por $1'],
  [/^checklist "(.+)": (done|skipped|failed) by (.+)$/g, 'checklist "$1": $2 por $3'],
  [/^(\S+) started$/g, '$1 iniciado'],
  [/^(\S+) done$/g, '$1 concluído'],
  [/^(\S+) failed: /g, '$1 falhou: '],
  // document texts
  [
    /^(.+): a (\S+) rollout of (.+), driven by the flag "(.+)"\. Owner: (.+)\.$/g,
    '$1: um rollout $2 de $3, conduzido pela flag "$4". Responsável: $5.',
  ],
  [/^Metrics at (.+), evaluated (\S+)\.$/g, 'Métricas com $1, avaliadas em $2.'],
  [
    /^Between phases \(the audience changed as well as the feature\): mean of each metric in "(.+?)" against "(.+?)"/g,
    'Entre fases (o público mudou, além da funcionalidade): média de cada métrica em "$1" contra "$2"',
  ],
  [
    /^The rollout is (\S+)\. It started (\S+)( and completed (\S+))?\. Gates held (\d+) time\(s\)/g,
    'O rollout está $1. Começou em $2$3. Os gates retiveram $5 vez(es)',
  ],
  [/ and completed /g, ' e foi concluído em '],
  [
    /^Facts to start from: (\d+) held gate\(s\), (\d+) failed action\(s\)/g,
    'Fatos para começar: $1 gate(s) retido(s), $2 ação(ões) com falha',
  ],
];

/** Exact strings: document headings, table heads and cells, todo texts. */
const EXACT: Record<string, string> = {
  'Phases and the gate to leave each:': 'Fases e o gate para sair de cada uma:',
  'Metrics and their SLOs:': 'Métricas e seus SLOs:',
  'Contingency ladder:': 'Escada de contingência:',
  'Rollback plan, in order:': 'Plano de rollback, em ordem:',
  'Checks recorded by the pre-deploy checklist:': 'Verificações registradas pelo checklist de pré-deploy:',
  'Describe the functional test cases (scenarios, expected results, where they run). Only people can write this part.':
    'Descreva os casos de teste funcionais (cenários, resultados esperados, onde rodam). Só pessoas podem escrever esta parte.',
  'No gate evaluation was recorded in this phase yet; run `rollout check` or `rollout advance`.':
    'Nenhuma avaliação de gate foi registrada nesta fase ainda; execute `rollout check` ou `rollout advance`.',
  'Interpret the differences: what changed for users, and whether it is the feature or the traffic mix. Only people can write this part.':
    'Interprete as diferenças: o que mudou para os usuários, e se é a funcionalidade ou a mistura de tráfego. Só pessoas podem escrever esta parte.',
  'What went well, what did not, what to change in the next plan. Only people can write this section.':
    'O que deu certo, o que não deu, o que mudar no próximo plano. Só pessoas podem escrever esta seção.',
  phase: 'fase',
  traffic: 'tráfego',
  audience: 'público',
  soak: 'estabilização',
  'gate window': 'janela do gate',
  approvals: 'aprovações',
  metric: 'métrica',
  category: 'categoria',
  severe: 'grave',
  'on breach': 'na violação',
  level: 'nível',
  action: 'ação',
  component: 'componente',
  procedure: 'procedimento',
  how: 'como',
  estimate: 'estimativa',
  check: 'verificação',
  result: 'resultado',
  by: 'por',
  at: 'em',
  cohort: 'coorte',
  worst: 'pior',
  mean: 'média',
  last: 'último',
  points: 'pontos',
  verdict: 'veredito',
  change: 'variação',
  entered: 'entrada',
  left: 'saída',
  time: 'tempo',
  'last decision': 'última decisão',
  everyone: 'todos',
  'reported only': 'apenas informativa',
  'flag off': 'flag desligada',
  manual: 'manual',
  done: 'feito',
  skipped: 'pulado',
  failed: 'com falha',
  open: 'em aberto',
  pending: 'pendente',
  reported: 'informativa',
  'reported (no data)': 'informativa (sem dados)',
  previous: 'anterior',
  pass: 'passou',
  hold: 'retido',
  fail: 'reprovado',
  advanced: 'avançou',
  held: 'retido',
  completed: 'concluído',
  reduced: 'reduzido',
  'rolled-back': 'revertido',
  'not named': 'não informado',
};

/** The text in pt-BR where it is a known generated phrase; as it is otherwise. */
export function toPtBr(text: string): string {
  const exact = EXACT[text];
  if (exact !== undefined) return exact;
  let out = text;
  for (const [re, to] of PHRASES) out = out.replace(re, to);
  return out;
}

/** The words of a document section's titles, by kind. */
export const DOCUMENT_TITLES_PT: Record<string, string> = {
  'rollout-plan': 'Plano de rollout',
  'test-cases': 'Casos de teste',
  'initial-metrics': 'Relatório de métricas iniciais',
  'comparative-analysis': 'Análise comparativa',
  'final-report': 'Relatório final',
  'lessons-learned': 'Lições aprendidas',
};
