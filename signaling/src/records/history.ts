/**
 * The supervisor's history, computed from contact records with the live board's rules
 * (queue/desk.ts): an answer counts when and in the queue where a leg started (with that leg's
 * wait and the queue's target), an abandonment when and where the citizen left, a handle when a
 * leg ended, a rating when it was given. Buckets are hours, days or ISO weeks in Europe/Budapest.
 */
import { HISTORY_CSV_COLUMNS, HistoryRow, type HistoryQuery } from '@ablak/protocol';
import type { SqlExecutor } from './sql';

const TZ = 'Europe/Budapest';

export async function readHistory(db: SqlExecutor, q: HistoryQuery): Promise<HistoryRow[]> {
  const rows = await db.query(
    `WITH facts AS (
       SELECT started_at AS at, queue, office, region, 0 AS arrived, 1 AS answered, in_target::int AS in_target,
              wait_seconds AS wait, 0 AS abandoned, 0 AS handled, NULL::float8 AS handle, NULL::int AS rating
         FROM contact_legs WHERE started_at >= $1 AND started_at < $2
       UNION ALL
       SELECT ended_at, queue, office, region, 0, 0, 0, NULL, 0, 1, handle_seconds, NULL
         FROM contact_legs WHERE ended_at >= $1 AND ended_at < $2
       UNION ALL
       SELECT abandoned_at, abandoned_queue, NULL, NULL, 0, 0, 0, NULL, 1, 0, NULL, NULL
         FROM contacts WHERE abandoned_at >= $1 AND abandoned_at < $2
       UNION ALL
       SELECT c.rated_at, l.queue, l.office, l.region, 0, 0, 0, NULL, 0, 0, NULL, c.rating::int
         FROM contacts c JOIN contact_legs l ON l.ticket_id = c.ticket_id AND l.call_id = c.rated_call_id
         WHERE c.rated_at >= $1 AND c.rated_at < $2
       UNION ALL
       SELECT queued_at, queue, NULL, NULL, 1, 0, 0, NULL, 0, 0, NULL, NULL
         FROM contacts WHERE queued_at >= $1 AND queued_at < $2
     )
     SELECT ms(date_trunc($3::text, at AT TIME ZONE '${TZ}') AT TIME ZONE '${TZ}') AS bucket_start,
            CASE $4::text WHEN 'queue' THEN queue WHEN 'office' THEN office WHEN 'region' THEN region END AS grp,
            sum(arrived)::int AS arrived, sum(answered)::int AS answered, sum(in_target)::int AS answered_in_target,
            sum(abandoned)::int AS abandoned, sum(handled)::int AS handled,
            sum(wait) FILTER (WHERE answered = 1) AS wait_sum, sum(handle) AS handle_sum,
            count(rating)::int AS ratings, sum(rating)::float8 AS rating_sum
       FROM facts
      WHERE ($5::text IS NULL OR queue = $5) AND ($6::text IS NULL OR office = $6) AND ($7::text IS NULL OR region = $7)
      GROUP BY 1, 2 ORDER BY 1, 2 NULLS FIRST`,
    [new Date(q.from), new Date(q.to), q.bucket, q.groupBy, q.queue ?? null, q.office ?? null, q.region ?? null],
  );
  return rows.map((r) => {
    const answered = Number(r.answered);
    const abandoned = Number(r.abandoned);
    const handled = Number(r.handled);
    const ratings = Number(r.ratings);
    return HistoryRow.parse({
      bucketStart: Number(r.bucket_start),
      group: r.grp ?? null,
      arrived: Number(r.arrived),
      answered,
      answeredInTarget: Number(r.answered_in_target),
      abandoned,
      handled,
      serviceLevel: answered > 0 ? Number(r.answered_in_target) / answered : null,
      averageSpeedOfAnswerSeconds: answered > 0 ? Number(r.wait_sum) / answered : null,
      averageHandleSeconds: handled > 0 ? Number(r.handle_sum) / handled : null,
      abandonmentRate: answered + abandoned > 0 ? abandoned / (answered + abandoned) : null,
      averageRating: ratings > 0 ? Number(r.rating_sum) / ratings : null,
      ratings,
    });
  });
}

function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = String(value);
  // Quote what needs it; a leading = + - @ would be a formula in a spreadsheet.
  const safe = /^[=+\-@]/.test(text) && Number.isNaN(Number(text)) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The CSV export: a header of HISTORY_CSV_COLUMNS, one line per row, bucketStart as ISO 8601. */
export function historyCsv(rows: readonly HistoryRow[]): string {
  const lines = [HISTORY_CSV_COLUMNS.join(',')];
  for (const row of rows) {
    lines.push(
      HISTORY_CSV_COLUMNS.map((c) => (c === 'bucketStart' ? new Date(row.bucketStart).toISOString() : csvCell(row[c]))).join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
