/* sd-chart-time.c — calendar buckets and date ticks, in UTC */
#include "config.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sd-chart-scale.h"
#include "sd-chart-time.h"

static gint64
floor_div (gint64 a,
           gint64 b)
{
  return a / b - (a % b != 0 && (a < 0) != (b < 0));
}

static gint64
day_floor (gint64 t)
{
  return floor_div (t, SD_SECONDS_PER_DAY) * SD_SECONDS_PER_DAY;
}

/* 1970-01-01 was a Thursday: three days after a Monday. */
static gint64
week_floor (gint64 t)
{
  gint64 day = floor_div (t, SD_SECONDS_PER_DAY);
  gint64 since_monday = ((day + 3) % 7 + 7) % 7;

  return (day - since_monday) * SD_SECONDS_PER_DAY;
}

static gint64
month_floor (gint64 t)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) first = NULL;

  if (dt == NULL)
    return day_floor (t);
  first = g_date_time_new_utc (g_date_time_get_year (dt), g_date_time_get_month (dt), 1, 0, 0, 0);
  return g_date_time_to_unix (first);
}

gint64
sd_time_add_months (gint64 t,
                    int    months)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);
  g_autoptr(GDateTime) moved = NULL;

  if (dt == NULL || !(moved = g_date_time_add_months (dt, months)))
    return t + (gint64) months * 30 * SD_SECONDS_PER_DAY;
  return g_date_time_to_unix (moved);
}

SdTimeBucket
sd_time_bucket_for_span (gint64 seconds)
{
  if (seconds <= 62 * SD_SECONDS_PER_DAY)
    return SD_TIME_BUCKET_DAY;
  if (seconds <= 26 * 7 * SD_SECONDS_PER_DAY)
    return SD_TIME_BUCKET_WEEK;
  return SD_TIME_BUCKET_MONTH;
}

gint64
sd_time_bucket_floor (SdTimeBucket bucket,
                      gint64       t)
{
  switch (bucket)
    {
    case SD_TIME_BUCKET_WEEK:
      return week_floor (t);
    case SD_TIME_BUCKET_MONTH:
      return month_floor (t);
    case SD_TIME_BUCKET_DAY:
    default:
      return day_floor (t);
    }
}

gint64
sd_time_bucket_next (SdTimeBucket bucket,
                     gint64       start)
{
  switch (bucket)
    {
    case SD_TIME_BUCKET_WEEK:
      return week_floor (start) + 7 * SD_SECONDS_PER_DAY;
    case SD_TIME_BUCKET_MONTH:
      return sd_time_add_months (month_floor (start), 1);
    case SD_TIME_BUCKET_DAY:
    default:
      return day_floor (start) + SD_SECONDS_PER_DAY;
    }
}

guint
sd_time_bucket_days_within (SdTimeBucket  bucket,
                            gint64        start,
                            gint64        from,
                            gint64        to,
                            guint        *days_in_bucket)
{
  gint64 first = sd_time_bucket_floor (bucket, start);
  gint64 end = sd_time_bucket_next (bucket, first);
  gint64 lo = MAX (first, from), hi = MIN (end, to);

  if (days_in_bucket)
    *days_in_bucket = (guint) ((end - first) / SD_SECONDS_PER_DAY);
  /* Whole days: a range's ends are the starts of days, and so are a bucket's. */
  return hi > lo ? (guint) ((hi - lo + SD_SECONDS_PER_DAY - 1) / SD_SECONDS_PER_DAY) : 0;
}

const char *
sd_time_bucket_to_string (SdTimeBucket bucket)
{
  switch (bucket)
    {
    case SD_TIME_BUCKET_WEEK:
      return "week";
    case SD_TIME_BUCKET_MONTH:
      return "month";
    case SD_TIME_BUCKET_DAY:
    default:
      return "day";
    }
}

static char *
format_utc (gint64      t,
            const char *format)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return dt ? g_date_time_format (dt, format) : g_strdup ("—");
}

char *
sd_time_format_date (gint64 t)
{
  /* TRANSLATORS: a date as g_date_time_format() writes it: "9 Dec 2011" */
  return format_utc (t, _("%-d %b %Y"));
}

char *
sd_time_format_iso_date (gint64 t)
{
  return format_utc (t, "%Y-%m-%d");
}

