const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];

const relative = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

/** "3 minutes ago", "in 2 months": the largest unit that fits. */
function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size || unit === 'second') {
      return relative.format(Math.round(seconds / size), unit);
    }
  }
  return iso;
}

/** A point in time, relative in the text and exact in the tooltip. */
export const Timestamp = (props: { value?: string; fallback?: string }) => {
  const { value, fallback = '—' } = props;
  if (!value) {
    return <>{fallback}</>;
  }
  return (
    <time dateTime={value} title={new Date(value).toLocaleString()}>
      {formatRelative(value)}
    </time>
  );
};
