/* sd-chart-scale.c — data ↔ pixel transforms, zoom/pan and tick generation */
#include "config.h"

#include <math.h>
#include <string.h>

#include <glib/gi18n.h>

#include "sd-chart-scale.h"
#include "sd-chart-time.h"

/* Beyond these a double's log10 stops being useful for drawing. */
#define LOG_MIN_EXP (-300.0)
#define LOG_MAX_EXP (300.0)

static inline double
forward (const SdChartScale *self,
         double              v)
{
  if (self->kind == SD_CHART_SCALE_LOG)
    return v > 0 ? log10 (v) : NAN;
  return v;
}

static inline double
inverse (const SdChartScale *self,
         double              t)
{
  if (self->kind == SD_CHART_SCALE_LOG)
    return pow (10.0, t);
  return t;
}

/* Smallest span (in transformed units) we allow at @center, so zooming in cannot collapse
 * the domain to a point where ticks and pixels become meaningless. */
static double
min_span (SdChartScaleKind kind,
          double           center)
{
  if (kind == SD_CHART_SCALE_LOG)
    return 1e-6;
  return 1e-9 * MAX (1.0, fabs (center));
}

static void
repair_domain (SdChartScale *self)
{
  double d0 = self->d0, d1 = self->d1;

  if (!isfinite (d0) || !isfinite (d1))
    {
      d0 = self->kind == SD_CHART_SCALE_LOG ? 1.0 : 0.0;
      d1 = self->kind == SD_CHART_SCALE_LOG ? 10.0 : 1.0;
    }
  if (d1 < d0)
    {
      double t = d0;
      d0 = d1;
      d1 = t;
    }
  if (self->kind == SD_CHART_SCALE_LOG)
    {
      /* A log axis cannot show zero or negatives: keep the positive part, or a decade. */
      if (d1 <= 0)
        {
          d0 = 1.0;
          d1 = 10.0;
        }
      else if (d0 <= 0)
        d0 = d1 / 1000.0;
      d0 = MAX (d0, pow (10.0, LOG_MIN_EXP));
      d1 = MIN (d1, pow (10.0, LOG_MAX_EXP));
      if (log10 (d1) - log10 (d0) < min_span (self->kind, 0))
        {
          d0 /= 2.0;
          d1 *= 2.0;
        }
    }
  else if (d1 - d0 < min_span (self->kind, (d0 + d1) / 2))
    {
      double pad = d0 == 0 ? 1.0 : fabs (d0) * 0.1;
      d0 -= pad;
      d1 += pad;
    }
  self->d0 = d0;
  self->d1 = d1;
}

void
sd_chart_scale_init (SdChartScale     *self,
                     SdChartScaleKind  kind,
                     double            d0,
                     double            d1,
                     double            r0,
                     double            r1)
{
  g_return_if_fail (self != NULL);

  self->kind = kind;
  self->d0 = d0;
  self->d1 = d1;
  self->r0 = r0;
  self->r1 = r1;
  repair_domain (self);
}

void
sd_chart_scale_set_range (SdChartScale *self,
                          double        r0,
                          double        r1)
{
  self->r0 = r0;
  self->r1 = r1;
}

double
sd_chart_scale_to_pixel (const SdChartScale *self,
                         double              v)
{
  double t0 = forward (self, self->d0);
  double t1 = forward (self, self->d1);
  double t = forward (self, v);

  if (isnan (t))
    return NAN;
  return self->r0 + (t - t0) / (t1 - t0) * (self->r1 - self->r0);
}

double
sd_chart_scale_from_pixel (const SdChartScale *self,
                           double              px)
{
  double t0 = forward (self, self->d0);
  double t1 = forward (self, self->d1);

  if (self->r1 == self->r0)
    return self->d0;
  return inverse (self, t0 + (px - self->r0) / (self->r1 - self->r0) * (t1 - t0));
}

