/* sd-line-chart.c — line chart widget: draws SdChartSeries through an SdChartFrame */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>

#include "sd-chart-data.h"
#include "sd-chart-draw.h"
#include "sd-line-chart.h"

#define ZOOM_STEP 1.15
#define HOVER_RADIUS 4.0

typedef struct {
  SdChartSeries *data;
  guint          color;
  /* Kept as points arrive so the description costs O(1) per append. */
  gboolean       has_last;
  double         last_x, last_y;
  double         min_x, min_y;
  double         raw_scale;   /* the plotted y times this is the raw value; 0: y is raw */
} Series;

typedef struct {
  double  x;
  char   *label;
} Marker;

static void
marker_clear (gpointer data)
{
  g_free (((Marker *) data)->label);
}

struct _SdLineChart
{
  GtkWidget     parent_instance;

  GPtrArray    *series;        /* Series */
  GArray       *markers;       /* Marker: labelled vertical lines */
  guint         next_color;
  char         *x_title;
  char         *y_title;
  gboolean      log_scale;
  gboolean      x_integer;
  double        smoothing;

  /* A user view: when x is fixed, y re-fits to the visible x range unless fixed too. */
  gboolean      x_fixed, y_fixed;
  double        vx0, vx1, vy0, vy1;
  gboolean      follow_end;   /* a zoomed view at the newest x keeps following it */
  gboolean      has_data;     /* a point in some series: what the controls need to act on */

  SdChartFrame  frame;         /* as last drawn on screen, for hit testing */
  gboolean      has_frame;

  gboolean      hover;
  double        hover_px, hover_py;
  SdChartScale  drag_x, drag_y;
  gboolean      dragging;

  char         *description;
  gboolean      description_dirty;
  guint         description_idle;
};

G_DEFINE_FINAL_TYPE (SdLineChart, sd_line_chart, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_LOG_SCALE,
  PROP_SMOOTHING,
  PROP_ZOOMED,
  PROP_HAS_DATA,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
series_free (gpointer data)
{
  Series *s = data;

  sd_chart_series_free (s->data);
  g_free (s);
}

static Series *
get_series (SdLineChart *self,
            guint        index)
{
  g_return_val_if_fail (index < self->series->len, NULL);
  return g_ptr_array_index (self->series, index);
}

/* ---- description ---------------------------------------------------------------------- */

static void
rebuild_description (SdLineChart *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  const char *xname = self->x_title && *self->x_title ? self->x_title : "x";

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      const char *label = sd_chart_series_get_label (s->data);

      if (text->len > 0)
        g_string_append (text, "; ");
      if (!s->has_last)
        {
          g_string_append_printf (text, _("%s: no data"), label);
          continue;
        }
      {
        g_autofree char *last = sd_chart_format_value (s->last_y);
        g_autofree char *last_x = sd_chart_format_value (s->last_x);
        g_autofree char *min = sd_chart_format_value (s->min_y);
        g_autofree char *min_x = sd_chart_format_value (s->min_x);

        /* Translators: "loss: last 0.231 at epoch 20, min 0.228 at epoch 19" */
        g_string_append_printf (text, _("%s: last %s at %s %s, min %s at %s %s"),
                                label, last, xname, last_x, min, xname, min_x);
      }
    }
  if (text->len == 0)
    g_string_append (text, _("Empty chart"));

  g_free (self->description);
  self->description = g_string_free (g_steal_pointer (&text), FALSE);
  self->description_dirty = FALSE;
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description,
                                  -1);
}

static gboolean
description_idle_cb (gpointer data)
{
  SdLineChart *self = data;

  self->description_idle = 0;
  if (self->description_dirty)
    rebuild_description (self);
  return G_SOURCE_REMOVE;
}

/* Many appends in a row (a fast import) update the accessible text once. */
static void
description_changed (SdLineChart *self)
{
  gboolean has_data = FALSE;

  /* every change to the series comes through here */
  for (guint i = 0; i < self->series->len && !has_data; i++)
    has_data = sd_chart_series_get_length (((Series *) g_ptr_array_index (self->series, i))->data) > 0;
  if (has_data != self->has_data)
    {
      self->has_data = has_data;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_DATA]);
    }
  self->description_dirty = TRUE;
  if (self->description_idle == 0)
    self->description_idle = g_idle_add_full (G_PRIORITY_LOW, description_idle_cb, self, NULL);
}

static void
recompute_stats (Series *s)
{
  const SdChartPoint *pts;
  guint n;

  s->has_last = FALSE;
  s->min_y = INFINITY;
  pts = sd_chart_series_get_points (s->data, &n);
  for (guint i = 0; i < n; i++)
    if (isfinite (pts[i].y) && pts[i].y < s->min_y)
      {
        s->min_y = pts[i].y;
        s->min_x = pts[i].x;
      }
  if (n > 0)
    {
      s->has_last = TRUE;
      s->last_x = pts[n - 1].x;
      s->last_y = pts[n - 1].y;
    }
}

