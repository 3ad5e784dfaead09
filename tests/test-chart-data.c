/* test-chart-data.c — chart scales, ticks, labels, smoothing, decimation, lookup (no GTK) */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <math.h>
#include <string.h>

#include "sd-chart-data.h"
#include "sd-chart-scale.h"
#include "zh-catalogue.h"

/* Ticks must lie in the domain, be evenly spaced at a 1-2-5 step, be few enough and enough,
 * and have distinct labels. Checked over ranges spanning many magnitudes and signs. */
static void
check_linear_ticks (double d0,
                    double d1,
                    guint  max_ticks)
{
  SdChartScale s;
  g_autoptr(GArray) ticks = NULL;
  double step, mant;

  sd_chart_scale_init (&s, SD_CHART_SCALE_LINEAR, d0, d1, 0, 500);
  ticks = sd_chart_scale_ticks (&s, max_ticks);
  g_assert_cmpuint (ticks->len, >=, 2);
  g_assert_cmpuint (ticks->len, <=, max_ticks + 1);

  step = g_array_index (ticks, SdChartTick, 1).value - g_array_index (ticks, SdChartTick, 0).value;
  mant = step / pow (10.0, floor (log10 (step) + 1e-9));
  g_assert_true (fabs (mant - 1) < 1e-6 || fabs (mant - 2) < 1e-6 || fabs (mant - 5) < 1e-6);

  for (guint i = 0; i < ticks->len; i++)
    {
      const SdChartTick *t = &g_array_index (ticks, SdChartTick, i);

      g_assert_cmpfloat (t->value, >=, s.d0 - fabs (step) * 1e-6);
      g_assert_cmpfloat (t->value, <=, s.d1 + fabs (step) * 1e-6);
      g_assert_cmpstr (t->label, !=, "-0");
      g_assert_cmpuint (strlen (t->label), >, 0);
      if (i > 0)
        {
          const SdChartTick *p = &g_array_index (ticks, SdChartTick, i - 1);
          g_assert_cmpfloat_with_epsilon (t->value - p->value, step, step * 1e-6);
          g_assert_cmpstr (t->label, !=, p->label);
        }
      /* A tick at (nearly) zero is labelled exactly "0". */
      if (fabs (t->value) < step * 1e-6)
        g_assert_cmpstr (t->label, ==, "0");
    }
  /* Not wastefully sparse: a nice step is at most 2.5× the raw one, so ≥ max/2.5 - 1 ticks. */
  g_assert_cmpfloat (ticks->len, >=, floor (max_ticks / 2.5) - 1);
}

