/* sd-chart-draw.h — drawing shared by Shopdesk's chart widgets
 *
 * Not a widget: the theme colours a chart needs, a painter that sends fills to a GtkSnapshot
 * (as colour nodes) or to Cairo (for PNG/SVG export), and the frame every x/y chart has —
 * plot area, grid, axes, tick labels, axis titles and a legend — laid out so labels neither
 * clip nor overlap.
 */
#pragma once

#include <gtk/gtk.h>

#include "sd-chart-scale.h"

G_BEGIN_DECLS

#define SD_CHART_PALETTE_SIZE 12

typedef struct {
  GdkRGBA  fg;          /* text */
  GdkRGBA  bg;          /* what the chart sits on, for exports and for blending */
  GdkRGBA  grid;
  GdkRGBA  axis;
  GdkRGBA  muted;       /* tick labels */
  GdkRGBA  palette[SD_CHART_PALETTE_SIZE];   /* [0] is the accent */
  gboolean dark;
} SdChartColors;

/* Looks the colours up from @widget's style (accent and libadwaita's named palette), picking
 * shades that read on light or dark backgrounds. */
void       sd_chart_colors_lookup   (GtkWidget     *widget,
                                     SdChartColors *colors);

/* Fills go to @snapshot when set, else to @cr. */
typedef struct {
  GtkSnapshot *snapshot;
  cairo_t     *cr;
} SdChartPainter;

void       sd_chart_painter_fill    (SdChartPainter  *painter,
                                     const GdkRGBA   *color,
                                     double           x,
                                     double           y,
                                     double           width,
                                     double           height);
/* The Cairo context lines and text go to: a new cairo node over @width × @height when
 * painting to a snapshot (free with cairo_destroy), else a new reference to painter->cr. */
cairo_t   *sd_chart_painter_begin   (SdChartPainter  *painter,
                                     double           width,
                                     double           height);

/* A layout in @widget's font, smaller for tick labels when @small. */
PangoLayout *sd_chart_create_layout (GtkWidget       *widget,
                                     gboolean         small);

/* Sets @text on @layout to fit @max_width pixels: a wider text is broken after its list
 * separators (、，, · /), as many pieces on a line as fit, since Chinese has no spaces and
 * Pango would otherwise split a word ("家居装|饰"); a piece too wide alone, or a text without
 * a separator, wraps as Pango does. */
void       sd_chart_layout_set_wrapped_text (PangoLayout *layout,
                                             const char  *text,
                                             int          max_width);

/* Whether each word of @text (split at spaces) is at most @max_width pixels wide in
 * @layout, so wrapping it breaks no word ("Champio-ns"); sets @text on @layout. */
gboolean   sd_chart_words_fit (PangoLayout *layout,
                               const char  *text,
                               int          max_width);

/* Sets @text on @layout wrapped to @max_width pixels, its font made smaller step by step
 * (to at most @min_scale of its size) until no line breaks inside a word ("Champio-ns";
 * Chinese may break between any two characters) and none is left out (the layout's
 * wrapping, height and ellipsizing are the caller's). Whether it fits. */
gboolean   sd_chart_fit_wrapped (PangoLayout *layout,
                                 const char  *text,
                                 int          max_width,
                                 double       min_scale);

/* Narrows @layout's width (set, with its text) as far as it keeps as many lines, none left
 * out and none broken inside a word, so wrapped lines come out even: "忠实/客户", not
 * "忠实客/户" (Chinese breaks where the line is full). The width it keeps, in pixels. */
int        sd_chart_balance_lines (PangoLayout *layout);

typedef struct {
  const char    *label;
  const GdkRGBA *color;
} SdChartLegendEntry;

typedef struct {
  double           width, height;     /* the whole chart */
  graphene_rect_t  plot;
  double           legend_height;
  SdChartScale     x, y;              /* domains as given, ranges set to the plot */
  GArray          *x_ticks, *y_ticks; /* SdChartTick */
  const char      *x_title, *y_title;
  /* Set before the layout for x ticks of the chart's own, at most about @max_ticks (a bar
   * chart's labels under its bars' middles); the bars then mark the x axis, and no vertical
   * grid lines are drawn. NULL: the x scale's ticks. */
  GArray         *(*x_ticks_func) (const SdChartScale *x,
                                   guint               max_ticks,
                                   gpointer            data);
  gpointer         x_ticks_data;
  /* Set before the layout to relabel each y tick (money ticks take the currency's symbol,
   * "£150万"); NULL: the scale's labels as they are. */
  void            (*y_label_func) (SdChartTick *tick,
                                   gpointer     data);
  gpointer         y_label_data;
  /* Set before the layout for axes without ticks, grid or numbers: coordinates without a
   * unit (a neighbour-preserving map, where only nearness means something). */
  gboolean         no_ticks;
  /* Set before the layout for an x axis of whole numbers (epochs): ticks only on them. */
  gboolean         x_integer;
} SdChartFrame;

/* Lays out a frame of @width × @height: legend on top (its entries wrap), y tick labels and
 * title on the left, x tick labels and title below. The domains of @x and @y are kept. */
void       sd_chart_frame_layout    (SdChartFrame             *frame,
                                     GtkWidget                *widget,
                                     double                    width,
                                     double                    height,
                                     const SdChartScale       *x,
                                     const SdChartScale       *y,
                                     const char               *x_title,
                                     const char               *y_title,
                                     const SdChartLegendEntry *legend,
                                     guint                     n_legend);
void       sd_chart_frame_clear     (SdChartFrame             *frame);

/* Legend swatches (fills). */
void       sd_chart_frame_paint_legend_swatches (SdChartFrame             *frame,
                                                 GtkWidget                *widget,
                                                 SdChartPainter           *painter,
                                                 const SdChartLegendEntry *legend,
                                                 guint                     n_legend);
/* Grid, axes, tick labels, titles and legend text. */
void       sd_chart_frame_draw      (SdChartFrame             *frame,
                                     GtkWidget                *widget,
                                     cairo_t                  *cr,
                                     const SdChartColors      *colors,
                                     const SdChartLegendEntry *legend,
                                     guint                     n_legend);

/* Writes a PNG or SVG of what @draw paints at @width × @height (background filled with
 * colors->bg first). The error names the file and the reason. */
typedef void (*SdChartDrawFunc) (GtkWidget      *widget,
                                 SdChartPainter *painter,
                                 double          width,
                                 double          height);
gboolean   sd_chart_export          (GtkWidget                *widget,
                                     SdChartDrawFunc           draw,
                                     const char               *path,
                                     gboolean                  svg,
                                     int                       width,
                                     int                       height,
                                     GError                  **error);

void       sd_chart_set_source_rgba (cairo_t                  *cr,
                                     const GdkRGBA            *color,
                                     double                    alpha_factor);

G_END_DECLS
