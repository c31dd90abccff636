import { describe, expect, test } from 'vitest';
import { articleFor, withArticle } from './article.ts';

describe('withArticle', () => {
  test('QuickBooks classifications read as said', () => {
    expect(['Asset', 'Liability', 'Equity', 'Revenue', 'Expense'].map((word) => withArticle(`${word} account`))).toEqual([
      'an Asset account',
      'a Liability account',
      'an Equity account',
      'a Revenue account',
      'an Expense account',
    ]);
  });

  test('entity and role names: the sound decides, not the letter', () => {
    expect(['vendor', 'employee', 'item', 'user', 'unit', 'admin', 'owner', 'hour', 'uncle', 'European'].map(articleFor)).toEqual([
      'a',
      'an',
      'an',
      'a',
      'a',
      'an',
      'an',
      'an',
      'an',
      'a',
    ]);
  });
});
