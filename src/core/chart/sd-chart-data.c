/* sd-chart-data.c — chart series, EMA smoothing, decimation, nearest lookup */
#include "config.h"

#include <math.h>

#include "sd-chart-data.h"

#define MAX_SMOOTHING 0.999

struct _SdChartSeries
{
  char    *id;
  char    *label;
  GArray  *points;     /* SdChartPoint, sorted by x unless @unsorted */
  gboolean unsorted;

  double   weight;
  GArray  *smoothed;   /* SdChartPoint; valid for the first smoothed->len points */
  double   ema_last;   /* running state so in-order appends smooth in O(1) */
  guint64  ema_count;
};

SdChartSeries *
sd_chart_series_new (const char *id,
                     const char *label)
{
  SdChartSeries *self = g_new0 (SdChartSeries, 1);

  self->id = g_strdup (id);
  self->label = g_strdup (label ? label : id);
  self->points = g_array_new (FALSE, FALSE, sizeof (SdChartPoint));
  self->smoothed = g_array_new (FALSE, FALSE, sizeof (SdChartPoint));
  return self;
}

void
sd_chart_series_free (SdChartSeries *self)
{
  if (self == NULL)
    return;
  g_free (self->id);
  g_free (self->label);
  g_array_unref (self->points);
  g_array_unref (self->smoothed);
  g_free (self);
}

const char *
sd_chart_series_get_id (SdChartSeries *self)
{
  return self->id;
}

const char *
sd_chart_series_get_label (SdChartSeries *self)
{
  return self->label;
}

static void
reset_smoothed (SdChartSeries *self)
{
  g_array_set_size (self->smoothed, 0);
  self->ema_last = 0;
  self->ema_count = 0;
}

void
sd_chart_series_append (SdChartSeries *self,
                        double         x,
                        double         y)
{
  SdChartPoint p = { x, y };

  g_return_if_fail (self != NULL);

  if (!isfinite (x))
    return;
  if (self->points->len > 0 &&
      x < g_array_index (self->points, SdChartPoint, self->points->len - 1).x)
    {
      self->unsorted = TRUE;
      reset_smoothed (self);
    }
  g_array_append_val (self->points, p);
}

void
sd_chart_series_clear (SdChartSeries *self)
{
  g_array_set_size (self->points, 0);
  self->unsorted = FALSE;
  reset_smoothed (self);
}

guint
sd_chart_series_get_length (SdChartSeries *self)
{
  return self->points->len;
}

static int
compare_x (gconstpointer a,
           gconstpointer b)
{
  const SdChartPoint *pa = a, *pb = b;

  return (pa->x > pb->x) - (pa->x < pb->x);
}

static void
ensure_sorted (SdChartSeries *self)
{
  if (!self->unsorted)
    return;
  g_array_sort (self->points, compare_x);
  self->unsorted = FALSE;
  reset_smoothed (self);
}

const SdChartPoint *
sd_chart_series_get_points (SdChartSeries *self,
                            guint         *n_points)
{
  ensure_sorted (self);
  if (n_points)
    *n_points = self->points->len;
  return (const SdChartPoint *) self->points->data;
}

void
sd_chart_series_set_smoothing (SdChartSeries *self,
                               double         weight)
{
  if (!(weight > 0))
    weight = 0;
  weight = MIN (weight, MAX_SMOOTHING);
  if (weight == self->weight)
    return;
  self->weight = weight;
  reset_smoothed (self);
}

double
sd_chart_series_get_smoothing (SdChartSeries *self)
{
  return self->weight;
}

/* One EMA step; returns the debiased value for @y. Dividing by 1 - w^k (k finite values so
 * far) undoes the pull towards the zero the average starts from. */
static inline double
ema_step (double   *last,
          guint64  *count,
          double    weight,
          double    y)
{
  if (!isfinite (y))
    return y;
  *last = *last * weight + (1 - weight) * y;
  (*count)++;
  if (weight == 0)
    return *last;
  return *last / (1 - pow (weight, (double) *count));
}

const SdChartPoint *
sd_chart_series_get_smoothed (SdChartSeries *self,
                              guint         *n_points)
{
  ensure_sorted (self);
  for (guint i = self->smoothed->len; i < self->points->len; i++)
    {
      SdChartPoint p = g_array_index (self->points, SdChartPoint, i);

      p.y = ema_step (&self->ema_last, &self->ema_count, self->weight, p.y);
      g_array_append_val (self->smoothed, p);
    }
  if (n_points)
    *n_points = self->smoothed->len;
  return (const SdChartPoint *) self->smoothed->data;
}

void
sd_chart_ema (const double *y,
              gsize         n,
              double        weight,
              double       *out)
{
  double last = 0;
  guint64 count = 0;

  if (!(weight > 0))
    weight = 0;
  weight = MIN (weight, MAX_SMOOTHING);
  for (gsize i = 0; i < n; i++)
    out[i] = ema_step (&last, &count, weight, y[i]);
}

