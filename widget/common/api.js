// The REST call both the chat window and the console make: JSON in and out, and every failure as
// an ApiError with the server's `code` (or "network" when the server was not reached), so that
// screens choose their words from the code and never show a server's raw message.

export class ApiError extends Error {
  constructor(status, code, message, field, { reason, limit } = {}) {
    super(message);
    this.status = status;
    this.code = code;
    this.field = field; // the input the server named, when it named one
    this.reason = reason; // invalid_input: why (missing, string_too_long, ...)
    this.limit = limit; // and the bound it broke, if any
  }
}

/** `{status, data}` of a JSON call; throws ApiError for a network failure or a non-2xx answer. */
export async function request(url, { method = "GET", headers = {}, body, ...options } = {}) {
  const sent = { Accept: "application/json", ...headers };
  if (body !== undefined) sent["Content-Type"] = "application/json";
  let reply;
  try {
    reply = await fetch(url, {
      method,
      headers: sent,
      body: body === undefined ? undefined : JSON.stringify(body),
      ...options,
    });
  } catch (error) {
    throw new ApiError(0, "network", String(error));
  }
  const data = reply.status === 204 ? null : await reply.json().catch(() => null);
  if (!reply.ok) {
    const error = data?.error || {};
    throw new ApiError(
      reply.status,
      error.code || `http_${reply.status}`,
      error.message || "",
      fieldOf(error),
      error
    );
  }
  return { status: reply.status, data };
}

// Validation messages name the field first ("department_id: …"); some answers carry it apart.
function fieldOf(error) {
  if (typeof error.field === "string") return error.field;
  const named = /^([a-z_][a-z0-9_.]*):\s/.exec(error.message || "");
  return named ? named[1] : undefined;
}