gboolean
sd_time_parse_iso_date (const char *text,
                        gint64     *day_start)
{
  unsigned year, month, day;
  char end;
  g_autoptr(GDateTime) dt = NULL;

  if (text == NULL || sscanf (text, "%4u-%2u-%2u%c", &year, &month, &day, &end) != 3 ||
      strlen (text) != 10 || year < 1 || month < 1 || month > 12 || day < 1 ||
      day > g_date_get_days_in_month (month, year))
    return FALSE;
  if (!(dt = g_date_time_new_utc (year, month, day, 0, 0, 0)))
    return FALSE;
  *day_start = g_date_time_to_unix (dt);
  return TRUE;
}

char *
sd_time_bucket_label (SdTimeBucket bucket,
                      gint64       start)
{
  g_autofree char *date = sd_time_format_date (start);

  switch (bucket)
    {
    case SD_TIME_BUCKET_WEEK:
      /* TRANSLATORS: a week of a chart, named by its Monday */
      return g_strdup_printf (_("Week of %s"), date);
    case SD_TIME_BUCKET_MONTH:
      /* TRANSLATORS: a month as g_date_time_format() writes it: "December 2011" */
      return format_utc (start, _("%B %Y"));
    case SD_TIME_BUCKET_DAY:
    default:
      return g_steal_pointer (&date);
    }
}

/* ---- Ticks ------------------------------------------------------------------------- */

typedef enum { STEP_DAYS, STEP_WEEKS, STEP_MONTHS, STEP_YEARS } StepUnit;

typedef struct {
  StepUnit unit;
  int      n;
} Step;

static const Step steps[] = {
  { STEP_DAYS, 1 }, { STEP_DAYS, 2 }, { STEP_WEEKS, 1 }, { STEP_WEEKS, 2 },
  { STEP_MONTHS, 1 }, { STEP_MONTHS, 2 }, { STEP_MONTHS, 3 }, { STEP_MONTHS, 6 },
  { STEP_YEARS, 1 }, { STEP_YEARS, 2 }, { STEP_YEARS, 5 }, { STEP_YEARS, 10 },
  { STEP_YEARS, 20 }, { STEP_YEARS, 50 }, { STEP_YEARS, 100 },
};

/* The first tick of @step at or after @t. */
static gint64
first_tick (const Step *step,
            gint64      t)
{
  gint64 day = floor_div (t + SD_SECONDS_PER_DAY - 1, SD_SECONDS_PER_DAY);
  g_autoptr(GDateTime) dt = NULL;
  int year, month;

  switch (step->unit)
    {
    case STEP_DAYS:
      return (day + ((step->n - day % step->n) % step->n)) * SD_SECONDS_PER_DAY;
    case STEP_WEEKS:
      {
        gint64 monday = week_floor (t);
        if (monday < t)
          monday += 7 * SD_SECONDS_PER_DAY;
        return monday;
      }
    case STEP_MONTHS:
    case STEP_YEARS:
    default:
      {
        gint64 start = month_floor (t);
        if (start < t)
          start = sd_time_add_months (start, 1);
        if (!(dt = g_date_time_new_from_unix_utc (start)))
          return start;
        year = g_date_time_get_year (dt);
        month = g_date_time_get_month (dt);
        if (step->unit == STEP_MONTHS)
          {
            while ((month - 1) % step->n != 0)
              if (++month > 12)
                {
                  month = 1;
                  year++;
                }
          }
        else
          {
            if (month != 1)
              year++;
            year += (step->n - year % step->n) % step->n;
            month = 1;
          }
        g_clear_pointer (&dt, g_date_time_unref);
        if (!(dt = g_date_time_new_utc (year, month, 1, 0, 0, 0)))
          return G_MAXINT64;
        return g_date_time_to_unix (dt);
      }
    }
}

static gint64
next_tick (const Step *step,
           gint64      t)
{
  switch (step->unit)
    {
    case STEP_DAYS:
      return t + step->n * SD_SECONDS_PER_DAY;
    case STEP_WEEKS:
      return t + step->n * 7 * SD_SECONDS_PER_DAY;
    case STEP_MONTHS:
      return sd_time_add_months (t, step->n);
    case STEP_YEARS:
    default:
      return sd_time_add_months (t, 12 * step->n);
    }
}