/* ---- view ----------------------------------------------------------------------------- */

static void
set_zoomed (SdLineChart *self,
            gboolean     x_fixed,
            gboolean     y_fixed)
{
  gboolean was = self->x_fixed || self->y_fixed;

  self->x_fixed = x_fixed;
  self->y_fixed = y_fixed;
  if (was != (x_fixed || y_fixed))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOMED]);
}

/* The x extent of every series' points. */
static gboolean
data_x_bounds (SdLineChart *self,
               double      *x0,
               double      *x1)
{
  *x0 = INFINITY;
  *x1 = -INFINITY;
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      double a, b;

      if (sd_chart_series_get_bounds (s->data, FALSE, FALSE, -INFINITY, INFINITY, &a, &b, NULL, NULL))
        {
          *x0 = MIN (*x0, a);
          *x1 = MAX (*x1, b);
        }
    }
  return *x0 <= *x1;
}

/* After a zoom or a pan: the view never starts before the data (no negative epochs), and
 * a view that reaches the newest point follows the curve as training adds to it. */
static void
settle_x_view (SdLineChart *self)
{
  double a, b, width = self->vx1 - self->vx0;

  if (!data_x_bounds (self, &a, &b))
    return;
  if (self->vx0 < a)
    {
      self->vx0 = a;
      self->vx1 = a + width;
    }
  self->follow_end = self->vx1 >= b;
}

static void
compute_domains (SdLineChart  *self,
                 SdChartScale *xs,
                 SdChartScale *ys)
{
  SdChartScaleKind ykind = self->log_scale ? SD_CHART_SCALE_LOG : SD_CHART_SCALE_LINEAR;
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY;
  double d0, d1;

  if (self->x_fixed)
    {
      double a, b;

      if (self->follow_end && data_x_bounds (self, &a, &b) && b > self->vx1)
        {
          self->vx0 += b - self->vx1;
          self->vx1 = b;
        }
      x0 = self->vx0;
      x1 = self->vx1;
    }
  else
    for (guint i = 0; i < self->series->len; i++)
      {
        Series *s = g_ptr_array_index (self->series, i);
        double a, b;

        if (sd_chart_series_get_bounds (s->data, FALSE, FALSE, -INFINITY, INFINITY, &a, &b, NULL, NULL))
          {
            x0 = MIN (x0, a);
            x1 = MAX (x1, b);
          }
      }
  if (x1 > x0 && isfinite (x0) && isfinite (x1))
    sd_chart_scale_init (xs, SD_CHART_SCALE_LINEAR, x0, x1, 0, 1);
  else
    {
      sd_chart_scale_fit (SD_CHART_SCALE_LINEAR, x0, x1, &d0, &d1);
      sd_chart_scale_init (xs, SD_CHART_SCALE_LINEAR, d0, d1, 0, 1);
    }

  if (self->y_fixed)
    {
      sd_chart_scale_init (ys, ykind, self->vy0, self->vy1, 1, 0);
      return;
    }
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      double a, b;

      if (sd_chart_series_get_bounds (s->data, FALSE, self->log_scale, xs->d0, xs->d1, NULL, NULL, &a, &b))
        {
          y0 = MIN (y0, a);
          y1 = MAX (y1, b);
        }
    }
  sd_chart_scale_fit (ykind, y0, y1, &d0, &d1);
  sd_chart_scale_init (ys, ykind, d0, d1, 1, 0);
}

/* ---- drawing -------------------------------------------------------------------------- */

static void
stroke_points (cairo_t            *cr,
               const SdChartPoint *pts,
               gsize               n,
               const SdChartScale *xs,
               const SdChartScale *ys)
{
  gboolean pen_down = FALSE;
  gsize run = 0;
  double lx = 0, ly = 0;

  for (gsize i = 0; i < n; i++)
    {
      double px = sd_chart_scale_to_pixel (xs, pts[i].x);
      double py = isfinite (pts[i].y) ? sd_chart_scale_to_pixel (ys, pts[i].y) : NAN;

      if (!isfinite (px) || !isfinite (py))
        {
          /* A lone point between gaps would not show as a line: give it a dot. */
          if (run == 1)
            {
              cairo_new_sub_path (cr);
              cairo_arc (cr, lx, ly, 1.5, 0, 2 * G_PI);
            }
          pen_down = FALSE;
          run = 0;
          continue;
        }
      /* Far-off points (deep zoom) would overflow Cairo's fixed point. */
      px = CLAMP (px, -1e6, 1e6);
      py = CLAMP (py, -1e6, 1e6);
      if (pen_down)
        cairo_line_to (cr, px, py);
      else
        cairo_move_to (cr, px, py);
      pen_down = TRUE;
      run++;
      lx = px;
      ly = py;
    }
  if (run == 1)
    {
      cairo_new_sub_path (cr);
      cairo_arc (cr, lx, ly, 1.5, 0, 2 * G_PI);
    }
  cairo_stroke (cr);
}

