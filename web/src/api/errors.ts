// The API's error shape, {"error":{"code","message","field"}}, as a thrown value that forms can
// place next to the field it names.

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly field: string | null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** Builds an ApiError from a status and a response body (JSON or not). */
export function toApiError(status: number, body: string): ApiError {
  try {
    const parsed = JSON.parse(body) as { error?: { code?: string; message?: string; field?: string } };
    const e = parsed.error;
    if (e && typeof e.code === 'string') {
      return new ApiError(status, e.code, e.message ?? e.code, e.field ? e.field : null);
    }
  } catch {
    // Not JSON: fall through.
  }
  return new ApiError(status, status === 0 ? 'network' : `http_${status}`, body.slice(0, 200) || `HTTP ${status}`, null);
}

/** The message for a form field, when the error names that field. */
export function fieldError(err: unknown, field: string): string | null {
  return err instanceof ApiError && err.field === field ? err.message : null;
}
