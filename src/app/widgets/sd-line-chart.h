/* sd-line-chart.h — a line chart of several named series, for loss curves and rates
 *
 * Axes with ticks and titles, a legend, a hover tooltip with the nearest values, an optional
 * log y axis, TensorBoard-style EMA smoothing (the raw series stays faint underneath),
 * scroll to zoom the x axis at the pointer (Shift+scroll: the y axis), drag to pan, double
 * click to reset, and PNG/SVG export. Series may hold 100k points: drawing decimates to
 * the pixel columns on screen. Points are appended live; the chart redraws itself.
 */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define SD_TYPE_LINE_CHART (sd_line_chart_get_type ())
G_DECLARE_FINAL_TYPE (SdLineChart, sd_line_chart, SD, LINE_CHART, GtkWidget)

GtkWidget  *sd_line_chart_new              (void);

/* Adds a series and returns its index (stable until sd_line_chart_clear). An @id already
 * present returns the existing series. Colours follow the order of addition. */
guint       sd_line_chart_add_series       (SdLineChart  *self,
                                            const char   *id,
                                            const char   *label);
/* Index of the series called @id, or -1. */
int         sd_line_chart_find_series      (SdLineChart  *self,
                                            const char   *id);
guint       sd_line_chart_get_n_series     (SdLineChart  *self);
void        sd_line_chart_append           (SdLineChart  *self,
                                            guint         series,
                                            double        x,
                                            double        y);
/* For a series drawn relative to something (a loss divided by its first epoch's): the
 * plotted y times @scale is the raw value, which the hover shows beside it. 0: y is raw. */
void        sd_line_chart_set_series_raw_scale (SdLineChart *self,
                                            guint         series,
                                            double        scale);
/* A labelled dashed vertical line at @x (a phase that starts there); cleared with the series. */
void        sd_line_chart_add_marker       (SdLineChart  *self,
                                            double        x,
                                            const char   *label);
guint       sd_line_chart_get_n_markers    (SdLineChart  *self);
/* Drops the points of one series, keeping it (and its colour). */
void        sd_line_chart_clear_series     (SdLineChart  *self,
                                            guint         series);
/* Drops every series. */
void        sd_line_chart_clear            (SdLineChart  *self);

void        sd_line_chart_set_axis_titles  (SdLineChart  *self,
                                            const char   *x_title,
                                            const char   *y_title);

/* Property "log-scale": a log y axis (values <= 0 leave gaps). */
void        sd_line_chart_set_log_scale    (SdLineChart  *self,
                                            gboolean      log_scale);
gboolean    sd_line_chart_get_log_scale    (SdLineChart  *self);
/* An x axis of whole numbers (epochs): ticks only on them, never "1.5". */
void        sd_line_chart_set_x_integer    (SdLineChart  *self,
                                            gboolean      x_integer);
/* Property "smoothing": EMA weight 0..0.99; 0 draws the raw series only. */
void        sd_line_chart_set_smoothing    (SdLineChart  *self,
                                            double        smoothing);
double      sd_line_chart_get_smoothing    (SdLineChart  *self);

/* Back to showing all data (what a double click does). Property "zoomed" tells whether the
 * view is anything else. */
void        sd_line_chart_reset_view       (SdLineChart  *self);
gboolean    sd_line_chart_get_zoomed       (SdLineChart  *self);
/* Whether some series has a point ("has-data", notified). */
gboolean    sd_line_chart_get_has_data     (SdLineChart  *self);
/* The x interval on show (zoomed or not). */
void        sd_line_chart_get_x_view       (SdLineChart  *self,
                                            double       *x0,
                                            double       *x1);
/* Zooms the x axis by @factor (< 1 zooms in) around the centre: for keyboard and tests. */
void        sd_line_chart_zoom             (SdLineChart  *self,
                                            double        factor);

/* The summary also set as the accessible description, e.g.
 * "loss: last 0.231 at epoch 20, min 0.228 at epoch 19". */
const char *sd_line_chart_get_description  (SdLineChart  *self);

/* Draws the chart at @width × @height into a PNG or an SVG file. */
gboolean    sd_line_chart_export_png       (SdLineChart  *self,
                                            const char   *path,
                                            int           width,
                                            int           height,
                                            GError      **error);
gboolean    sd_line_chart_export_svg       (SdLineChart  *self,
                                            const char   *path,
                                            int           width,
                                            int           height,
                                            GError      **error);

G_END_DECLS
