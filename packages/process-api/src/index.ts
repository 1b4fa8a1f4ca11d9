/**
 * What the services and the workflows must agree on: message definitions (Updates, Signals, Queries),
 * workflow ids, task queue names and workflow inputs. Deterministic, so workflow code may import it.
 * The Temporal Schedule client (`@dj/process-api/schedules`) and the input loaders that read the
 * database (`@dj/process-api/joint-body-info`) are separate entry points that workflow code never imports.
 */
export * from './messages';
export * from './ids';
export * from './inputs';
