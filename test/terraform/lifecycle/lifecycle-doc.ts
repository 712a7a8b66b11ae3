/**
 * The tables of docs/lifecycle.md as data, and the same rows as measured, so a test
 * can compare the two: one table for static nodes, one for autoscaled groups, each a
 * row per scenario (its title) and a column per cloud.
 */
import * as fs from 'fs';
import * as path from 'path';
import { ALL_CLOUDS, CLOUD_DISPLAY_NAME } from '../../../lib/core/cloud';
import { summarizeGroups, summarizeMachines } from './machine-fates';
import type { ScenarioResult } from './run-scenarios';

export const LIFECYCLE_DOC = path.join(__dirname, '..', '..', '..', 'docs', 'lifecycle.md');

/** The headings the two checked tables sit under. */
export const MACHINES_HEADING = '## Static nodes';
export const GROUPS_HEADING = '## Autoscaled groups';

/** Scenario title → cell per cloud column (AWS, GCP, Azure, DigitalOcean). */
export type OutcomeTable = Map<string, Record<string, string>>;

/** The first Markdown table after `heading` in `markdown`, by the first column's text. */
export function readTable(markdown: string, heading: string): OutcomeTable {
  const lines = markdown.split('\n');
  const start = lines.findIndex((line) => line.trim() === heading);
  if (start < 0) throw new Error(`docs/lifecycle.md must have a "${heading}" section`);
  const rows: string[][] = [];
  for (const line of lines.slice(start + 1)) {
    if (line.startsWith('## ')) break;
    if (line.trim().startsWith('|')) {
      rows.push(line.trim().replace(/^\||\|$/g, '').split('|').map((cell) => cell.trim()));
    } else if (rows.length > 0) {
      break;
    }
  }
  const [header, separator, ...body] = rows;
  if (!header || !separator?.every((cell) => /^:?-+:?$/.test(cell))) throw new Error(`no table under "${heading}" in docs/lifecycle.md`);
  const table: OutcomeTable = new Map();
  for (const row of body) table.set(row[0], Object.fromEntries(header.slice(1).map((column, i) => [column, row[i + 1] ?? ''])));
  return table;
}

export function readLifecycleDoc(): { machines: OutcomeTable; groups: OutcomeTable } {
  const markdown = fs.readFileSync(LIFECYCLE_DOC, 'utf8');
  return { machines: readTable(markdown, MACHINES_HEADING), groups: readTable(markdown, GROUPS_HEADING) };
}

/** A measured scenario as the two tables' rows. */
export function measuredRows(result: ScenarioResult): { machines: Record<string, string>; groups: Record<string, string> } {
  const machines: Record<string, string> = {};
  const groups: Record<string, string> = {};
  for (const cloud of ALL_CLOUDS) {
    machines[CLOUD_DISPLAY_NAME[cloud]] = summarizeMachines(result.machines.filter((m) => m.cloud === cloud));
    groups[CLOUD_DISPLAY_NAME[cloud]] = summarizeGroups(result.groups.filter((g) => g.cloud === cloud));
  }
  return { machines, groups };
}
