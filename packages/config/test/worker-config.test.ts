import { describe, expect, it } from 'vitest';
import { ConfigError, loadWorkerConfig } from '../src/index';

describe('worker configuration: WORKER_DB_POOL', () => {
  it('is 20 connections (and activity slots) by default, and takes a whole number from 1 to 1000', () => {
    expect(loadWorkerConfig({}).dbPool).toBe(20);
    expect(loadWorkerConfig({ WORKER_DB_POOL: ' 8 ' }).dbPool).toBe(8);
    expect(loadWorkerConfig({ WORKER_DB_POOL: '1000' }).dbPool).toBe(1000);
  });

  it.each(['0', '-5', '2.5', '1001', 'many'])('refuses %s at start-up', (raw) => {
    expect(() => loadWorkerConfig({ WORKER_DB_POOL: raw })).toThrow(ConfigError);
    expect(() => loadWorkerConfig({ WORKER_DB_POOL: raw })).toThrow(/WORKER_DB_POOL/);
  });
});