/* Many points per pixel column: a zigzag stroke costs Cairo tens of milliseconds for what
 * is, on screen, one vertical run per column. Fill those runs as rectangles a line wide
 * (each reaching back to where the previous column ended, so the band stays connected). */
static void
fill_columns (cairo_t            *cr,
              const SdChartPoint *pts,
              gsize               n,
              const SdChartScale *xs,
              const SdChartScale *ys,
              double              line_width)
{
  double col = NAN, lo = 0, hi = 0, prev_y = NAN;

  for (gsize i = 0; i <= n; i++)
    {
      double px = i < n ? floor (sd_chart_scale_to_pixel (xs, pts[i].x)) : NAN;
      double py = i < n && isfinite (pts[i].y) ? sd_chart_scale_to_pixel (ys, pts[i].y) : NAN;

      if (i == n || px != col || !isfinite (py))
        {
          if (isfinite (col))
            cairo_rectangle (cr, col - (line_width - 1) / 2, lo - line_width / 2,
                             line_width, hi - lo + line_width);
          if (i == n)
            break;
          if (!isfinite (py))
            {
              col = NAN;
              prev_y = NAN;
              continue;
            }
          col = px;
          lo = hi = py;
          if (isfinite (prev_y))
            {
              lo = MIN (lo, prev_y);
              hi = MAX (hi, prev_y);
            }
        }
      lo = MIN (lo, py);
      hi = MAX (hi, py);
      prev_y = py;
    }
  cairo_fill (cr);
}

static void
draw_line (cairo_t            *cr,
           const SdChartPoint *pts,
           gsize               n,
           gsize               n_visible_raw,
           const SdChartScale *xs,
           const SdChartScale *ys,
           double              line_width)
{
  if (n_visible_raw > 2 * fabs (xs->r1 - xs->r0))
    fill_columns (cr, pts, n, xs, ys, line_width);
  else
    {
      cairo_set_line_width (cr, line_width);
      stroke_points (cr, pts, n, xs, ys);
    }
}

/* Points of sorted @pts inside the scale's domain. */
static gsize
count_visible (const SdChartPoint *pts,
               gsize               n,
               const SdChartScale *xs)
{
  gsize a = sd_chart_lower_bound (pts, n, xs->d0);
  gsize b = sd_chart_lower_bound (pts, n, xs->d1);

  return b - a;
}

static void
draw_series (SdLineChart         *self,
             cairo_t             *cr,
             const SdChartFrame  *frame,
             const SdChartColors *colors)
{
  gboolean smoothed = self->smoothing > 0;

  cairo_save (cr);
  cairo_rectangle (cr, frame->plot.origin.x, frame->plot.origin.y,
                   frame->plot.size.width, frame->plot.size.height);
  cairo_clip (cr);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_BEVEL);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_BUTT);

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      const GdkRGBA *color = &colors->palette[s->color % SD_CHART_PALETTE_SIZE];
      const SdChartPoint *pts;
      guint n;
      g_autoptr(GArray) raw = NULL;

      gsize visible;

      pts = sd_chart_series_get_points (s->data, &n);
      visible = count_visible (pts, n, &frame->x);
      raw = sd_chart_decimate (pts, n, &frame->x);
      sd_chart_set_source_rgba (cr, color, smoothed ? 0.3 : 1.0);
      draw_line (cr, (SdChartPoint *) raw->data, raw->len, visible, &frame->x, &frame->y,
                 smoothed ? 1.0 : 2.0);

      if (smoothed)
        {
          g_autoptr(GArray) sm = NULL;

          pts = sd_chart_series_get_smoothed (s->data, &n);
          sm = sd_chart_decimate (pts, n, &frame->x);
          sd_chart_set_source_rgba (cr, color, 1.0);
          draw_line (cr, (SdChartPoint *) sm->data, sm->len, visible, &frame->x, &frame->y, 2.0);
        }
    }
  cairo_restore (cr);
}

/* The point of series @s nearest the pointer's x, as drawn (smoothed when smoothing). */
static gboolean
hover_point (SdLineChart        *self,
             Series             *s,
             const SdChartFrame *frame,
             double              px,
             SdChartPoint       *out,
             double             *raw_y)
{
  gssize idx = sd_chart_series_nearest (s->data, sd_chart_scale_from_pixel (&frame->x, px));
  const SdChartPoint *pts;

  if (idx < 0)
    return FALSE;
  pts = sd_chart_series_get_points (s->data, NULL);
  *out = pts[idx];
  if (raw_y)
    *raw_y = pts[idx].y;
  if (self->smoothing > 0)
    out->y = sd_chart_series_get_smoothed (s->data, NULL)[idx].y;
  return TRUE;
}

