// The admin page's calls to its APIs: JSON, same-origin, the session's CSRF token on every POST.

export interface ApiResult<T> {
  status: number;
  body: T;
}

export async function postAdmin<T>(url: string, csrfToken: string, body?: unknown): Promise<ApiResult<T>> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json", "x-csrf-token": csrfToken },
    body: JSON.stringify(body ?? {}),
    credentials: "same-origin",
  });
  return { status: res.status, body: (await res.json().catch(() => ({}))) as T };
}
