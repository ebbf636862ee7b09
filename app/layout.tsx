// Root layout: site header and navigation; system fonts only (nothing is fetched at build or run time).
import type { Metadata } from "next";
import Link from "next/link";
import { headers } from "next/headers";
import { nonceOf, ZOD_JITLESS_SCRIPT } from "@/lib/core/security-headers";
import "./globals.css";

// Every page, the 404 page of unknown paths included, renders per request: Next can only put the proxy's CSP nonce
// on the scripts of a page it renders, and a page prerendered at build time would have its scripts blocked.
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "mnist-lens", template: "%s · mnist-lens" },
  description: "See what your MNIST classifier learned and where it fails.",
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // The proxy's CSP, as it handed it to the render: its nonce lets this one inline script run.
  const nonce = nonceOf((await headers()).get("content-security-policy"));
  return (
    <html lang="en">
      <head>
        <script nonce={nonce} dangerouslySetInnerHTML={{ __html: ZOD_JITLESS_SCRIPT }} />
      </head>
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            mnist-lens
          </Link>
          <nav>
            <Link href="/">Runs</Link>
            <Link href="/pairs">Pairs</Link>
            <Link href="/compare">Compare</Link>
            <Link href="/sweeps">Sweeps</Link>
            <Link href="/draw">Draw</Link>
            <Link href="/labels">Labels</Link>
            <Link href="/admin">Admin</Link>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