static void
draw_hover (SdLineChart         *self,
            cairo_t             *cr,
            const SdChartFrame  *frame,
            const SdChartColors *colors)
{
  double guide_x = NAN, best = INFINITY;

  if (!self->hover || self->dragging ||
      !graphene_rect_contains_point (&frame->plot, &GRAPHENE_POINT_INIT (self->hover_px, self->hover_py)))
    return;

  for (guint i = 0; i < self->series->len; i++)
    {
      SdChartPoint p;
      double px;

      if (!hover_point (self, g_ptr_array_index (self->series, i), frame, self->hover_px, &p, NULL))
        continue;
      px = sd_chart_scale_to_pixel (&frame->x, p.x);
      if (fabs (px - self->hover_px) < best)
        {
          best = fabs (px - self->hover_px);
          guide_x = px;
        }
    }
  if (!isfinite (guide_x))
    return;

  cairo_save (cr);
  cairo_rectangle (cr, frame->plot.origin.x - HOVER_RADIUS, frame->plot.origin.y - HOVER_RADIUS,
                   frame->plot.size.width + 2 * HOVER_RADIUS, frame->plot.size.height + 2 * HOVER_RADIUS);
  cairo_clip (cr);
  gdk_cairo_set_source_rgba (cr, &colors->axis);
  cairo_set_line_width (cr, 1);
  cairo_move_to (cr, round (guide_x) + 0.5, frame->plot.origin.y);
  cairo_line_to (cr, round (guide_x) + 0.5, frame->plot.origin.y + frame->plot.size.height);
  cairo_stroke (cr);

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      SdChartPoint p;
      double px, py;

      if (!hover_point (self, s, frame, self->hover_px, &p, NULL))
        continue;
      px = sd_chart_scale_to_pixel (&frame->x, p.x);
      py = isfinite (p.y) ? sd_chart_scale_to_pixel (&frame->y, p.y) : NAN;
      /* Every series marks its own nearest point: sparse validation points sit at other x. */
      if (!isfinite (px) || !isfinite (py))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, HOVER_RADIUS, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &colors->bg);
      cairo_fill_preserve (cr);
      sd_chart_set_source_rgba (cr, &colors->palette[s->color % SD_CHART_PALETTE_SIZE], 1.0);
      cairo_set_line_width (cr, 2);
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}

/* A dashed vertical line at each marker with its label at the top, inside the plot. */
static void
draw_markers (SdLineChart         *self,
              GtkWidget           *widget,
              cairo_t             *cr,
              const SdChartFrame  *frame,
              const SdChartColors *colors)
{
  const double dash[] = { 4, 3 };

  if (self->markers->len == 0)
    return;
  cairo_save (cr);
  cairo_rectangle (cr, frame->plot.origin.x, frame->plot.origin.y, frame->plot.size.width, frame->plot.size.height);
  cairo_clip (cr);
  for (guint i = 0; i < self->markers->len; i++)
    {
      Marker *m = &g_array_index (self->markers, Marker, i);
      double px = round (sd_chart_scale_to_pixel (&frame->x, m->x)) + 0.5;
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, m->label);
      int tw, th;

      if (px < frame->plot.origin.x || px > frame->plot.origin.x + frame->plot.size.width)
        continue;
      gdk_cairo_set_source_rgba (cr, &colors->muted);
      cairo_set_line_width (cr, 1);
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
      cairo_move_to (cr, px, frame->plot.origin.y);
      cairo_line_to (cr, px, frame->plot.origin.y + frame->plot.size.height);
      cairo_stroke (cr);
      pango_layout_get_pixel_size (layout, &tw, &th);
      gdk_cairo_set_source_rgba (cr, &colors->fg);
      /* Right of the line, unless that runs out of the plot. */
      cairo_move_to (cr, px + 4 + tw > frame->plot.origin.x + frame->plot.size.width ? px - 4 - tw : px + 4,
                     frame->plot.origin.y + 2);
      pango_cairo_show_layout (cr, layout);
    }
  cairo_restore (cr);
}

static void
draw_chart (SdLineChart    *self,
            SdChartPainter *painter,
            double          width,
            double          height,
            SdChartFrame   *frame)
{
  GtkWidget *widget = GTK_WIDGET (self);
  SdChartColors colors;
  SdChartScale xs, ys;
  g_autofree SdChartLegendEntry *legend = g_new0 (SdChartLegendEntry, MAX (1, self->series->len));
  cairo_t *cr;

  sd_chart_colors_lookup (widget, &colors);
  compute_domains (self, &xs, &ys);
  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);

      legend[i].label = sd_chart_series_get_label (s->data);
      legend[i].color = &colors.palette[s->color % SD_CHART_PALETTE_SIZE];
    }

  frame->x_integer = self->x_integer;
  /* One series explains itself through the y title; a legend starts to pay at two. */
  sd_chart_frame_layout (frame, widget, width, height, &xs, &ys, self->x_title, self->y_title,
                         legend, self->series->len > 1 ? self->series->len : 0);
  sd_chart_frame_paint_legend_swatches (frame, widget, painter, legend,
                                        self->series->len > 1 ? self->series->len : 0);

  cr = sd_chart_painter_begin (painter, width, height);
  sd_chart_frame_draw (frame, widget, cr, &colors, legend,
                       self->series->len > 1 ? self->series->len : 0);
  draw_series (self, cr, frame, &colors);
  draw_markers (self, widget, cr, frame, &colors);
  if (painter->snapshot)
    draw_hover (self, cr, frame, &colors);
  cairo_destroy (cr);
}

