// Admin login: a password form; already logged in → straight to where the visitor was going.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentAdminSession } from "@/lib/features/auth/page";
import { ADMIN_DISABLED_MESSAGE, adminEnabled } from "@/lib/features/auth/request";
import { LoginForm } from "./_components/login-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Admin login" };

/** Only local paths: an open redirect through ?next= would hand the login to another site. */
function localPath(next: string | string[] | undefined): string {
  const value = Array.isArray(next) ? next[0] : next;
  return value && value.startsWith("/") && !value.startsWith("//") && !value.startsWith("/\\") ? value : "/admin";
}

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const next = localPath((await searchParams).next);
  if (!adminEnabled()) {
    return (
      <section className="card" data-testid="admin-disabled">
        <h1>Admin</h1>
        <p>{ADMIN_DISABLED_MESSAGE}.</p>
      </section>
    );
  }
  if (await currentAdminSession()) redirect(next);
  return (
    <section className="card" style={{ maxWidth: 420 }}>
      <h1>Admin login</h1>
      <LoginForm next={next} />
    </section>
  );
}
