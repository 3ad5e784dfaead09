/* test-chart-time.c — calendar buckets, dates and date ticks (sd-chart-time.h), in UTC */
#include "config.h"

#include <string.h>

#include "sd-chart-scale.h"
#include "sd-chart-time.h"

/* 2011-12-09 12:34:56 UTC, a Friday */
#define FRIDAY G_GINT64_CONSTANT (1323434096)
#define DAY G_GINT64_CONSTANT (86400)

static gint64
utc (int y, int m, int d)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (y, m, d, 0, 0, 0);
  return g_date_time_to_unix (dt);
}

static void
test_buckets (void)
{
  g_assert_cmpint (sd_time_bucket_floor (SD_TIME_BUCKET_DAY, FRIDAY), ==, utc (2011, 12, 9));
  /* Weeks start on Monday */
  g_assert_cmpint (sd_time_bucket_floor (SD_TIME_BUCKET_WEEK, FRIDAY), ==, utc (2011, 12, 5));
  g_assert_cmpint (sd_time_bucket_floor (SD_TIME_BUCKET_WEEK, utc (2011, 12, 5)), ==, utc (2011, 12, 5));
  g_assert_cmpint (sd_time_bucket_floor (SD_TIME_BUCKET_WEEK, utc (2011, 12, 4)), ==, utc (2011, 11, 28));
  g_assert_cmpint (sd_time_bucket_floor (SD_TIME_BUCKET_MONTH, FRIDAY), ==, utc (2011, 12, 1));
  g_assert_cmpint (sd_time_bucket_next (SD_TIME_BUCKET_DAY, utc (2011, 12, 31)), ==, utc (2012, 1, 1));
  g_assert_cmpint (sd_time_bucket_next (SD_TIME_BUCKET_WEEK, utc (2011, 12, 5)), ==, utc (2011, 12, 12));
  g_assert_cmpint (sd_time_bucket_next (SD_TIME_BUCKET_MONTH, utc (2012, 1, 1)), ==, utc (2012, 2, 1));
  g_assert_cmpint (sd_time_bucket_next (SD_TIME_BUCKET_MONTH, utc (2012, 2, 1)), ==, utc (2012, 3, 1));
  /* Before 1970, floors still go down */
  g_assert_cmpint (sd_time_bucket_floor (SD_TIME_BUCKET_DAY, -1), ==, -DAY);
  g_assert_cmpint (sd_time_bucket_floor (SD_TIME_BUCKET_WEEK, 0), ==, -3 * DAY);

  g_assert_cmpint (sd_time_bucket_for_span (30 * DAY), ==, SD_TIME_BUCKET_DAY);
  g_assert_cmpint (sd_time_bucket_for_span (90 * DAY), ==, SD_TIME_BUCKET_WEEK);
  g_assert_cmpint (sd_time_bucket_for_span (365 * DAY), ==, SD_TIME_BUCKET_MONTH);

  /* Months back keep the day, clamped to the month's last */
  g_assert_cmpint (sd_time_add_months (utc (2011, 12, 10), -12), ==, utc (2010, 12, 10));
  g_assert_cmpint (sd_time_add_months (utc (2012, 3, 31), -1), ==, utc (2012, 2, 29));
}

/* A range that ends on the 9th counts 9 of December's 31 days; one that covers a bucket
 * counts it whole; open ends count everything. */
