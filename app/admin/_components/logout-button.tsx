"use client";
// Ends the admin session (a POST with the CSRF token) and goes to the login page.
import { useState } from "react";
import { postAdmin } from "./admin-fetch";

export function LogoutButton({ csrfToken }: { csrfToken: string }) {
  const [busy, setBusy] = useState(false);
  return (
    <button
      type="button"
      disabled={busy}
      onClick={async () => {
        setBusy(true);
        await postAdmin("/api/admin/logout", csrfToken).catch(() => undefined);
        window.location.assign(new URL("/login", window.location.href).href);
      }}
    >
      Log out
    </button>
  );
}