gboolean
sd_chart_series_get_bounds (SdChartSeries *self,
                            gboolean       smoothed,
                            gboolean       positive_y,
                            double         x_lo,
                            double         x_hi,
                            double        *x_min,
                            double        *x_max,
                            double        *y_min,
                            double        *y_max)
{
  const SdChartPoint *pts;
  guint n;
  gsize start;
  gboolean any = FALSE;
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;

  pts = smoothed ? sd_chart_series_get_smoothed (self, &n) : sd_chart_series_get_points (self, &n);
  start = isfinite (x_lo) ? sd_chart_lower_bound (pts, n, x_lo) : 0;
  for (gsize i = start; i < n && pts[i].x <= x_hi; i++)
    {
      double y = pts[i].y;

      if (!isfinite (y) || (positive_y && y <= 0))
        continue;
      any = TRUE;
      x0 = MIN (x0, pts[i].x);
      x1 = MAX (x1, pts[i].x);
      y0 = MIN (y0, y);
      y1 = MAX (y1, y);
    }
  if (x_min) *x_min = x0;
  if (x_max) *x_max = x1;
  if (y_min) *y_min = y0;
  if (y_max) *y_max = y1;
  return any;
}

gsize
sd_chart_lower_bound (const SdChartPoint *points,
                      gsize               n_points,
                      double              x)
{
  gsize lo = 0, hi = n_points;

  while (lo < hi)
    {
      gsize mid = lo + (hi - lo) / 2;

      if (points[mid].x < x)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

gssize
sd_chart_series_nearest (SdChartSeries *self,
                         double         x)
{
  const SdChartPoint *pts;
  guint n;
  gsize i;

  pts = sd_chart_series_get_points (self, &n);
  if (n == 0 || isnan (x))
    return -1;
  i = sd_chart_lower_bound (pts, n, x);
  if (i == n)
    return (gssize) n - 1;
  if (i > 0 && x - pts[i - 1].x <= pts[i].x - x)
    return (gssize) i - 1;
  return (gssize) i;
}

typedef struct {
  gssize first, min, max, last;
} Column;

static void
flush_column (GArray             *out,
              const SdChartPoint *points,
              Column             *col)
{
  gssize idx[4] = { col->first, col->min, col->max, col->last };

  if (col->first < 0)
    return;
  /* Emit in x order without repeats: first <= min, max <= last, min and max either way. */
  if (idx[1] > idx[2])
    {
      gssize t = idx[1];
      idx[1] = idx[2];
      idx[2] = t;
    }
  for (guint k = 0; k < 4; k++)
    if (k == 0 || idx[k] != idx[k - 1])
      g_array_append_val (out, points[idx[k]]);
  col->first = col->min = col->max = col->last = -1;
}

GArray *
sd_chart_decimate (const SdChartPoint *points,
                   gsize               n_points,
                   const SdChartScale *x_scale)
{
  GArray *out = g_array_new (FALSE, FALSE, sizeof (SdChartPoint));
  double lo_x = MIN (x_scale->d0, x_scale->d1);
  double hi_x = MAX (x_scale->d0, x_scale->d1);
  gsize start, end;
  Column col = { -1, -1, -1, -1 };
  double col_px = NAN;

  if (n_points == 0)
    return out;

  start = sd_chart_lower_bound (points, n_points, lo_x);
  end = start;
  while (end < n_points && points[end].x <= hi_x)
    end++;
  if (start > 0)
    start--;
  if (end < n_points)
    end++;

  for (gsize i = start; i < end; i++)
    {
      double px = floor (sd_chart_scale_to_pixel (x_scale, points[i].x));
      double y = points[i].y;

      if (!isfinite (y))
        {
          flush_column (out, points, &col);
          g_array_append_val (out, points[i]);
          continue;
        }
      if (px != col_px || col.first < 0)
        {
          flush_column (out, points, &col);
          col_px = px;
          col.first = col.min = col.max = col.last = (gssize) i;
          continue;
        }
      col.last = (gssize) i;
      if (y < points[col.min].y)
        col.min = (gssize) i;
      if (y > points[col.max].y)
        col.max = (gssize) i;
    }
  flush_column (out, points, &col);
  return out;
}

gssize
sd_chart_nearest_point (const double       *x,
                        const double       *y,
                        gsize               n,
                        const SdChartScale *x_scale,
                        const SdChartScale *y_scale,
                        double              px,
                        double              py,
                        double              max_dist)
{
  gssize best = -1;
  double best_d2 = max_dist * max_dist;

  for (gsize i = 0; i < n; i++)
    {
      double dx = sd_chart_scale_to_pixel (x_scale, x[i]) - px;
      double dy = sd_chart_scale_to_pixel (y_scale, y[i]) - py;
      double d2 = dx * dx + dy * dy;

      /* NAN distances (unplaceable points) never compare as nearer. */
      if (d2 <= best_d2)
        {
          best_d2 = d2;
          best = (gssize) i;
        }
    }
  return best;
}