static void
test_days_within (void)
{
  guint whole = 0;

  g_assert_cmpuint (sd_time_bucket_days_within (SD_TIME_BUCKET_MONTH, utc (2011, 12, 1), utc (2010, 12, 1),
                                                utc (2011, 12, 10), &whole), ==, 9);
  g_assert_cmpuint (whole, ==, 31);
  g_assert_cmpuint (sd_time_bucket_days_within (SD_TIME_BUCKET_MONTH, utc (2010, 12, 1), utc (2010, 12, 1),
                                                utc (2011, 12, 10), &whole), ==, 31);
  /* February of a leap year; a range starting on the 10th */
  g_assert_cmpuint (sd_time_bucket_days_within (SD_TIME_BUCKET_MONTH, utc (2012, 2, 1), utc (2012, 2, 10),
                                                utc (2012, 6, 1), &whole), ==, 20);
  g_assert_cmpuint (whole, ==, 29);
  /* A week from Monday 5 Dec, the range ending after Friday 9 Dec */
  g_assert_cmpuint (sd_time_bucket_days_within (SD_TIME_BUCKET_WEEK, utc (2011, 12, 5), utc (2011, 9, 11),
                                                utc (2011, 12, 10), &whole), ==, 5);
  g_assert_cmpuint (whole, ==, 7);
  /* Any time inside the bucket names it */
  g_assert_cmpuint (sd_time_bucket_days_within (SD_TIME_BUCKET_WEEK, FRIDAY, utc (2011, 9, 11),
                                                utc (2011, 12, 10), NULL), ==, 5);
  g_assert_cmpuint (sd_time_bucket_days_within (SD_TIME_BUCKET_DAY, FRIDAY, utc (2011, 9, 11),
                                                utc (2011, 12, 10), &whole), ==, 1);
  g_assert_cmpuint (whole, ==, 1);
  g_assert_cmpuint (sd_time_bucket_days_within (SD_TIME_BUCKET_MONTH, utc (2011, 12, 1), G_MININT64, G_MAXINT64,
                                                &whole), ==, 31);
  /* Outside the range: none */
  g_assert_cmpuint (sd_time_bucket_days_within (SD_TIME_BUCKET_MONTH, utc (2012, 1, 1), utc (2010, 12, 1),
                                                utc (2011, 12, 10), NULL), ==, 0);
}

static void
test_dates (void)
{
  g_autofree char *iso = sd_time_format_iso_date (FRIDAY);
  gint64 t = 0;

  g_assert_cmpstr (iso, ==, "2011-12-09");
  g_assert_true (sd_time_parse_iso_date ("2011-12-09", &t));
  g_assert_cmpint (t, ==, utc (2011, 12, 9));
  g_assert_true (sd_time_parse_iso_date ("2012-02-29", &t));
  g_assert_false (sd_time_parse_iso_date ("2011-02-29", &t));
  g_assert_false (sd_time_parse_iso_date ("2011-13-01", &t));
  g_assert_false (sd_time_parse_iso_date ("2011-12-9", &t));
  g_assert_false (sd_time_parse_iso_date ("2011-12-09x", &t));
  g_assert_false (sd_time_parse_iso_date ("9 Dec 2011", &t));
  g_assert_false (sd_time_parse_iso_date ("", &t));
  g_assert_false (sd_time_parse_iso_date (NULL, &t));
}

/* Ticks fall on whole days, Mondays, first days of months or of years, within the domain,
 * at most about as many as asked for, each with a label. */
static void
assert_ticks (gint64  t0,
              gint64  t1,
              guint   max,
              gint64  first,
              guint   n)
{
  g_autoptr(GArray) ticks = sd_chart_time_ticks (t0, t1, max);

  g_assert_cmpuint (ticks->len, ==, n);
  g_assert_cmpfloat (g_array_index (ticks, SdChartTick, 0).value, ==, (double) first);
  for (guint i = 0; i < ticks->len; i++)
    {
      const SdChartTick *tick = &g_array_index (ticks, SdChartTick, i);
      g_assert_cmpfloat (tick->value, >=, t0);
      g_assert_cmpfloat (tick->value, <=, t1);
      g_assert_cmpuint (strlen (tick->label), >, 0);
      if (i > 0)
        g_assert_cmpfloat (tick->value, >, g_array_index (ticks, SdChartTick, i - 1).value);
    }
}

static void
test_ticks (void)
{
  SdChartScale scale;
  g_autoptr(GArray) ticks = NULL;

  /* A week, up to 8 ticks: every day */
  assert_ticks (utc (2011, 12, 5), utc (2011, 12, 12), 8, utc (2011, 12, 5), 8);
  /* Thirty days from a Friday, up to 6 ticks: the Mondays */
  assert_ticks (utc (2011, 11, 11), utc (2011, 12, 10), 6, utc (2011, 11, 14), 4);
  /* Thirteen months, up to 8 ticks: every second month from January */
  assert_ticks (utc (2010, 12, 1), utc (2012, 1, 1), 8, utc (2011, 1, 1), 7);
  /* Twenty years, up to 6 ticks: every five years */
  assert_ticks (utc (2001, 6, 1), utc (2021, 6, 1), 6, utc (2005, 1, 1), 4);

  /* A time scale ticks the same way */
  sd_chart_scale_init (&scale, SD_CHART_SCALE_TIME, utc (2011, 12, 5), utc (2011, 12, 12), 0, 100);
  ticks = sd_chart_scale_ticks (&scale, 8);
  g_assert_cmpuint (ticks->len, ==, 8);
  g_assert_cmpfloat (g_array_index (ticks, SdChartTick, 1).value, ==, (double) utc (2011, 12, 6));
  /* and maps like a linear one */
  g_assert_cmpfloat_with_epsilon (sd_chart_scale_to_pixel (&scale, utc (2011, 12, 8) + DAY / 2), 50, 1e-9);
}

