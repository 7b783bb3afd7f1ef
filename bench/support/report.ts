/** The shape every benchmark returns, and how results become Markdown. */

export interface Goal {
  readonly text: string;
  readonly met: boolean;
  /** The measured figure and its ratio, e.g. "p50 412 ms = 1.6× the floor". */
  readonly measured: string;
}

export interface BenchResult {
  readonly id: string;
  readonly title: string;
  /** Markdown: one or more tables. */
  readonly body: string;
  readonly goals: readonly Goal[];
  /** Findings worth keeping next to the figures (causes, caveats). */
  readonly notes?: readonly string[];
}

export const table = (header: readonly string[], rows: ReadonlyArray<readonly string[]>): string => {
  const align = header.map((_, i) => (i === 0 ? ':--' : '--:'));
  return [header, align, ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n');
};

export const goalLine = (goal: Goal): string =>
  `- ${goal.met ? '**met**' : '**missed**'} — ${goal.text}: ${goal.measured}`;

/** Markdown for one result; `goals: false` leaves out the goal lines (the README lists them once, on top). */
export const renderResult = (result: BenchResult, options: { goals?: boolean } = {}): string =>
  [
    `### ${result.id}. ${result.title}`,
    '',
    result.body,
    '',
    ...(options.goals === false ? [] : result.goals.map(goalLine)),
    ...(result.notes && result.notes.length > 0 ? ['', ...result.notes.map((n) => `> ${n}`)] : []),
    '',
  ].join('\n');
