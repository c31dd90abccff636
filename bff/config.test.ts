import { describe, expect, test } from 'vitest';
import { ConfigError, loadConfig } from './config.ts';

describe('loadConfig', () => {
  test('defaults make the first run work', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({ PORT: 8787, LEDGERLINK_DATA_DIR: '.ledgerlink', NODE_ENV: 'development', publicUrl: 'http://localhost:8787' });
    expect(config.DATABASE_URL).toBeUndefined();
  });

  test('names every bad variable', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LEDGERLINK_ENCRYPTION_KEY: 'short' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const message = (error as ConfigError).message;
    expect(message).toContain('PORT:');
    expect(message).toContain('DATABASE_URL: must be a postgres://');
    expect(message).toContain('LEDGERLINK_ENCRYPTION_KEY: must be 32 bytes');
  });

  test('production demands real secrets and an external database', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/LEDGERLINK_ENCRYPTION_KEY: required[\s\S]*LEDGERLINK_ADMIN_TOKEN: required[\s\S]*DATABASE_URL: required/);
  });

  test('accepts base64 and hex keys', () => {
    expect(() => loadConfig({ LEDGERLINK_ENCRYPTION_KEY: Buffer.alloc(32, 1).toString('base64') })).not.toThrow();
    expect(() => loadConfig({ LEDGERLINK_ENCRYPTION_KEY: 'ab'.repeat(32) })).not.toThrow();
  });
});