/* Ticks under the middle of each bar: @n of them, the first in the bucket starting at
 * @first, each in the middle of its bucket and labelled as @format writes its start. */
static void
assert_bucket_ticks (SdTimeBucket bucket,
                     gint64       t0,
                     gint64       t1,
                     guint        max,
                     gint64       first,
                     guint        n,
                     const char  *format)
{
  g_autoptr(GArray) ticks = sd_time_bucket_ticks (bucket, t0, t1, max);

  g_assert_cmpuint (ticks->len, ==, n);
  for (guint i = 0; i < ticks->len; i++)
    {
      const SdChartTick *tick = &g_array_index (ticks, SdChartTick, i);
      gint64 start = sd_time_bucket_floor (bucket, (gint64) tick->value);
      gint64 end = sd_time_bucket_next (bucket, start);
      g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (start);
      g_autofree char *label = g_date_time_format (dt, format);

      if (i == 0)
        g_assert_cmpint (start, ==, first);
      g_assert_cmpfloat (tick->value, ==, start + (end - start) / 2.0);
      g_assert_cmpfloat (tick->value, >, t0);
      g_assert_cmpfloat (tick->value, <, t1);
      g_assert_cmpstr (tick->label, ==, label);
    }
}

static void
test_bucket_ticks (void)
{
  g_autoptr(GArray) none = NULL;

  /* Online Retail's thirteen months, Dec 2010 to Dec 2011: a label under every bar's
   * middle while they fit, else every other month from January, never on an edge. */
  assert_bucket_ticks (SD_TIME_BUCKET_MONTH, utc (2010, 12, 1), utc (2012, 1, 1), 13,
                       utc (2010, 12, 1), 13, "%b %Y");
  assert_bucket_ticks (SD_TIME_BUCKET_MONTH, utc (2010, 12, 1), utc (2012, 1, 1), 8,
                       utc (2011, 1, 1), 6, "%b %Y");
  /* 26 weeks from a Monday, up to 10 labels: every fourth week */
  assert_bucket_ticks (SD_TIME_BUCKET_WEEK, utc (2011, 6, 6), utc (2011, 6, 6) + 26 * 7 * DAY, 10,
                       utc (2011, 6, 6), 7, "%-d %b");
  /* Thirty days, room for all */
  assert_bucket_ticks (SD_TIME_BUCKET_DAY, utc (2011, 11, 10), utc (2011, 12, 10), 30,
                       utc (2011, 11, 10), 30, "%-d %b");
  /* One bar */
  assert_bucket_ticks (SD_TIME_BUCKET_MONTH, utc (2011, 12, 1), utc (2012, 1, 1), 1,
                       utc (2011, 12, 1), 1, "%b %Y");
  none = sd_time_bucket_ticks (SD_TIME_BUCKET_DAY, utc (2011, 12, 1), utc (2011, 12, 1), 5);
  g_assert_cmpuint (none->len, ==, 0);
}

static void
test_labels (void)
{
  g_autofree char *week = sd_time_bucket_label (SD_TIME_BUCKET_WEEK, utc (2011, 12, 5));
  g_autofree char *day = sd_time_bucket_label (SD_TIME_BUCKET_DAY, utc (2011, 12, 5));

  /* The date inside the week's label is the day's */
  g_assert_nonnull (strstr (week, day));
  g_assert_nonnull (strstr (day, "2011"));
  g_assert_nonnull (strstr (day, "5"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chart-time/buckets", test_buckets);
  g_test_add_func ("/chart-time/dates", test_dates);
  g_test_add_func ("/chart-time/days-within", test_days_within);
  g_test_add_func ("/chart-time/ticks", test_ticks);
  g_test_add_func ("/chart-time/labels", test_labels);
  g_test_add_func ("/chart-time/bucket-ticks", test_bucket_ticks);
  return g_test_run ();
}