static guint
count_ticks (const Step *step,
             gint64      t0,
             gint64      t1,
             guint       limit)
{
  guint n = 0;

  for (gint64 t = first_tick (step, t0); t <= t1 && n <= limit; t = next_tick (step, t))
    n++;
  return n;
}

GArray *
sd_chart_time_ticks (double t0,
                     double t1,
                     guint  max_ticks)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (SdChartTick));
  const Step *step = &steps[G_N_ELEMENTS (steps) - 1];
  gint64 a, b;
  const char *format;

  /* Beyond what GDateTime can name (years 1 to 9999) there is no date to write. */
  if (!isfinite (t0) || !isfinite (t1) || t1 < t0 || t0 < -62135596800.0 || t1 > 253402300799.0)
    return ticks;
  a = (gint64) ceil (t0);
  b = (gint64) floor (t1);
  max_ticks = MAX (max_ticks, 2);
  for (guint i = 0; i < G_N_ELEMENTS (steps); i++)
    if (count_ticks (&steps[i], a, b, max_ticks) <= max_ticks)
      {
        step = &steps[i];
        break;
      }

  /* TRANSLATORS: date formats of chart ticks (g_date_time_format): a day ("9 Dec"), a
   * month ("Dec 2011") and a year */
  format = step->unit <= STEP_WEEKS ? _("%-d %b") : step->unit == STEP_MONTHS ? _("%b %Y") : "%Y";
  for (gint64 t = first_tick (step, a); t <= b; t = next_tick (step, t))
    {
      SdChartTick tick = { .value = (double) t };
      g_autofree char *label = format_utc (t, format);

      g_strlcpy (tick.label, label, sizeof tick.label);
      g_array_append_val (ticks, tick);
    }
  return ticks;
}

/* Steps that land on bucket starts: any for days; whole weeks for weeks (a month's first
 * day is seldom a Monday); months and years for months. */
static const Step week_steps[] = {
  { STEP_WEEKS, 1 }, { STEP_WEEKS, 2 }, { STEP_WEEKS, 4 }, { STEP_WEEKS, 8 }, { STEP_WEEKS, 13 },
  { STEP_WEEKS, 26 }, { STEP_WEEKS, 52 }, { STEP_WEEKS, 104 }, { STEP_WEEKS, 260 },
};

GArray *
sd_time_bucket_ticks (SdTimeBucket bucket,
                      double       t0,
                      double       t1,
                      guint        max_ticks)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (SdChartTick));
  const Step *candidates = steps, *step;
  guint n_candidates = G_N_ELEMENTS (steps);
  gint64 a, b;
  const char *format;

  if (!isfinite (t0) || !isfinite (t1) || t1 <= t0 || t0 < -62135596800.0 || t1 > 253402300799.0)
    return ticks;
  a = (gint64) ceil (t0);
  b = (gint64) floor (t1);
  if (bucket == SD_TIME_BUCKET_WEEK)
    {
      candidates = week_steps;
      n_candidates = G_N_ELEMENTS (week_steps);
    }
  else if (bucket == SD_TIME_BUCKET_MONTH)
    {
      candidates = &steps[4];   /* from { STEP_MONTHS, 1 } */
      n_candidates = G_N_ELEMENTS (steps) - 4;
    }
  max_ticks = MAX (max_ticks, 1);
  step = &candidates[n_candidates - 1];
  for (guint i = 0; i < n_candidates; i++)
    {
      guint n = 0;

      /* Buckets that start inside the range: the last one ends at @t1. */
      for (gint64 t = first_tick (&candidates[i], a); t < b && n <= max_ticks; t = next_tick (&candidates[i], t))
        n++;
      if (n <= max_ticks)
        {
          step = &candidates[i];
          break;
        }
    }

  format = bucket == SD_TIME_BUCKET_MONTH ? _("%b %Y") : _("%-d %b");
  for (gint64 t = first_tick (step, a); t < b; t = next_tick (step, t))
    {
      gint64 end = sd_time_bucket_next (bucket, t);
      SdChartTick tick = { .value = t + (end - t) / 2.0 };
      g_autofree char *label = format_utc (t, format);

      g_strlcpy (tick.label, label, sizeof tick.label);
      g_array_append_val (ticks, tick);
    }
  return ticks;
}