static void
set_transformed (SdChartScale *self,
                 double        t0,
                 double        t1)
{
  if (!isfinite (t0) || !isfinite (t1) || t1 - t0 < min_span (self->kind, (t0 + t1) / 2))
    return;
  if (self->kind == SD_CHART_SCALE_LOG && (t0 < LOG_MIN_EXP || t1 > LOG_MAX_EXP))
    return;
  self->d0 = inverse (self, t0);
  self->d1 = inverse (self, t1);
}

void
sd_chart_scale_zoom (SdChartScale *self,
                     double        factor,
                     double        anchor_px)
{
  double t0 = forward (self, self->d0);
  double t1 = forward (self, self->d1);
  double a = forward (self, sd_chart_scale_from_pixel (self, anchor_px));

  if (!(factor > 0) || !isfinite (factor) || isnan (a))
    return;
  set_transformed (self, a + (t0 - a) * factor, a + (t1 - a) * factor);
}

void
sd_chart_scale_pan (SdChartScale *self,
                    double        dpx)
{
  double t0 = forward (self, self->d0);
  double t1 = forward (self, self->d1);
  double dt;

  if (self->r1 == self->r0)
    return;
  dt = -dpx * (t1 - t0) / (self->r1 - self->r0);
  set_transformed (self, t0 + dt, t1 + dt);
}

void
sd_chart_scale_fit (SdChartScaleKind  kind,
                    double            min,
                    double            max,
                    double           *d0,
                    double           *d1)
{
  if (kind == SD_CHART_SCALE_LOG)
    {
      double l0, l1;

      if (!(min > 0) || !isfinite (min) || !isfinite (max) || max < min)
        {
          *d0 = 1.0;
          *d1 = 10.0;
          return;
        }
      l0 = log10 (min);
      l1 = log10 (max);
      if (l1 - l0 < 1e-9)
        {
          l0 -= 0.5;
          l1 += 0.5;
        }
      else
        {
          double pad = 0.05 * (l1 - l0);
          l0 -= pad;
          l1 += pad;
        }
      *d0 = pow (10.0, MAX (l0, LOG_MIN_EXP));
      *d1 = pow (10.0, MIN (l1, LOG_MAX_EXP));
      return;
    }

  if (!isfinite (min) || !isfinite (max) || max < min)
    {
      *d0 = 0.0;
      *d1 = 1.0;
    }
  else if (max - min < min_span (kind, (min + max) / 2))
    {
      double pad = min == 0 ? 1.0 : fabs (min) * 0.1;
      *d0 = min - pad;
      *d1 = max + pad;
    }
  else
    {
      double pad = 0.05 * (max - min);
      *d0 = min - pad;
      *d1 = max + pad;
      /* Data that starts at or just above zero reads better with zero on the axis. */
      if (min >= 0 && *d0 < 0)
        *d0 = 0;
    }
}

double
sd_chart_nice_step (double span,
                    guint  max_ticks)
{
  double raw, mag, norm;

  if (!(span > 0) || !isfinite (span))
    return 1.0;
  max_ticks = MAX (max_ticks, 1);
  raw = span / max_ticks;
  mag = pow (10.0, floor (log10 (raw)));
  norm = raw / mag;
  if (norm <= 1.0 + 1e-9)
    return mag;
  if (norm <= 2.0 + 1e-9)
    return 2 * mag;
  if (norm <= 5.0 + 1e-9)
    return 5 * mag;
  return 10 * mag;
}

static void
add_tick (GArray *ticks,
          double  v,
          double  step)
{
  SdChartTick tick = { .value = v };
  g_autofree char *label = sd_chart_format_tick (v, step);

  g_strlcpy (tick.label, label, sizeof tick.label);
  g_array_append_val (ticks, tick);
}

