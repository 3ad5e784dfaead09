/* sd-chart-time.h — calendar buckets and date ticks for charts over time
 *
 * Times are unix seconds, read in UTC (the shop stores UTC). A bucket is a day, a week
 * (Monday to Sunday, as ISO 8601 counts them) or a calendar month; a chart of a range picks
 * the bucket that gives it a readable number of bars. Ticks fall on whole days, weeks,
 * months or years and are labelled as dates in the user's language.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SD_TIME_BUCKET_DAY,
  SD_TIME_BUCKET_WEEK,
  SD_TIME_BUCKET_MONTH,
} SdTimeBucket;

#define SD_SECONDS_PER_DAY G_GINT64_CONSTANT (86400)

/* Days for up to 62 days, weeks up to 26 weeks, months beyond. */
SdTimeBucket  sd_time_bucket_for_span  (gint64        seconds);
/* The start of the bucket @t falls in. */
gint64        sd_time_bucket_floor     (SdTimeBucket  bucket,
                                        gint64        t);
/* The start of the bucket after the one starting at @start. */
gint64        sd_time_bucket_next      (SdTimeBucket  bucket,
                                        gint64        start);
/* "9 Dec 2011", "Week of 5 Dec 2011", "December 2011" (translated). */
char         *sd_time_bucket_label     (SdTimeBucket  bucket,
                                        gint64        start);
/* How many of the days of the bucket starting at @start lie inside [@from, @to), the days a
 * range counts; @days_in_bucket (may be NULL) gets the bucket's own length in days. A range
 * that starts or ends inside a week or a month fills its bar only in part. */
guint         sd_time_bucket_days_within (SdTimeBucket  bucket,
                                          gint64        start,
                                          gint64        from,
                                          gint64        to,
                                          guint        *days_in_bucket);
/* "day", "week", "month": for JSON. */
const char   *sd_time_bucket_to_string (SdTimeBucket  bucket);

/* @t as a date, "9 Dec 2011" (translated month). */
char         *sd_time_format_date      (gint64        t);
/* @t as an ISO date, "2011-12-09": for JSON and entries. */
char         *sd_time_format_iso_date  (gint64        t);
/* "2011-12-09" → the start of that day. FALSE when it is not such a date. */
gboolean      sd_time_parse_iso_date   (const char   *text,
                                        gint64       *day_start);
/* @t plus @months calendar months (the day clamped to the month's last). */
gint64        sd_time_add_months       (gint64        t,
                                        int           months);

/* Ticks on whole days, weeks, months or years inside [@t0, @t1], at most about @max_ticks,
 * labelled as dates. Returns an array of SdChartTick (sd-chart-scale.h). */
GArray       *sd_chart_time_ticks      (double        t0,
                                        double        t1,
                                        guint         max_ticks);

/* Ticks under the middle of the bars of a bar chart of @bucket buckets over [@t0, @t1)
 * (bucket starts to the end of the last one), each labelled with its bucket ("Jan 2011",
 * "5 Dec"): every bar while at most about @max_ticks, else every second, third, … one,
 * on calendar steps (every other month from January, every other Monday, …). */
GArray       *sd_time_bucket_ticks     (SdTimeBucket  bucket,
                                        double        t0,
                                        double        t1,
                                        guint         max_ticks);

G_END_DECLS
