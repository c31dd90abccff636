import { describe, expect, test } from 'vitest';
import { capturedAsQboJson } from './key-paths.ts';
import { qboSchema } from './xsd-schema.ts';

/** The validator the contract tests rely on, shown failing on each kind of mistake it exists to catch. */
describe('the Finance.xsd validator', () => {
  const invoice = () => structuredClone((capturedAsQboJson('fetch_invoice_by_id.xml')['Invoice'] as Record<string, any>[])[0]!);

  test('a real captured invoice passes', () => {
    expect(qboSchema().violations(invoice(), 'Invoice')).toEqual([]);
  });

  test.each([
    ['a decimal written as a string', (entity: Record<string, any>) => (entity.TotalAmt = '12.00'), 'Invoice.TotalAmt: "12.00" is not a decimal'],
    ['a boolean written as a string', (entity: Record<string, any>) => (entity.sparse = 'false'), 'Invoice.sparse: "false" is not a boolean'],
    ['a date that is not one', (entity: Record<string, any>) => (entity.TxnDate = '14/05/2024'), 'Invoice.TxnDate: "14/05/2024" is not a date'],
    ['a date-time that is not one', (entity: Record<string, any>) => (entity.MetaData.LastUpdatedTime = 'yesterday'), 'Invoice.MetaData.LastUpdatedTime: "yesterday" is not a dateTime'],
    ['lines written as one object', (entity: Record<string, any>) => (entity.Line = entity.Line[0]), 'Invoice.Line: a list (maxOccurs Infinity) written as a single value'],
    ['a single element written as a list', (entity: Record<string, any>) => (entity.CustomerRef = [entity.CustomerRef]), 'Invoice.CustomerRef: a single element written as a list'],
    ['a reference without its id', (entity: Record<string, any>) => delete entity.CustomerRef.value, 'Invoice.CustomerRef.value: the text of ReferenceType (a reference\'s id), missing'],
    ['a line whose detail is not the one DetailType names', (entity: Record<string, any>) => (entity.Line[0].DetailType = 'DescriptionLineDetail'), 'Invoice.Line: DetailType DescriptionLineDetail but detail SalesItemLineDetail'],
    ['a value outside its enumeration', (entity: Record<string, any>) => (entity.PrintStatus = 'Maybe'), 'Invoice.PrintStatus: "Maybe" is not one of PrintStatusEnum ('],
    ['a key the schema does not have', (entity: Record<string, any>) => (entity.Colour = 'red'), 'Invoice.Colour: not an element of Invoice'],
    ['a linked transaction id of the wrong type', (entity: Record<string, any>) => (entity.LinkedTxn = [{ TxnId: 7, TxnType: 'Payment' }]), 'Invoice.LinkedTxn.TxnId: 7 is not a string (id)'],
    ['a custom field of an unknown kind', (entity: Record<string, any>) => (entity.CustomField = [{ DefinitionId: '1', Type: 'ColourType', StringValue: 'x' }]), 'Invoice.CustomField.Type: "ColourType" is not one of CustomFieldTypeEnum (StringType|BooleanType|NumberType|DateType)'],
    ['a custom field without its required Type', (entity: Record<string, any>) => (entity.CustomField = [{ DefinitionId: '1', StringValue: 'x' }]), 'Invoice.CustomField.Type: required by CustomField, missing'],
    ['tax detail amounts as strings', (entity: Record<string, any>) => (entity.TxnTaxDetail = { TotalTax: '1.00' }), 'Invoice.TxnTaxDetail.TotalTax: "1.00" is not a decimal'],
  ])('%s is reported', (_, spoil, problem) => {
    const entity = invoice();
    spoil(entity);
    const problems = qboSchema().violations(entity, 'Invoice');
    expect(problems.filter((found) => found.startsWith(problem)), JSON.stringify(problems)).toHaveLength(1);
  });

  test('a fault error without its required code attribute is reported', () => {
    expect(qboSchema().violations({ Error: [{ Message: 'x' }], type: 'ValidationFault' }, 'Fault')).toEqual(['Fault.Error.code: required attribute of Error, missing']);
  });
});
