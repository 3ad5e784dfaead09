/* sd-chart-scale.h — axes for Shopdesk's charts: data ↔ pixel transforms, zoom and pan,
 * "nice" ticks and their labels
 *
 * A scale maps a data interval (the domain) onto a pixel interval (the range). Linear scales
 * tick at 1-2-5 steps; log scales tick at decades (and at 2 and 5 within a decade when few
 * decades show). Zoom and pan work in the transformed space, so a log axis zooms evenly.
 * Plain value type, no GTK: the chart widgets only draw what this computes.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  SD_CHART_SCALE_LINEAR,
  SD_CHART_SCALE_LOG,
  SD_CHART_SCALE_TIME,   /* linear over unix seconds, ticked on calendar dates (sd-chart-time.h) */
} SdChartScaleKind;

typedef struct {
  SdChartScaleKind kind;
  double           d0, d1;   /* domain, d0 < d1; both > 0 for a log scale */
  double           r0, r1;   /* pixel range; r0 > r1 for a y axis that grows upwards */
} SdChartScale;

typedef struct {
  double value;
  char   label[32];
} SdChartTick;

/* Sets up @self; a domain that is empty, reversed, not finite or (for log) not positive is
 * repaired to something drawable rather than refused. */
void     sd_chart_scale_init        (SdChartScale     *self,
                                     SdChartScaleKind  kind,
                                     double            d0,
                                     double            d1,
                                     double            r0,
                                     double            r1);
void     sd_chart_scale_set_range   (SdChartScale     *self,
                                     double            r0,
                                     double            r1);

/* Pixel of data value @v; NAN for v <= 0 on a log scale (callers break the line there). */
double   sd_chart_scale_to_pixel    (const SdChartScale *self,
                                     double              v);
double   sd_chart_scale_from_pixel  (const SdChartScale *self,
                                     double              px);

/* Zooms by @factor (< 1 zooms in) keeping the data value under @anchor_px in place. */
void     sd_chart_scale_zoom        (SdChartScale     *self,
                                     double            factor,
                                     double            anchor_px);
/* Moves the view so that content follows a drag of @dpx pixels. */
void     sd_chart_scale_pan         (SdChartScale     *self,
                                     double            dpx);

/* A padded domain for data spanning [@min, @max] (for log: the positive part of the data;
 * pass min = +inf when there is none). Always returns a drawable domain. */
void     sd_chart_scale_fit         (SdChartScaleKind  kind,
                                     double            min,
                                     double            max,
                                     double           *d0,
                                     double           *d1);

/* 1, 2 or 5 times a power of ten, so that @span holds at most about @max_ticks steps. */
double   sd_chart_nice_step         (double            span,
                                     guint             max_ticks);

/* Ticks inside the domain, at most about @max_ticks of them (at least 2 are asked for).
 * Returns an array of SdChartTick with their labels filled in. */
GArray  *sd_chart_scale_ticks       (const SdChartScale *self,
                                     guint               max_ticks);

/* Like sd_chart_scale_ticks() on a linear scale, but only at whole numbers (an axis of
 * epochs or counts), steps of 1, 2, 5, 10 …; none when the domain holds no whole number. */
GArray  *sd_chart_scale_integer_ticks (const SdChartScale *self,
                                       guint               max_ticks);

/* Tick label for @v on an axis whose ticks are @step apart: "0", "0.25", "1.5k", "20M",
 * "1e-05"; never "-0". */
char    *sd_chart_format_tick       (double            v,
                                     double            step);
/* A value for a tooltip or an accessible description: 4 significant digits, k/M suffixes. */
char    *sd_chart_format_value      (double            v);

G_END_DECLS
