/**
 * A process's step catalogue: the one place that names its stages and steps and gives each step's
 * default time limit and form. Policy defaults (`duration.<type>.<step>`), display names and the list of
 * startable case types are derived from the catalogues registered in ./index.ts.
 */
import type { OrgType } from '../org-tree';
import type { StepDuration } from '../policy';
import type { MonthDuration } from '../month-schedule';

export type CatalogueStep = {
  name: string;
  /** Default time limit, overridable by administrators as policy `duration.<type>.<key>`. */
  duration?: StepDuration | MonthDuration;
  /** Form id of @dj/contracts the step's task asks for. */
  form?: string;
  /** Where the limit comes from (regulation article or seed section). */
  source?: string;
};

/** Who may start a case through POST /api/cases (absent: the process is started by a Schedule or another process). */
export type CatalogueStart = {
  roles: readonly string[];
  orgTypes: readonly OrgType[];
  /** The starter holds the role in the case organization's ancestor of this type (a township opens a branch's case). */
  starterOrgType?: OrgType;
  /** Form of the start input (a form id of @dj/contracts). */
  form: string;
};

export type ProcessCatalogue = {
  type: string;
  name: string;
  /** The workflow function's name in the worker's bundle. */
  workflowType: string;
  start?: CatalogueStart;
  /**
   * Every stage code its workflow sets (\`CaseRuntime\` init and \`setStage\`), in process order, with its
   * Chinese name: the stage picker of the case search lists exactly these. Kept in step with the
   * workflow code by workflows/test/catalogue-drift.test.ts.
   */
  stages: Readonly<Record<string, string>>;
  /** By policy step key (the `policy` a human step names, without the type prefix). */
  steps: Readonly<Record<string, CatalogueStep>>;
  /** Step keys that differ from their policy key, with their own display name. */
  stepNames?: Readonly<Record<string, string>>;
  /** Other policy-table defaults of the process (thresholds, lists), by full policy key. */
  policies?: Readonly<Record<string, unknown>>;
};

export function defineProcess<const C extends ProcessCatalogue>(catalogue: C): C {
  return catalogue;
}