static void
sd_line_chart_snapshot (GtkWidget   *widget,
                        GtkSnapshot *snapshot)
{
  SdLineChart *self = SD_LINE_CHART (widget);
  SdChartPainter painter = { .snapshot = snapshot };
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);

  if (width < 8 || height < 8)
    return;
  draw_chart (self, &painter, width, height, &self->frame);
  self->has_frame = TRUE;
}

static void
export_draw (GtkWidget      *widget,
             SdChartPainter *painter,
             double          width,
             double          height)
{
  SdChartFrame frame = { 0 };

  draw_chart (SD_LINE_CHART (widget), painter, width, height, &frame);
  sd_chart_frame_clear (&frame);
}

gboolean
sd_line_chart_export_png (SdLineChart  *self,
                          const char   *path,
                          int           width,
                          int           height,
                          GError      **error)
{
  g_return_val_if_fail (SD_IS_LINE_CHART (self), FALSE);
  return sd_chart_export (GTK_WIDGET (self), export_draw, path, FALSE, width, height, error);
}

gboolean
sd_line_chart_export_svg (SdLineChart  *self,
                          const char   *path,
                          int           width,
                          int           height,
                          GError      **error)
{
  g_return_val_if_fail (SD_IS_LINE_CHART (self), FALSE);
  return sd_chart_export (GTK_WIDGET (self), export_draw, path, TRUE, width, height, error);
}

static void
sd_line_chart_measure (GtkWidget      *widget,
                       GtkOrientation  orientation,
                       int             for_size,
                       int            *minimum,
                       int            *natural,
                       int            *minimum_baseline,
                       int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 280;
}

/* ---- input ---------------------------------------------------------------------------- */