static void
linear_ticks (GArray *ticks,
              double  d0,
              double  d1,
              guint   max_ticks,
              double  min_step)
{
  double step = MAX (sd_chart_nice_step (d1 - d0, max_ticks), min_step);
  double first = ceil (d0 / step - 1e-9);
  double last = floor (d1 / step + 1e-9);

  /* A step rounded up to 1-2-5 can leave a single tick in the domain; an axis needs two. */
  for (guint target = max_ticks + 1; last - first < 1 && target < 4 * max_ticks + 4; target++)
    {
      step = MAX (sd_chart_nice_step (d1 - d0, target), min_step);
      first = ceil (d0 / step - 1e-9);
      last = floor (d1 / step + 1e-9);
    }

  for (double i = first; i <= last; i++)
    {
      double v = i * step;

      if (fabs (v) < step * 1e-9)
        v = 0;
      add_tick (ticks, v, step);
    }
}

GArray *
sd_chart_scale_integer_ticks (const SdChartScale *self,
                              guint               max_ticks)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (SdChartTick));

  g_return_val_if_fail (self != NULL, ticks);

  /* A step of at least 1 keeps every tick on a whole number; zoomed in to less than one
   * unit, the axis may hold one tick or none rather than a made-up "epoch 1.5". */
  linear_ticks (ticks, self->d0, self->d1, MAX (max_ticks, 2), 1.0);
  return ticks;
}

GArray *
sd_chart_scale_ticks (const SdChartScale *self,
                      guint               max_ticks)
{
  GArray *ticks = g_array_new (FALSE, FALSE, sizeof (SdChartTick));
  double l0, l1;
  int e0, e1, decades;

  g_return_val_if_fail (self != NULL, ticks);

  max_ticks = MAX (max_ticks, 2);
  if (self->kind == SD_CHART_SCALE_TIME)
    {
      g_array_unref (ticks);
      return sd_chart_time_ticks (self->d0, self->d1, max_ticks);
    }
  if (self->kind == SD_CHART_SCALE_LINEAR)
    {
      linear_ticks (ticks, self->d0, self->d1, max_ticks, 0);
      return ticks;
    }

  l0 = log10 (self->d0);
  l1 = log10 (self->d1);
  e0 = (int) ceil (l0 - 1e-9);
  e1 = (int) floor (l1 + 1e-9);
  decades = e1 - e0 + 1;

  if (l1 - l0 < 1.0 || decades < 2)
    {
      /* Less than a decade shows: decade ticks alone would leave the axis bare. */
      linear_ticks (ticks, self->d0, self->d1, max_ticks, 0);
      /* Linear steps near a small d0 could sit at 0, which a log axis cannot place. */
      for (guint i = ticks->len; i-- > 0;)
        if (g_array_index (ticks, SdChartTick, i).value <= 0)
          g_array_remove_index (ticks, i);
      return ticks;
    }

  if ((guint) decades * 3 <= max_ticks)
    {
      static const double mult[] = { 1, 2, 5 };

      for (int e = e0 - 1; e <= e1; e++)
        for (guint m = 0; m < G_N_ELEMENTS (mult); m++)
          {
            double v = mult[m] * pow (10.0, e);

            if (v >= self->d0 * (1 - 1e-9) && v <= self->d1 * (1 + 1e-9))
              add_tick (ticks, v, v);
          }
      return ticks;
    }

  {
    int every = (int) ceil ((double) decades / max_ticks);
    int start = (int) (floor ((double) e0 / every) * every);

    for (int e = start; e <= e1; e += every)
      if (e >= e0)
        {
          double v = pow (10.0, e);
          add_tick (ticks, v, v);
        }
  }
  return ticks;
}

/* Decimals needed to write @s (a multiple of 1, 2, 2.5 or 5 times a power of ten) exactly. */
static int
decimals_for (double s)
{
  for (int d = 0; d < 9; d++)
    {
      double scaled = s * pow (10.0, d);

      if (fabs (scaled - round (scaled)) < 1e-6 * MAX (1.0, scaled))
        return d;
    }
  return 9;
}

