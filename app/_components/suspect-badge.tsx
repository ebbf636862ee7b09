// The "suspect label" badge: confident learning counts this digit under another class than its given label.

export function SuspectBadge({
  given,
  suggested,
  detailed = false,
}: {
  given: number;
  suggested: number;
  detailed?: boolean;
}) {
  return (
    <span
      className="suspect-badge"
      data-testid="suspect-badge"
      data-suggested={suggested}
      title={`suspect label: given ${given}, confident learning suggests ${suggested} (see /labels)`}
    >
      suspect label{detailed ? `: given ${given}, suggested ${suggested}` : ""}
    </span>
  );
}
