"use client";
// Posts the password to /api/admin/login; on success the browser holds an HttpOnly session cookie.
import { useState, type FormEvent } from "react";

export function LoginForm({ next }: { next: string }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const password = String(new FormData(event.currentTarget).get("password") ?? "");
    try {
      const res = await fetch("/api/admin/login", {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ password }),
      });
      if (res.ok) {
        window.location.assign(next);
        return;
      }
      const body = (await res.json().catch(() => ({}))) as { error?: string };
      setError(res.status === 401 ? "Wrong password." : (body.error ?? `Login failed (${res.status}).`));
    } catch (err) {
      setError(`Cannot reach the server: ${(err as Error).message}`);
    }
    setBusy(false);
  }

  return (
    <form onSubmit={submit}>
      <p>
        <label>
          Password
          <br />
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            required
            autoFocus
            style={{ width: "100%" }}
          />
        </label>
      </p>
      {error ? (
        <p role="alert" className="field-error" data-testid="login-error" style={{ color: "var(--bad)" }}>
          {error}
        </p>
      ) : null}
      <button type="submit" disabled={busy}>
        {busy ? "Logging in…" : "Log in"}
      </button>
      <p className="muted">
        The password is the server&apos;s ADMIN_PASSWORD; <code>npm run up</code> writes a generated one to
        data/admin-password.txt.
      </p>
    </form>
  );
}