static gboolean
query_tooltip_cb (SdLineChart *self,
                  int          x,
                  int          y,
                  gboolean     keyboard,
                  GtkTooltip  *tooltip)
{
  g_autoptr(GString) markup = g_string_new (NULL);
  SdChartColors colors;
  double best = INFINITY, head_x = NAN;

  if (!self->has_frame || self->series->len == 0 ||
      !graphene_rect_contains_point (&self->frame.plot, &GRAPHENE_POINT_INIT (x, y)))
    return FALSE;

  sd_chart_colors_lookup (GTK_WIDGET (self), &colors);
  for (guint i = 0; i < self->series->len; i++)
    {
      SdChartPoint p;

      if (hover_point (self, g_ptr_array_index (self->series, i), &self->frame, x, &p, NULL) &&
          fabs (sd_chart_scale_to_pixel (&self->frame.x, p.x) - x) < best)
        {
          best = fabs (sd_chart_scale_to_pixel (&self->frame.x, p.x) - x);
          head_x = p.x;
        }
    }
  if (!isfinite (head_x))
    return FALSE;

  {
    g_autofree char *xv = sd_chart_format_value (head_x);
    g_autofree char *line = g_markup_printf_escaped ("<b>%s %s</b>",
                                                     self->x_title && *self->x_title ? self->x_title : "x",
                                                     xv);
    g_string_append (markup, line);
  }

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      const GdkRGBA *c = &colors.palette[s->color % SD_CHART_PALETTE_SIZE];
      g_autofree char *value = NULL;
      g_autofree char *line = NULL;
      g_autofree char *where = NULL;
      g_autofree char *hex = NULL;
      SdChartPoint p;
      double raw;

      if (!hover_point (self, s, &self->frame, x, &p, &raw))
        continue;
      hex = g_strdup_printf ("#%02x%02x%02x", (int) (c->red * 255), (int) (c->green * 255), (int) (c->blue * 255));
      if (self->smoothing > 0)
        {
          g_autofree char *sm = sd_chart_format_value (p.y);
          g_autofree char *rv = sd_chart_format_value (raw);
          /* Translators: a smoothed value, then the raw one */
          value = g_strdup_printf (_("%s (raw %s)"), sm, rv);
        }
      else
        value = sd_chart_format_value (p.y);
      if (s->raw_scale != 0)
        {
          g_autofree char *shown = g_steal_pointer (&value);
          g_autofree char *rv = sd_chart_format_value (raw * s->raw_scale);
          /* Translators: a value drawn relative to a reference, then the value itself */
          value = g_strdup_printf (_("%s (value %s)"), shown, rv);
        }
      if (p.x != head_x)
        {
          g_autofree char *xv = sd_chart_format_value (p.x);
          where = g_strdup_printf (" @ %s", xv);
        }
      line = g_markup_printf_escaped ("\n<span foreground=\"%s\">●</span> %s: %s%s",
                                      hex, sd_chart_series_get_label (s->data), value,
                                      where ? where : "");
      g_string_append (markup, line);
    }
  gtk_tooltip_set_markup (tooltip, markup->str);
  return TRUE;
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           SdLineChart              *self)
{
  self->hover = TRUE;
  self->hover_px = x;
  self->hover_py = y;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
leave_cb (GtkEventControllerMotion *motion,
          SdLineChart              *self)
{
  self->hover = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
zoom_axis (SdLineChart *self,
           gboolean     y_axis,
           double       factor,
           double       anchor)
{
  SdChartScale s;

  if (!self->has_frame)
    return;
  if (y_axis)
    {
      s = self->frame.y;
      sd_chart_scale_zoom (&s, factor, anchor);
      self->vy0 = s.d0;
      self->vy1 = s.d1;
      if (!self->x_fixed)
        {
          /* Keep x where it is, or appends would move it under the user. */
          self->vx0 = self->frame.x.d0;
          self->vx1 = self->frame.x.d1;
        }
      set_zoomed (self, TRUE, TRUE);
    }
  else
    {
      s = self->frame.x;
      sd_chart_scale_zoom (&s, factor, anchor);
      self->vx0 = s.d0;
      self->vx1 = s.d1;
      settle_x_view (self);
      set_zoomed (self, TRUE, self->y_fixed);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
scroll_cb (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           SdLineChart              *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  double delta = dy != 0 ? dy : dx;
  gboolean y_axis = (state & GDK_SHIFT_MASK) != 0;

  /* The plain wheel scrolls the page the chart sits in; Ctrl+wheel zooms (Shift for y). */
  if (!self->has_frame || delta == 0 || (state & GDK_CONTROL_MASK) == 0)
    return FALSE;
  zoom_axis (self, y_axis, pow (ZOOM_STEP, delta),
             y_axis ? self->hover_py : self->hover_px);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *drag,
               double          x,
               double          y,
               SdLineChart    *self)
{
  if (!self->has_frame)
    {
      gtk_gesture_set_state (GTK_GESTURE (drag), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_x = self->frame.x;
  self->drag_y = self->frame.y;
}

static void
drag_update_cb (GtkGestureDrag *drag,
                double          ox,
                double          oy,
                SdLineChart    *self)
{
  SdChartScale xs = self->drag_x, ys = self->drag_y;

  /* Below the drag threshold a press is a click, not a pan. */
  if (!self->dragging && hypot (ox, oy) < 4)
    return;
  self->dragging = TRUE;
  sd_chart_scale_pan (&xs, ox);
  sd_chart_scale_pan (&ys, oy);
  self->vx0 = xs.d0;
  self->vx1 = xs.d1;
  self->vy0 = ys.d0;
  self->vy1 = ys.d1;
  settle_x_view (self);
  set_zoomed (self, TRUE, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (GtkGestureDrag *drag,
             double          ox,
             double          oy,
             SdLineChart    *self)
{
  self->dragging = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
click_pressed_cb (GtkGestureClick *click,
                  int              n_press,
                  double           x,
                  double           y,
                  SdLineChart     *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (n_press == 2)
    sd_line_chart_reset_view (self);
}

static void
zoom_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdLineChart *self = SD_LINE_CHART (widget);

  if (g_str_equal (action_name, "chart.reset-view"))
    sd_line_chart_reset_view (self);
  else
    sd_line_chart_zoom (self, g_str_equal (action_name, "chart.zoom-in") ? 1 / 1.5 : 1.5);
}

/* ---- GObject -------------------------------------------------------------------------- */

static void
sd_line_chart_dispose (GObject *object)
{
  SdLineChart *self = SD_LINE_CHART (object);

  g_clear_handle_id (&self->description_idle, g_source_remove);
  G_OBJECT_CLASS (sd_line_chart_parent_class)->dispose (object);
}

static void
sd_line_chart_finalize (GObject *object)
{
  SdLineChart *self = SD_LINE_CHART (object);

  g_ptr_array_unref (self->series);
  g_array_unref (self->markers);
  sd_chart_frame_clear (&self->frame);
  g_free (self->x_title);
  g_free (self->y_title);
  g_free (self->description);
  G_OBJECT_CLASS (sd_line_chart_parent_class)->finalize (object);
}

static void
sd_line_chart_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  SdLineChart *self = SD_LINE_CHART (object);

  switch (prop_id)
    {
    case PROP_LOG_SCALE:
      g_value_set_boolean (value, self->log_scale);
      break;
    case PROP_SMOOTHING:
      g_value_set_double (value, self->smoothing);
      break;
    case PROP_ZOOMED:
      g_value_set_boolean (value, sd_line_chart_get_zoomed (self));
      break;
    case PROP_HAS_DATA:
      g_value_set_boolean (value, self->has_data);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_line_chart_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  SdLineChart *self = SD_LINE_CHART (object);

  switch (prop_id)
    {
    case PROP_LOG_SCALE:
      sd_line_chart_set_log_scale (self, g_value_get_boolean (value));
      break;
    case PROP_SMOOTHING:
      sd_line_chart_set_smoothing (self, g_value_get_double (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Colours come from the theme at draw time: a switch to dark style must redraw, even where
 * GTK sees no change that affects this widget's own CSS box. */
static void
sd_line_chart_css_changed (GtkWidget         *widget,
                           GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (sd_line_chart_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

static void
sd_line_chart_class_init (SdLineChartClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_line_chart_dispose;
  object_class->finalize = sd_line_chart_finalize;
  object_class->get_property = sd_line_chart_get_property;
  object_class->set_property = sd_line_chart_set_property;

  widget_class->snapshot = sd_line_chart_snapshot;
  widget_class->css_changed = sd_line_chart_css_changed;
  widget_class->measure = sd_line_chart_measure;

  properties[PROP_LOG_SCALE] =
    g_param_spec_boolean ("log-scale", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SMOOTHING] =
    g_param_spec_double ("smoothing", NULL, NULL, 0.0, 0.99, 0.0,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ZOOMED] =
    g_param_spec_boolean ("zoomed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_DATA] =
    g_param_spec_boolean ("has-data", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_install_action (widget_class, "chart.reset-view", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "chart.zoom-in", NULL, zoom_action);
  gtk_widget_class_install_action (widget_class, "chart.zoom-out", NULL, zoom_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "chart.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Add, 0, "chart.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "chart.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Subtract, 0, "chart.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "chart.reset-view", NULL);

  gtk_widget_class_set_css_name (widget_class, "sd-line-chart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sd_line_chart_init (SdLineChart *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *motion, *scroll;
  GtkGesture *drag, *click;

  self->series = g_ptr_array_new_with_free_func (series_free);
  self->markers = g_array_new (FALSE, FALSE, sizeof (Marker));
  g_array_set_clear_func (self->markers, marker_clear);

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  motion = gtk_event_controller_motion_new ();
  g_signal_connect (motion, "enter", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (widget, motion);

  scroll = gtk_event_controller_scroll_new (GTK_EVENT_CONTROLLER_SCROLL_BOTH_AXES);
  g_signal_connect (scroll, "scroll", G_CALLBACK (scroll_cb), self);
  gtk_widget_add_controller (widget, scroll);

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (drag));

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "pressed", G_CALLBACK (click_pressed_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  rebuild_description (self);
}

/* ---- public API ----------------------------------------------------------------------- */

GtkWidget *
sd_line_chart_new (void)
{
  return g_object_new (SD_TYPE_LINE_CHART, NULL);
}

int
sd_line_chart_find_series (SdLineChart *self,
                           const char  *id)
{
  g_return_val_if_fail (SD_IS_LINE_CHART (self), -1);

  for (guint i = 0; i < self->series->len; i++)
    {
      Series *s = g_ptr_array_index (self->series, i);
      if (g_strcmp0 (sd_chart_series_get_id (s->data), id) == 0)
        return (int) i;
    }
  return -1;
}

guint
sd_line_chart_add_series (SdLineChart *self,
                          const char  *id,
                          const char  *label)
{
  Series *s;
  int existing;

  g_return_val_if_fail (SD_IS_LINE_CHART (self), 0);
  g_return_val_if_fail (id != NULL, 0);

  existing = sd_line_chart_find_series (self, id);
  if (existing >= 0)
    return (guint) existing;

  s = g_new0 (Series, 1);
  s->data = sd_chart_series_new (id, label);
  s->color = self->next_color++;
  s->min_y = INFINITY;
  sd_chart_series_set_smoothing (s->data, self->smoothing);
  g_ptr_array_add (self->series, s);
  description_changed (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  return self->series->len - 1;
}

guint
sd_line_chart_get_n_series (SdLineChart *self)
{
  g_return_val_if_fail (SD_IS_LINE_CHART (self), 0);
  return self->series->len;
}

void
sd_line_chart_append (SdLineChart *self,
                      guint        series,
                      double       x,
                      double       y)
{
  Series *s;

  g_return_if_fail (SD_IS_LINE_CHART (self));
  s = get_series (self, series);
  if (s == NULL || !isfinite (x))
    return;

  sd_chart_series_append (s->data, x, y);
  s->has_last = TRUE;
  s->last_x = x;
  s->last_y = y;
  if (isfinite (y) && y < s->min_y)
    {
      s->min_y = y;
      s->min_x = x;
    }
  description_changed (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sd_line_chart_clear_series (SdLineChart *self,
                            guint        series)
{
  Series *s;

  g_return_if_fail (SD_IS_LINE_CHART (self));
  s = get_series (self, series);
  if (s == NULL)
    return;
  sd_chart_series_clear (s->data);
  recompute_stats (s);
  description_changed (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sd_line_chart_set_series_raw_scale (SdLineChart *self,
                                    guint        series,
                                    double       scale)
{
  g_return_if_fail (SD_IS_LINE_CHART (self));
  get_series (self, series)->raw_scale = scale;
}

void
sd_line_chart_add_marker (SdLineChart *self,
                          double       x,
                          const char  *label)
{
  Marker m = { x, g_strdup (label ? label : "") };

  g_return_if_fail (SD_IS_LINE_CHART (self));
  g_array_append_val (self->markers, m);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
sd_line_chart_get_n_markers (SdLineChart *self)
{
  g_return_val_if_fail (SD_IS_LINE_CHART (self), 0);
  return self->markers->len;
}

void
sd_line_chart_clear (SdLineChart *self)
{
  g_return_if_fail (SD_IS_LINE_CHART (self));

  g_ptr_array_set_size (self->series, 0);
  g_array_set_size (self->markers, 0);
  self->next_color = 0;
  set_zoomed (self, FALSE, FALSE);
  description_changed (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sd_line_chart_set_axis_titles (SdLineChart *self,
                               const char  *x_title,
                               const char  *y_title)
{
  g_return_if_fail (SD_IS_LINE_CHART (self));

  g_free (self->x_title);
  g_free (self->y_title);
  self->x_title = g_strdup (x_title);
  self->y_title = g_strdup (y_title);
  description_changed (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sd_line_chart_set_log_scale (SdLineChart *self,
                             gboolean     log_scale)
{
  g_return_if_fail (SD_IS_LINE_CHART (self));

  log_scale = !!log_scale;
  if (self->log_scale == log_scale)
    return;
  self->log_scale = log_scale;
  /* A y view chosen on one scale means nothing on the other. */
  if (self->y_fixed)
    set_zoomed (self, self->x_fixed, FALSE);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOG_SCALE]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sd_line_chart_set_x_integer (SdLineChart *self,
                             gboolean     x_integer)
{
  g_return_if_fail (SD_IS_LINE_CHART (self));

  self->x_integer = !!x_integer;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
sd_line_chart_get_log_scale (SdLineChart *self)
{
  g_return_val_if_fail (SD_IS_LINE_CHART (self), FALSE);
  return self->log_scale;
}

void
sd_line_chart_set_smoothing (SdLineChart *self,
                             double       smoothing)
{
  g_return_if_fail (SD_IS_LINE_CHART (self));

  smoothing = CLAMP (smoothing, 0.0, 0.99);
  if (self->smoothing == smoothing)
    return;
  self->smoothing = smoothing;
  for (guint i = 0; i < self->series->len; i++)
    sd_chart_series_set_smoothing (((Series *) g_ptr_array_index (self->series, i))->data, smoothing);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SMOOTHING]);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

double
sd_line_chart_get_smoothing (SdLineChart *self)
{
  g_return_val_if_fail (SD_IS_LINE_CHART (self), 0);
  return self->smoothing;
}

void
sd_line_chart_reset_view (SdLineChart *self)
{
  g_return_if_fail (SD_IS_LINE_CHART (self));

  set_zoomed (self, FALSE, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
sd_line_chart_get_has_data (SdLineChart *self)
{
  g_return_val_if_fail (SD_IS_LINE_CHART (self), FALSE);
  return self->has_data;
}

gboolean
sd_line_chart_get_zoomed (SdLineChart *self)
{
  g_return_val_if_fail (SD_IS_LINE_CHART (self), FALSE);
  return self->x_fixed || self->y_fixed;
}

void
sd_line_chart_zoom (SdLineChart *self,
                    double       factor)
{
  SdChartScale xs, ys;

  g_return_if_fail (SD_IS_LINE_CHART (self));

  compute_domains (self, &xs, &ys);
  sd_chart_scale_set_range (&xs, 0, 1);
  sd_chart_scale_zoom (&xs, factor, 0.5);
  self->vx0 = xs.d0;
  self->vx1 = xs.d1;
  settle_x_view (self);
  set_zoomed (self, TRUE, self->y_fixed);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sd_line_chart_get_x_view (SdLineChart *self,
                          double      *x0,
                          double      *x1)
{
  SdChartScale xs, ys;

  g_return_if_fail (SD_IS_LINE_CHART (self));
  compute_domains (self, &xs, &ys);
  *x0 = xs.d0;
  *x1 = xs.d1;
}

const char *
sd_line_chart_get_description (SdLineChart *self)
{
  g_return_val_if_fail (SD_IS_LINE_CHART (self), NULL);

  if (self->description_dirty)
    rebuild_description (self);
  return self->description;
}
