import { describe, expect, it } from 'vitest';
import { ApiError, fieldError, toApiError } from './errors';

describe('toApiError', () => {
  it('reads the API error shape with its field', () => {
    const e = toApiError(400, '{"error":{"code":"invalid_argument","message":"queue \'x\' does not exist","field":"queue"}}');
    expect(e).toBeInstanceOf(ApiError);
    expect([e.status, e.code, e.message, e.field]).toEqual([400, 'invalid_argument', "queue 'x' does not exist", 'queue']);
    expect(fieldError(e, 'queue')).toBe("queue 'x' does not exist");
    expect(fieldError(e, 'priority')).toBeNull();
  });
  it('copes with a body that is not the error shape', () => {
    const e = toApiError(502, '<html>bad gateway</html>');
    expect([e.code, e.field]).toEqual(['http_502', null]);
    expect(e.message).toContain('bad gateway');
  });
  it('treats an empty field as none', () => {
    expect(toApiError(401, '{"error":{"code":"unauthenticated","message":"m","field":""}}').field).toBeNull();
  });
});
