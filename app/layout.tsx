// Root layout: site header and navigation; system fonts only (nothing is fetched at build or run time).
import type { Metadata } from "next";
import Link from "next/link";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "mnist-lens", template: "%s · mnist-lens" },
  description: "See what your MNIST classifier learned and where it fails.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body>
        <header className="site-header">
          <Link href="/" className="brand">
            mnist-lens
          </Link>
          <nav>
            <Link href="/">Runs</Link>
            <Link href="/pairs">Pairs</Link>
            <Link href="/compare">Compare</Link>
            <Link href="/admin">Admin</Link>
          </nav>
        </header>
        <main>{children}</main>
      </body>
    </html>
  );
}
