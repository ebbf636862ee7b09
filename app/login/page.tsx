// Admin login: a password form; already logged in → straight to where the visitor was going.
import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { currentAdminSession } from "@/lib/features/auth/page";
import { ADMIN_DISABLED_MESSAGE, adminEnabled } from "@/lib/features/auth/request";
import { localPath } from "@/lib/core/local-path";
import { LoginForm } from "./_components/login-form";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Admin login" };

export default async function LoginPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  // Only same-origin paths (an open redirect would hand the login to another site); none given: the admin page.
  const requested = (await searchParams).next;
  const next = requested === undefined ? "/admin" : localPath(requested, "/");
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
