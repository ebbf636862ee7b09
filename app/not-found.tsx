// The 404 page for unknown runs, digits and routes.
import Link from "next/link";

export default function NotFound() {
  return (
    <section className="card" data-testid="not-found">
      <h1>Not found</h1>
      <p>There is no such run, digit or page.</p>
      <Link href="/">Back to the runs</Link>
    </section>
  );
}