/* How large numbers are shortened on an axis: by thousands (k, M, G), or, where the language
 * counts in ten-thousands (Chinese: 万, 亿, 万亿), by those. */
typedef struct {
  double      unit;
  const char *suffix;
  double      min_step;   /* the smallest step that may use the unit */
} Magnitude;

static gboolean
counts_in_myriads (void)
{
  /* The same choice as the money on the Overview's cards (sd-format.c), so a translator
   * decides it once. */
  return g_str_equal (C_("large amounts counted in", "1000000"), "10000");
}

/* Largest first; the last entry is the plainest one a step may use before the number is
 * written in full. */
static guint
magnitudes (Magnitude *out)
{
  if (counts_in_myriads ())
    {
      /* TRANSLATORS: a number on a chart axis in units of 10⁴, 10⁸ and 10¹², for languages
       * that count in ten-thousands ("1.5万" is 15,000; "1.2亿" is 120,000,000). Only used
       * when "large amounts counted in" is translated as "10000". */
      out[0] = (Magnitude) { 1e12, C_("chart axis, units of 10^12", "×10¹²"), 1e10 };
      out[1] = (Magnitude) { 1e8, C_("chart axis, units of 10^8", "×10⁸"), 1e6 };
      out[2] = (Magnitude) { 1e4, C_("chart axis, units of 10^4", "×10⁴"), 1e3 };
      return 3;
    }
  out[0] = (Magnitude) { 1e9, "G", 1e6 };
  out[1] = (Magnitude) { 1e6, "M", 1e3 };
  out[2] = (Magnitude) { 1e3, "k", 1e3 };
  return 3;
}

char *
sd_chart_format_tick (double v,
                      double step)
{
  double av = fabs (v);
  double unit = 1.0;
  const char *suffix = "";
  Magnitude mags[3];
  guint n;
  int decimals;

  if (!isfinite (v))
    return g_strdup (isnan (v) ? "NaN" : (v > 0 ? "∞" : "−∞"));
  if (!(step > 0) || !isfinite (step))
    step = av > 0 ? av : 1.0;
  if (av < step * 1e-9)
    return g_strdup ("0");

  if (av >= 1e15 || (av < 1e-4 && step < 1e-4))
    {
      /* Mantissa digits enough to tell neighbouring ticks apart. */
      int digits = (int) (floor (log10 (av)) - floor (log10 (step)));
      return g_strdup_printf ("%.*e", CLAMP (digits, 0, 6), v);
    }

  /* A suffix only when the step keeps the label short: 10002 reads better than 10.002k.
   * The smallest unit may take one more decimal once the number has two digits before
   * the point (12.5k, 12.35万). */
  n = magnitudes (mags);
  for (guint i = 0; i < n; i++)
    {
      gboolean last = i + 1 == n;

      if (av >= mags[i].unit &&
          (step >= mags[i].min_step || (last && av >= 10 * mags[i].unit && step >= mags[i].min_step / 10)))
        {
          unit = mags[i].unit;
          suffix = mags[i].suffix;
          break;
        }
    }

  decimals = decimals_for (step / unit);
  return g_strdup_printf ("%.*f%s", decimals, v / unit, suffix);
}

char *
sd_chart_format_value (double v)
{
  double av = fabs (v);
  Magnitude mags[3];
  guint n;

  if (!isfinite (v))
    return g_strdup (isnan (v) ? "NaN" : (v > 0 ? "∞" : "−∞"));
  if (av == 0)
    return g_strdup ("0");
  n = magnitudes (mags);
  for (guint i = 0; av < 1e15 && i < n; i++)
    /* Thousands only from ten thousand on: 4 significant digits write 1234 whole. */
    if (av >= MAX (mags[i].unit, 1e4))
      return g_strdup_printf ("%.4g%s", v / mags[i].unit, mags[i].suffix);
  return g_strdup_printf ("%.4g", v);
}