static void
test_linear_ticks (void)
{
  static const double ranges[][2] = {
    { 0, 1 }, { 0, 10 }, { 0, 100 }, { -1, 1 }, { -37.2, 112.9 }, { 0.0012, 0.0047 },
    { 1e-7, 3e-7 }, { 999, 1001 }, { 0, 1e6 }, { 12345, 98765 }, { -5e9, 5e9 },
    { 0.1, 0.3 }, { 0.2281, 2.305 }, { 1, 20 }, { 3, 3.0001 }, { -1e-3, 0 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    for (guint max = 3; max <= 12; max++)
      check_linear_ticks (ranges[i][0], ranges[i][1], max);
}

/* An axis of epochs ticks only on whole numbers, whether 5 epochs show or 200. */
static void
test_integer_ticks (void)
{
  static const double ranges[][2] = {
    { 1, 5 }, { 0.8, 5.2 }, { 1, 2 }, { 1, 10 }, { 0.5, 200.5 }, { 1, 200 }, { 37.3, 41.9 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (ranges); i++)
    for (guint max = 2; max <= 14; max++)
      {
        SdChartScale s;
        g_autoptr(GArray) ticks = NULL;

        sd_chart_scale_init (&s, SD_CHART_SCALE_LINEAR, ranges[i][0], ranges[i][1], 0, 500);
        ticks = sd_chart_scale_integer_ticks (&s, max);
        g_assert_cmpuint (ticks->len, >=, 2);
        g_assert_cmpuint (ticks->len, <=, MAX (max + 1, 3));
        for (guint k = 0; k < ticks->len; k++)
          {
            const SdChartTick *t = &g_array_index (ticks, SdChartTick, k);

            g_assert_cmpfloat (t->value, ==, round (t->value));
            g_assert_cmpfloat (t->value, >=, s.d0 - 1e-9);
            g_assert_cmpfloat (t->value, <=, s.d1 + 1e-9);
            g_assert_null (strchr (t->label, '.'));
          }
      }

  /* Zoomed in to within one epoch: no tick rather than a fractional one. */
  {
    SdChartScale s;
    g_autoptr(GArray) ticks = NULL;

    sd_chart_scale_init (&s, SD_CHART_SCALE_LINEAR, 3.1, 3.9, 0, 500);
    ticks = sd_chart_scale_integer_ticks (&s, 6);
    g_assert_cmpuint (ticks->len, ==, 0);
  }
}

static void
test_nice_step (void)
{
  g_assert_cmpfloat_with_epsilon (sd_chart_nice_step (1, 5), 0.2, 1e-12);
  g_assert_cmpfloat_with_epsilon (sd_chart_nice_step (10, 5), 2, 1e-12);
  g_assert_cmpfloat_with_epsilon (sd_chart_nice_step (100, 10), 10, 1e-12);
  g_assert_cmpfloat_with_epsilon (sd_chart_nice_step (7, 5), 2, 1e-12);
  g_assert_cmpfloat_with_epsilon (sd_chart_nice_step (30, 5), 10, 1e-12);
  g_assert_cmpfloat_with_epsilon (sd_chart_nice_step (0.03, 4), 0.01, 1e-15);
  g_assert_cmpfloat (sd_chart_nice_step (0, 5), >, 0);
  g_assert_cmpfloat (sd_chart_nice_step (NAN, 5), >, 0);
}

static void
test_log_ticks (void)
{
  SdChartScale s;
  g_autoptr(GArray) wide = NULL;
  g_autoptr(GArray) few = NULL;
  g_autoptr(GArray) huge = NULL;
  g_autoptr(GArray) narrow = NULL;

  /* Six decades, room for 8 ticks: exactly the decades. */
  sd_chart_scale_init (&s, SD_CHART_SCALE_LOG, 1e-3, 1e3, 400, 0);
  wide = sd_chart_scale_ticks (&s, 8);
  g_assert_cmpuint (wide->len, ==, 7);
  for (guint i = 0; i < wide->len; i++)
    g_assert_cmpfloat_with_epsilon (log10 (g_array_index (wide, SdChartTick, i).value),
                                    -3.0 + i, 1e-9);
  g_assert_cmpstr (g_array_index (wide, SdChartTick, 0).label, ==, "0.001");
  g_assert_cmpstr (g_array_index (wide, SdChartTick, 3).label, ==, "1");
  g_assert_cmpstr (g_array_index (wide, SdChartTick, 6).label, ==, "1k");

  /* Two decades with room: 1-2-5 within each. */
  sd_chart_scale_init (&s, SD_CHART_SCALE_LOG, 0.1, 10, 400, 0);
  few = sd_chart_scale_ticks (&s, 10);
  g_assert_cmpuint (few->len, ==, 7);   /* 0.1 0.2 0.5 1 2 5 10 */
  g_assert_cmpstr (g_array_index (few, SdChartTick, 1).label, ==, "0.2");
  g_assert_cmpstr (g_array_index (few, SdChartTick, 5).label, ==, "5");

  /* Sixty decades in 6 ticks: every few decades, never more than asked. */
  sd_chart_scale_init (&s, SD_CHART_SCALE_LOG, 1e-30, 1e30, 400, 0);
  huge = sd_chart_scale_ticks (&s, 6);
  g_assert_cmpuint (huge->len, <=, 7);
  g_assert_cmpuint (huge->len, >=, 3);

  /* Within one decade: linear steps, all positive. */
  sd_chart_scale_init (&s, SD_CHART_SCALE_LOG, 0.22, 0.9, 400, 0);
  narrow = sd_chart_scale_ticks (&s, 6);
  g_assert_cmpuint (narrow->len, >=, 2);
  for (guint i = 0; i < narrow->len; i++)
    {
      double v = g_array_index (narrow, SdChartTick, i).value;
      g_assert_cmpfloat (v, >, 0);
      g_assert_cmpfloat (v, >=, 0.22 - 1e-9);
      g_assert_cmpfloat (v, <=, 0.9 + 1e-9);
    }
}

static void
test_log_nonpositive (void)
{
  SdChartScale s;
  double d0, d1;

  /* Zero and negatives cannot be placed: NAN, so the widget breaks the line. */
  sd_chart_scale_init (&s, SD_CHART_SCALE_LOG, 0.01, 100, 0, 400);
  g_assert_true (isnan (sd_chart_scale_to_pixel (&s, 0)));
  g_assert_true (isnan (sd_chart_scale_to_pixel (&s, -3)));
  g_assert_cmpfloat_with_epsilon (sd_chart_scale_to_pixel (&s, 1), 200, 1e-9);

  /* A domain reaching zero or below is repaired to a positive one. */
  sd_chart_scale_init (&s, SD_CHART_SCALE_LOG, 0, 100, 0, 400);
  g_assert_cmpfloat (s.d0, >, 0);
  g_assert_cmpfloat (s.d1, ==, 100);
  sd_chart_scale_init (&s, SD_CHART_SCALE_LOG, -10, -1, 0, 400);
  g_assert_cmpfloat (s.d0, >, 0);
  g_assert_cmpfloat (s.d1, >, s.d0);

  /* Fitting data with no positive values still gives a drawable domain. */
  sd_chart_scale_fit (SD_CHART_SCALE_LOG, INFINITY, -INFINITY, &d0, &d1);
  g_assert_cmpfloat (d0, >, 0);
  g_assert_cmpfloat (d1, >, d0);
  sd_chart_scale_fit (SD_CHART_SCALE_LOG, 0.5, 0.5, &d0, &d1);
  g_assert_cmpfloat (d0, <, 0.5);
  g_assert_cmpfloat (d1, >, 0.5);
  sd_chart_scale_fit (SD_CHART_SCALE_LOG, 1e-4, 10, &d0, &d1);
  g_assert_cmpfloat (d0, <, 1e-4);
  g_assert_cmpfloat (d0, >, 0);
  g_assert_cmpfloat (d1, >, 10);

  /* Linear fits: constant data gets a span, non-negative data keeps zero as the floor. */
  sd_chart_scale_fit (SD_CHART_SCALE_LINEAR, 3, 3, &d0, &d1);
  g_assert_cmpfloat (d0, <, 3);
  g_assert_cmpfloat (d1, >, 3);
  sd_chart_scale_fit (SD_CHART_SCALE_LINEAR, 0, 10, &d0, &d1);
  g_assert_cmpfloat (d0, ==, 0);
  g_assert_cmpfloat (d1, >, 10);
}

static void
test_transforms (void)
{
  SdChartScale x, y;

  sd_chart_scale_init (&x, SD_CHART_SCALE_LINEAR, 10, 20, 50, 550);
  g_assert_cmpfloat_with_epsilon (sd_chart_scale_to_pixel (&x, 15), 300, 1e-9);
  g_assert_cmpfloat_with_epsilon (sd_chart_scale_from_pixel (&x, 300), 15, 1e-9);

  /* Upward y axis: larger values are higher on screen (smaller pixel). */
  sd_chart_scale_init (&y, SD_CHART_SCALE_LOG, 1, 1000, 400, 100);
  g_assert_cmpfloat_with_epsilon (sd_chart_scale_to_pixel (&y, 10), 300, 1e-9);
  g_assert_cmpfloat_with_epsilon (sd_chart_scale_from_pixel (&y, 200), 100, 1e-9);
  for (double v = 1; v <= 1000; v *= 1.7)
    g_assert_cmpfloat_with_epsilon (sd_chart_scale_from_pixel (&y, sd_chart_scale_to_pixel (&y, v)),
                                    v, v * 1e-12);
}

static void
test_zoom_pan (void)
{
  SdChartScale x, y;
  double before, after;

  sd_chart_scale_init (&x, SD_CHART_SCALE_LINEAR, 0, 100, 0, 1000);
  before = sd_chart_scale_from_pixel (&x, 250);
  sd_chart_scale_zoom (&x, 0.5, 250);
  after = sd_chart_scale_from_pixel (&x, 250);
  g_assert_cmpfloat_with_epsilon (before, after, 1e-9);   /* the anchor stays put */
  g_assert_cmpfloat_with_epsilon (x.d1 - x.d0, 50, 1e-9);

  /* Drag right by 100 px: what was at 0 px is now at 100 px. */
  before = sd_chart_scale_from_pixel (&x, 0);
  sd_chart_scale_pan (&x, 100);
  g_assert_cmpfloat_with_epsilon (sd_chart_scale_to_pixel (&x, before), 100, 1e-9);

  /* Log y axis zooms evenly in decades around the anchor. */
  sd_chart_scale_init (&y, SD_CHART_SCALE_LOG, 1e-2, 1e2, 400, 0);
  sd_chart_scale_zoom (&y, 0.5, 200);
  g_assert_cmpfloat_with_epsilon (log10 (y.d0), -1, 1e-9);
  g_assert_cmpfloat_with_epsilon (log10 (y.d1), 1, 1e-9);
  sd_chart_scale_pan (&y, -100);   /* drag up: content moves up, view moves down */
  g_assert_cmpfloat_with_epsilon (log10 (y.d0), -1.5, 1e-9);

  /* Zooming in forever stops at a usable span instead of collapsing. */
  for (int i = 0; i < 200; i++)
    sd_chart_scale_zoom (&x, 0.5, 500);
  g_assert_cmpfloat (x.d1 - x.d0, >, 0);
  g_assert_true (isfinite (sd_chart_scale_to_pixel (&x, (x.d0 + x.d1) / 2)));
}

static void
test_format (void)
{
  static const struct { double v, step; const char *want; } cases[] = {
    { 0, 0.1, "0" }, { -1e-17, 0.1, "0" }, { 0.25, 0.05, "0.25" }, { 0.2, 0.1, "0.2" },
    { 1, 1, "1" }, { 1500, 500, "1500" }, { 2000, 1000, "2k" }, { 2500, 2500, "2.5k" },
    { 15000, 5000, "15k" }, { 12500, 500, "12.5k" }, { 3e6, 1e6, "3M" }, { 2.5e6, 5e5, "2.5M" },
    { -40, 20, "-40" }, { 1e-5, 1e-5, "1e-05" }, { 0.001, 0.001, "0.001" },
    { 4e9, 1e9, "4G" }, { 0.0125, 0.0025, "0.0125" }, { 10002, 2, "10002" },
    { 12100, 100, "12.1k" }, { 1000020, 20, "1000020" }, { 1002000, 2000, "1.002M" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *got = sd_chart_format_tick (cases[i].v, cases[i].step);
      g_assert_cmpstr (got, ==, cases[i].want);
    }

  {
    g_autofree char *a = sd_chart_format_value (0.23112);
    g_autofree char *b = sd_chart_format_value (123456);
    g_autofree char *c = sd_chart_format_value (2.5e6);
    g_autofree char *d = sd_chart_format_value (NAN);
    g_assert_cmpstr (a, ==, "0.2311");
    g_assert_cmpstr (b, ==, "123.5k");
    g_assert_cmpstr (c, ==, "2.5M");
    g_assert_cmpstr (d, ==, "NaN");
  }
}

/* Chinese counts large numbers in 万 (10⁴) and 亿 (10⁸): "150万", never "1.5M"; the same
 * ticks in English keep k and M. */
static void
test_format_zh_cn (void)
{
  static const struct { double v, step; const char *en, *zh; } cases[] = {
    { 1.5e6, 5e5, "1.5M", "150万" }, { 5e5, 1e5, "500k", "50万" }, { 1.2e8, 2e7, "120M", "1.2亿" },
    { 15000, 5000, "15k", "1.5万" }, { 5000, 5000, "5k", "5000" }, { 2e4, 1e4, "20k", "2万" },
    { 123500, 100, "123.5k", "12.35万" }, { 1002000, 2000, "1.002M", "100.2万" },
    { 100200000, 1e5, "100.2M", "10020万" }, { 3e12, 1e12, "3000G", "3万亿" },
    { -2e5, 1e5, "-200k", "-20万" }, { 1500, 500, "1500", "1500" }, { 0.25, 0.05, "0.25", "0.25" },
    { 10002, 2, "10002", "10002" },
  };
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));

  if (!use_build_zh_catalogue ())
    return;

  /* gettext ignores LANGUAGE under the "C" locale; C.UTF-8 is built into glibc. */
  for (int zh = 0; zh < 2; zh++)
    {
      if (zh)
        g_setenv ("LANGUAGE", "zh_CN", TRUE);
      else
        g_unsetenv ("LANGUAGE");
      g_assert_nonnull (setlocale (LC_ALL, "C.UTF-8"));
      for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
        {
          g_autofree char *got = sd_chart_format_tick (cases[i].v, cases[i].step);
          g_assert_cmpstr (got, ==, zh ? cases[i].zh : cases[i].en);
        }
      {
        g_autofree char *a = sd_chart_format_value (123456);
        g_autofree char *b = sd_chart_format_value (2.5e8);
        g_autofree char *c = sd_chart_format_value (1234);
        g_assert_cmpstr (a, ==, zh ? "12.35万" : "123.5k");
        g_assert_cmpstr (b, ==, zh ? "2.5亿" : "250M");
        g_assert_cmpstr (c, ==, "1234");
      }
      {
        /* A whole axis: ticks from 0 to 2,000,000 read 0, 50万, 100万, … in Chinese. */
        SdChartScale y;
        g_autoptr(GArray) ticks = NULL;

        sd_chart_scale_init (&y, SD_CHART_SCALE_LINEAR, 0, 2e6, 400, 0);
        ticks = sd_chart_scale_ticks (&y, 5);
        g_assert_cmpuint (ticks->len, ==, 5);
        g_assert_cmpstr (g_array_index (ticks, SdChartTick, 1).label, ==, zh ? "50万" : "500k");
        g_assert_cmpstr (g_array_index (ticks, SdChartTick, 3).label, ==, zh ? "150万" : "1.5M");
      }
    }
  g_unsetenv ("LANGUAGE");
  setlocale (LC_ALL, saved);
}

/* The EMA's closed form: s_i = Σ_j (1-w) w^(i-j) y_j / (1 - w^(i+1)). */
static double
ema_direct (const double *y,
            gsize         i,
            double        w)
{
  double sum = 0;

  for (gsize j = 0; j <= i; j++)
    sum += (1 - w) * pow (w, (double) (i - j)) * y[j];
  return w == 0 ? sum : sum / (1 - pow (w, (double) (i + 1)));
}

static void
test_ema (void)
{
  static const double weights[] = { 0, 0.3, 0.6, 0.9, 0.99 };
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  double y[200], out[200];

  for (guint i = 0; i < G_N_ELEMENTS (y); i++)
    y[i] = 2.0 * exp (-(double) i / 50.0) + g_rand_double_range (rand, -0.2, 0.2);

  for (guint k = 0; k < G_N_ELEMENTS (weights); k++)
    {
      g_autoptr(SdChartSeries) s = sd_chart_series_new ("loss", "Loss");
      const SdChartPoint *sm;
      guint n;

      sd_chart_ema (y, G_N_ELEMENTS (y), weights[k], out);
      for (guint i = 0; i < G_N_ELEMENTS (y); i++)
        g_assert_cmpfloat_with_epsilon (out[i], ema_direct (y, i, weights[k]), 1e-9);
      /* Debiased: the first value is the first input, whatever the weight. */
      g_assert_cmpfloat_with_epsilon (out[0], y[0], 1e-12);

      /* The series smooths incrementally as points arrive and agrees with the batch. */
      sd_chart_series_set_smoothing (s, weights[k]);
      for (guint i = 0; i < 100; i++)
        sd_chart_series_append (s, i, y[i]);
      sm = sd_chart_series_get_smoothed (s, &n);
      g_assert_cmpuint (n, ==, 100);
      for (guint i = 100; i < G_N_ELEMENTS (y); i++)
        sd_chart_series_append (s, i, y[i]);
      sm = sd_chart_series_get_smoothed (s, &n);
      g_assert_cmpuint (n, ==, G_N_ELEMENTS (y));
      for (guint i = 0; i < n; i++)
        g_assert_cmpfloat_with_epsilon (sm[i].y, out[i], 1e-9);
    }

  /* A NaN (diverged step) passes through and the average resumes after it. */
  {
    double z[] = { 1, 2, NAN, 3 }, o[4];

    sd_chart_ema (z, 4, 0.5, o);
    g_assert_true (isnan (o[2]));
    g_assert_cmpfloat_with_epsilon (o[3], ema_direct ((double[]) { 1, 2, 3 }, 2, 0.5), 1e-12);
  }
}

static void
test_series_sorting (void)
{
  g_autoptr(SdChartSeries) s = sd_chart_series_new ("a", NULL);
  const SdChartPoint *p;
  double x0, x1, y0, y1;
  guint n;

  g_assert_cmpstr (sd_chart_series_get_label (s), ==, "a");
  sd_chart_series_append (s, 3, 30);
  sd_chart_series_append (s, 1, 10);
  sd_chart_series_append (s, NAN, 5);    /* ignored */
  sd_chart_series_append (s, 2, -20);
  p = sd_chart_series_get_points (s, &n);
  g_assert_cmpuint (n, ==, 3);
  g_assert_cmpfloat (p[0].x, ==, 1);
  g_assert_cmpfloat (p[1].x, ==, 2);
  g_assert_cmpfloat (p[2].x, ==, 3);

  g_assert_true (sd_chart_series_get_bounds (s, FALSE, FALSE, -INFINITY, INFINITY, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (y0, ==, -20);
  g_assert_true (sd_chart_series_get_bounds (s, FALSE, TRUE, -INFINITY, INFINITY, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (y0, ==, 10);
  g_assert_true (sd_chart_series_get_bounds (s, FALSE, FALSE, 1.5, 2.5, &x0, &x1, &y0, &y1));
  g_assert_cmpfloat (y0, ==, -20);
  g_assert_cmpfloat (y1, ==, -20);

  sd_chart_series_clear (s);
  g_assert_cmpuint (sd_chart_series_get_length (s), ==, 0);
  g_assert_false (sd_chart_series_get_bounds (s, FALSE, FALSE, -INFINITY, INFINITY, &x0, &x1, &y0, &y1));
  g_assert_cmpint (sd_chart_series_nearest (s, 1), ==, -1);
}

static void
test_decimate (void)
{
  const gsize n = 100000;
  g_autofree SdChartPoint *pts = g_new (SdChartPoint, n);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GArray) out = NULL;
  SdChartScale x;
  enum { width = 500 };

  for (gsize i = 0; i < n; i++)
    {
      pts[i].x = (double) i;
      pts[i].y = sin (i / 300.0) + g_rand_double_range (rand, -1, 1);
    }
  sd_chart_scale_init (&x, SD_CHART_SCALE_LINEAR, 0, n - 1, 0, width);
  out = sd_chart_decimate (pts, n, &x);

  /* At most four points per column (plus the edges), and far fewer than the input. */
  g_assert_cmpuint (out->len, <=, 4 * (width + 1) + 2);
  g_assert_cmpuint (out->len, >=, width);

  /* Every column keeps its exact min and max, and x stays sorted. */
  {
    double lo[width], hi[width], olo[width], ohi[width];

    for (int c = 0; c < width; c++)
      lo[c] = olo[c] = INFINITY, hi[c] = ohi[c] = -INFINITY;
    for (gsize i = 0; i < n; i++)
      {
        int c = MIN ((int) floor (sd_chart_scale_to_pixel (&x, pts[i].x)), width - 1);
        lo[c] = MIN (lo[c], pts[i].y);
        hi[c] = MAX (hi[c], pts[i].y);
      }
    for (guint i = 0; i < out->len; i++)
      {
        const SdChartPoint *p = &g_array_index (out, SdChartPoint, i);
        int c = MIN ((int) floor (sd_chart_scale_to_pixel (&x, p->x)), width - 1);
        olo[c] = MIN (olo[c], p->y);
        ohi[c] = MAX (ohi[c], p->y);
      }
    for (int c = 0; c < width; c++)
      {
        g_assert_cmpfloat (lo[c], ==, olo[c]);
        g_assert_cmpfloat (hi[c], ==, ohi[c]);
      }
  }
  for (guint i = 1; i < out->len; i++)
    g_assert_cmpfloat (g_array_index (out, SdChartPoint, i - 1).x, <=,
                       g_array_index (out, SdChartPoint, i).x);

  /* Zoomed in: only the visible part plus one point beyond each edge. */
  {
    g_autoptr(GArray) zoomed = NULL;

    sd_chart_scale_init (&x, SD_CHART_SCALE_LINEAR, 1000.5, 1010.5, 0, width);
    zoomed = sd_chart_decimate (pts, n, &x);
    g_assert_cmpuint (zoomed->len, ==, 12);
    g_assert_cmpfloat (g_array_index (zoomed, SdChartPoint, 0).x, ==, 1000);
    g_assert_cmpfloat (g_array_index (zoomed, SdChartPoint, 11).x, ==, 1011);
  }

  /* Gaps survive decimation. */
  {
    SdChartPoint gap[] = { { 0, 1 }, { 1, NAN }, { 2, 3 } };
    g_autoptr(GArray) g = NULL;

    sd_chart_scale_init (&x, SD_CHART_SCALE_LINEAR, 0, 2, 0, 1);
    g = sd_chart_decimate (gap, 3, &x);
    g_assert_cmpuint (g->len, ==, 3);
    g_assert_true (isnan (g_array_index (g, SdChartPoint, 1).y));
  }
}

static void
test_nearest (void)
{
  g_autoptr(SdChartSeries) s = sd_chart_series_new ("a", "A");
  g_autoptr(GRand) rand = g_rand_new_with_seed (3);
  const SdChartPoint *p;
  guint n;

  for (int i = 0; i < 1000; i++)
    sd_chart_series_append (s, i * 0.5 + g_rand_double_range (rand, 0, 0.4), i);
  p = sd_chart_series_get_points (s, &n);

  g_assert_cmpint (sd_chart_series_nearest (s, -100), ==, 0);
  g_assert_cmpint (sd_chart_series_nearest (s, 1e9), ==, 999);
  for (int k = 0; k < 500; k++)
    {
      double q = g_rand_double_range (rand, -1, 501);
      gssize got = sd_chart_series_nearest (s, q);
      gsize best = 0;

      for (gsize i = 1; i < n; i++)
        if (fabs (p[i].x - q) < fabs (p[best].x - q))
          best = i;
      g_assert_cmpfloat (fabs (p[got].x - q), ==, fabs (p[best].x - q));
    }
}

static void
test_nearest_point (void)
{
  double x[] = { 0, 1, 2, 3, NAN, 10 };
  double y[] = { 0, 1, 4, 9, 5, -1 };
  SdChartScale xs, ys;

  sd_chart_scale_init (&xs, SD_CHART_SCALE_LINEAR, 0, 10, 0, 100);   /* 10 px per unit */
  sd_chart_scale_init (&ys, SD_CHART_SCALE_LINEAR, 0, 10, 100, 0);
  g_assert_cmpint (sd_chart_nearest_point (x, y, 6, &xs, &ys, 11, 89, 5), ==, 1);
  g_assert_cmpint (sd_chart_nearest_point (x, y, 6, &xs, &ys, 21, 62, 5), ==, 2);
  g_assert_cmpint (sd_chart_nearest_point (x, y, 6, &xs, &ys, 50, 50, 5), ==, -1);   /* too far */
  g_assert_cmpint (sd_chart_nearest_point (x, y, 6, &xs, &ys, 100, 110, 12), ==, 5); /* off-plot is fine */
  g_assert_cmpint (sd_chart_nearest_point (x, y, 0, &xs, &ys, 0, 0, 5), ==, -1);

  /* Log y: points at y <= 0 cannot be placed and are never picked. */
  sd_chart_scale_init (&ys, SD_CHART_SCALE_LOG, 0.1, 10, 100, 0);
  g_assert_cmpint (sd_chart_nearest_point (x, y, 6, &xs, &ys, 0, 100, 1000), !=, 0);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/chart/scale/nice-step", test_nice_step);
  g_test_add_func ("/chart/scale/linear-ticks", test_linear_ticks);
  g_test_add_func ("/chart/scale/integer-ticks", test_integer_ticks);
  g_test_add_func ("/chart/scale/log-ticks", test_log_ticks);
  g_test_add_func ("/chart/scale/log-nonpositive", test_log_nonpositive);
  g_test_add_func ("/chart/scale/transforms", test_transforms);
  g_test_add_func ("/chart/scale/zoom-pan", test_zoom_pan);
  g_test_add_func ("/chart/scale/format", test_format);
  g_test_add_func ("/chart/scale/format-zh-cn", test_format_zh_cn);
  g_test_add_func ("/chart/data/ema", test_ema);
  g_test_add_func ("/chart/data/sorting", test_series_sorting);
  g_test_add_func ("/chart/data/decimate", test_decimate);
  g_test_add_func ("/chart/data/nearest", test_nearest);
  g_test_add_func ("/chart/data/nearest-point", test_nearest_point);

  return g_test_run ();
}
