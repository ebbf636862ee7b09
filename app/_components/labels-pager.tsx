// Previous / next page links of a suspects list, keeping the rest of the view in the URL.
import Link from "next/link";
import { labelsQuery, type LabelsView } from "@/lib/core/labels-view";

export function LabelsPager({
  base,
  view,
  page,
  pages,
}: {
  base: string;
  view: LabelsView;
  page: number;
  pages: number;
}) {
  if (pages <= 1) return null;
  const href = (p: number) => `${base}${labelsQuery({ ...view, page: p })}`;
  return (
    <nav className="pager" aria-label="pages" data-testid="pager">
      {page > 1 ? <Link href={href(page - 1)}>← previous</Link> : <span />}
      <span>
        page {page}/{pages}
      </span>
      {page < pages ? <Link href={href(page + 1)}>next →</Link> : <span />}
    </nav>
  );
}
