/* sd-chart-data.h — one series of (x, y) points for a chart, appended live
 *
 * Points are kept sorted by x (appends in order cost O(1); an append out of order marks the
 * series for one sort before the next read). The series also keeps its EMA-smoothed copy
 * (TensorBoard's smoothing, debiased so the start of the curve is not pulled towards zero),
 * updated incrementally while points arrive in order. Decimation and nearest-point lookup
 * are what a widget needs to draw 100k points at the cost of a few thousand.
 */
#pragma once

#include <glib.h>

#include "sd-chart-scale.h"

G_BEGIN_DECLS

typedef struct {
  double x, y;
} SdChartPoint;

typedef struct _SdChartSeries SdChartSeries;

SdChartSeries      *sd_chart_series_new            (const char     *id,
                                                    const char     *label);
void                sd_chart_series_free           (SdChartSeries  *self);
const char         *sd_chart_series_get_id         (SdChartSeries  *self);
const char         *sd_chart_series_get_label      (SdChartSeries  *self);

/* Non-finite x is ignored; a non-finite y (a diverged loss) is kept and shows as a gap. */
void                sd_chart_series_append         (SdChartSeries  *self,
                                                    double          x,
                                                    double          y);
void                sd_chart_series_clear          (SdChartSeries  *self);
guint               sd_chart_series_get_length     (SdChartSeries  *self);
/* Sorted by x; valid until the next append or clear. */
const SdChartPoint *sd_chart_series_get_points     (SdChartSeries  *self,
                                                    guint          *n_points);

/* EMA weight in [0, 1) (values >= 1 are clamped just below); 0 means no smoothing. */
void                sd_chart_series_set_smoothing  (SdChartSeries  *self,
                                                    double          weight);
double              sd_chart_series_get_smoothing  (SdChartSeries  *self);
/* The smoothed points, same x as get_points(); valid until the next append, clear or
 * set_smoothing. */
const SdChartPoint *sd_chart_series_get_smoothed   (SdChartSeries  *self,
                                                    guint          *n_points);

/* Bounds of the finite points (for a log axis pass @positive_y to skip y <= 0). Points
 * outside [@x_lo, @x_hi] are skipped (pass -inf/+inf for all). FALSE when none qualify. */
gboolean            sd_chart_series_get_bounds     (SdChartSeries  *self,
                                                    gboolean        smoothed,
                                                    gboolean        positive_y,
                                                    double          x_lo,
                                                    double          x_hi,
                                                    double         *x_min,
                                                    double         *x_max,
                                                    double         *y_min,
                                                    double         *y_max);

/* Index of the point whose x is nearest @x (ties go to the earlier point); -1 when empty. */
gssize              sd_chart_series_nearest        (SdChartSeries  *self,
                                                    double          x);

/* The debiased exponential moving average of @y into @out (may alias @y). Non-finite
 * inputs are passed through and do not disturb the average. */
void                sd_chart_ema                   (const double   *y,
                                                    gsize           n,
                                                    double          weight,
                                                    double         *out);

/* Reduces sorted @points to what @x_scale can show: for each whole pixel column the first,
 * lowest, highest and last point (in x order), plus the nearest point just outside either
 * edge so lines run off the plot. Points with a non-finite y stay, so gaps stay gaps.
 * Returns an array of SdChartPoint. */
GArray             *sd_chart_decimate              (const SdChartPoint *points,
                                                    gsize               n_points,
                                                    const SdChartScale *x_scale);

/* Index of the first point with x >= @x in sorted @points (n_points when none). */
gsize               sd_chart_lower_bound           (const SdChartPoint *points,
                                                    gsize               n_points,
                                                    double              x);

/* Index of the point of (@x[i], @y[i]) drawn nearest pixel (@px, @py) by the two scales,
 * if within @max_dist pixels; -1 otherwise. For scatter plots (a linear scan: fine for the
 * tens of thousands of points a scatter can show legibly). */
gssize              sd_chart_nearest_point         (const double       *x,
                                                    const double       *y,
                                                    gsize               n,
                                                    const SdChartScale *x_scale,
                                                    const SdChartScale *y_scale,
                                                    double              px,
                                                    double              py,
                                                    double              max_dist);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdChartSeries, sd_chart_series_free)

G_END_DECLS
