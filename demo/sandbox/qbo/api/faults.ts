/**
 * QuickBooks error bodies, byte-for-byte in shape: validation faults as JSON `Fault`, authentication failures with
 * lower-case `fault`/`error` keys, and throttling as XML even when JSON was asked for.
 */
export interface FaultError {
  Message: string;
  Detail: string;
  code: string;
  element?: string;
}

export class QboFault extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly errors: FaultError[],
  ) {
    super(errors[0]?.Message ?? type);
  }
}

export function faultBody(fault: QboFault, time: string): unknown {
  return { Fault: { Error: fault.errors.map((error) => ({ element: '', ...error })), type: fault.type }, time };
}

export const faults = {
  objectNotFound: () =>
    new QboFault(400, 'ValidationFault', [{ Message: 'Object Not Found', Detail: `Object Not Found : Something you're trying to use has been made inactive. Check the fields with accounts, customers, items, vendors or employees.`, code: '610', element: '' }]),
  requiredMissing: (field: string) =>
    new QboFault(400, 'ValidationFault', [{ Message: 'Required param missing, need to supply the required value for the API', Detail: `Required parameter ${field} is missing in the request`, code: '2020', element: field }]),
  invalidReference: (refName: string, id: string) =>
    new QboFault(400, 'ValidationFault', [{ Message: 'Invalid Reference Id', Detail: `Invalid Reference Id : ${refName.replace(/Ref$/, '')} assigned to this transaction has been deleted. Before you can modify this transaction, you must restore ${refName.replace(/Ref$/, '')} ${id} (deleted).`, code: '2500', element: refName }]),
  staleObject: (id: string, syncToken: string) =>
    new QboFault(400, 'ValidationFault', [{ Message: 'Stale Object Error', Detail: `Stale Object Error : You and root were working on this at the same time. root finished before you did, so your work was not saved. (Id ${id}, SyncToken ${syncToken})`, code: '5010', element: '' }]),
  duplicateName: (kind: string) =>
    new QboFault(400, 'ValidationFault', [{ Message: 'Duplicate Name Exists Error', Detail: `The name supplied already exists. : Another ${kind} is already using this name. Please use a different name.`, code: '6240', element: '' }]),
  businessValidation: (detail: string) =>
    new QboFault(400, 'ValidationFault', [{ Message: 'A business validation error has occurred while processing your request', Detail: `Business Validation Error: ${detail}`, code: '6000', element: '' }]),
  invalidField: (detail: string, element = '') =>
    new QboFault(400, 'ValidationFault', [{ Message: 'Request has invalid or unsupported property', Detail: `Property Name:${detail}`, code: '2010', element }]),
  unsupportedOperation: (operation: string) =>
    new QboFault(400, 'ValidationFault', [{ Message: 'Unsupported Operation', Detail: `Operation ${operation} is not supported.`, code: '500', element: '' }]),
  malformedRequest: (detail: string) =>
    new QboFault(400, 'ValidationFault', [{ Message: 'Request has invalid or unsupported property', Detail: detail, code: '2010', element: '' }]),
  /** QBO-FACTS: a requestid over 50 characters is refused with 6000 before the request runs. */
  requestIdTooLong: () =>
    new QboFault(400, 'ValidationFault', [{ Message: 'A business validation error has occurred while processing your request', Detail: 'Business Validation Error: The requestid must be at most 50 characters long.', code: '6000', element: 'requestid' }]),
  query: (code: '4000' | '4001', message: string, detail: string) => new QboFault(400, 'ValidationFault', [{ Message: message, Detail: detail, code, element: '' }]),
  unknownPath: (path: string) =>
    new QboFault(400, 'ValidationFault', [{ Message: 'Unsupported Operation', Detail: `Operation Could not find resource for relative : ${path} of full path: ${path} is not supported.`, code: '4000', element: '' }]),
  internal: () => new QboFault(500, 'SystemFault', [{ Message: 'An application error has occurred while processing your request', Detail: 'System Failure Error: An unexpected error occurred while accessing or saving your data. Please wait a few minutes and try again.', code: '10000', element: '' }]),
};


/** The 401 body QuickBooks sends for an expired, revoked or malformed access token. */
export function authenticationFailedBody(nowMs: number): unknown {
  return {
    warnings: null,
    intuitObject: null,
    fault: {
      error: [
        {
          message: 'message=AuthenticationFailed; errorCode=003200; statusCode=401',
          detail: 'Token expired: null',
          code: '3200',
          element: null,
        },
      ],
      type: 'AUTHENTICATION',
    },
    report: null,
    queryResponse: null,
    batchItemResponse: [],
    attachableResponse: [],
    syncErrorResponse: null,
    requestId: null,
    time: nowMs,
    status: null,
    cdcresponse: [],
  };
}

/**
 * The 403 body QuickBooks sends when the token is valid but not for this company (or the app lost access to it):
 * lower-case keys like the 401 body, type SERVICE, code "3100" (QBO-FACTS, from Intuit's answers seen by clients).
 */
export function authorizationFailedBody(): unknown {
  return {
    fault: {
      error: [{ message: 'message=ApplicationAuthorizationFailed; errorCode=003100; statusCode=403', detail: null, code: '3100', element: null }],
      type: 'SERVICE',
    },
  };
}

/** The 429 throttle body: XML, whatever the Accept header said. */
export function throttleXml(time: string): string {
  return (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' +
    `<IntuitResponse time="${time}" xmlns="http://schema.intuit.com/finance/v3">\n` +
    '  <Fault type="SERVICE">\n' +
    '    <Error code="3001">\n' +
    '      <Message>message=ThrottleExceeded; errorCode=003001; statusCode=429</Message>\n' +
    '      <Detail>The request limit was reached.  Try again later</Detail>\n' +
    '    </Error>\n' +
    '  </Fault>\n' +
    '</IntuitResponse>'
  );
}
