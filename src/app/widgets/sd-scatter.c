/* sd-scatter.c — scatter plot widget */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sd-chart-data.h"
#include "sd-chart-draw.h"
#include "sd-scatter.h"

#define ZOOM_STEP 1.15
#define HIT_RADIUS 8.0

struct _SdScatter
{
  GtkWidget     parent_instance;

  double       *x, *y;
  guint        *cat;
  char        **labels;
  guint         n;
  guint         n_categories;   /* highest category + 1 */
  char        **category_names;
  char         *x_title, *y_title;
  int           selected;

  gboolean      zoomed;
  double        vx0, vx1, vy0, vy1;

  SdChartFrame  frame;
  gboolean      has_frame;
  int           hover;          /* point index or -1 */
  double        pointer_x, pointer_y;
  SdChartScale  drag_x, drag_y;
  gboolean      moved;

  char         *description;

  /* Labels drawn on the plot at data positions: cluster names at their centres. */
  double       *note_x, *note_y;
  char        **notes;
  guint         n_notes;

  /* Shift+drag draws a lasso (in data coordinates, so zoom and pan keep it on its points);
   * the points inside it are the selection the "lasso-selected" signal announces. */
  gboolean      lassoing;
  GArray       *lasso;          /* double x, y pairs */
  double        lasso_x0, lasso_y0;
  GArray       *lassoed;        /* guint point indices */

  GdkTexture   *points_texture;
  guint         generation;          /* bumped when the points change */
  guint         texture_generation;
  double        texture_key[7];
};

G_DEFINE_FINAL_TYPE (SdScatter, sd_scatter, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_ZOOMED,
  N_PROPS
};

enum {
  POINT_ACTIVATED,
  LASSO_SELECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
set_zoomed (SdScatter *self,
            gboolean   zoomed)
{
  if (self->zoomed == zoomed)
    return;
  self->zoomed = zoomed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ZOOMED]);
}

static void
compute_domains (SdScatter    *self,
                 SdChartScale *xs,
                 SdChartScale *ys)
{
  double x0 = INFINITY, x1 = -INFINITY, y0 = INFINITY, y1 = -INFINITY, a, b;

  if (self->zoomed)
    {
      sd_chart_scale_init (xs, SD_CHART_SCALE_LINEAR, self->vx0, self->vx1, 0, 1);
      sd_chart_scale_init (ys, SD_CHART_SCALE_LINEAR, self->vy0, self->vy1, 1, 0);
      return;
    }
  for (guint i = 0; i < self->n; i++)
    if (isfinite (self->x[i]) && isfinite (self->y[i]))
      {
        x0 = MIN (x0, self->x[i]);
        x1 = MAX (x1, self->x[i]);
        y0 = MIN (y0, self->y[i]);
        y1 = MAX (y1, self->y[i]);
      }
  sd_chart_scale_fit (SD_CHART_SCALE_LINEAR, x0, x1, &a, &b);
  sd_chart_scale_init (xs, SD_CHART_SCALE_LINEAR, a, b, 0, 1);
  sd_chart_scale_fit (SD_CHART_SCALE_LINEAR, y0, y1, &a, &b);
  sd_chart_scale_init (ys, SD_CHART_SCALE_LINEAR, a, b, 1, 0);
}

static const char *
category_name (SdScatter *self,
               guint      cat)
{
  if (self->category_names && cat < g_strv_length (self->category_names))
    return self->category_names[cat];
  return NULL;
}

/* Thousands of Cairo arcs cost hundreds of milliseconds; stamping a pre-computed dot into a
 * pixel buffer costs about one. The texture is kept until the data, the view, the size or
 * the theme changes, so hovering only redraws the rings on top. */
static GdkTexture *
ensure_points_texture (SdScatter           *self,
                       const SdChartColors *colors,
                       double               radius)
{
  int scale = gtk_widget_get_scale_factor (GTK_WIDGET (self));
  int w = (int) ceil (self->frame.plot.size.width * scale);
  int h = (int) ceil (self->frame.plot.size.height * scale);
  double key[7] = { self->frame.x.d0, self->frame.x.d1, self->frame.y.d0, self->frame.y.d1,
                    w, h, colors->dark };
  g_autofree float *acc = NULL;
  g_autofree float *mask = NULL;
  g_autoptr(GBytes) bytes = NULL;
  guchar *out;
  double rr = radius * scale;
  int half = (int) ceil (rr) + 1, side = 2 * half + 1;

  if (self->points_texture && self->texture_generation == self->generation &&
      memcmp (key, self->texture_key, sizeof key) == 0)
    return self->points_texture;

  /* Anti-aliased disc: coverage falls from 1 to 0 across the edge pixel. */
  mask = g_new (float, side * side);
  for (int dy = 0; dy < side; dy++)
    for (int dx = 0; dx < side; dx++)
      {
        double d = hypot (dx - half, dy - half);
        mask[dy * side + dx] = (float) CLAMP (rr + 0.5 - d, 0.0, 1.0);
      }

  acc = g_new0 (float, (gsize) w * h * 4);   /* premultiplied RGBA */
  for (guint i = 0; i < self->n; i++)
    {
      const GdkRGBA *c = &colors->palette[self->cat[i] % SD_CHART_PALETTE_SIZE];
      double px = (sd_chart_scale_to_pixel (&self->frame.x, self->x[i]) - self->frame.plot.origin.x) * scale;
      double py = (sd_chart_scale_to_pixel (&self->frame.y, self->y[i]) - self->frame.plot.origin.y) * scale;
      int cx, cy;

      if (!isfinite (px) || !isfinite (py) || px < -half || py < -half || px > w + half || py > h + half)
        continue;
      cx = (int) floor (px);
      cy = (int) floor (py);
      for (int dy = 0; dy < side; dy++)
        {
          int y = cy + dy - half;

          if (y < 0 || y >= h)
            continue;
          for (int dx = 0; dx < side; dx++)
            {
              int x = cx + dx - half;
              float a = mask[dy * side + dx] * 0.8f;
              float *p;

              if (a <= 0 || x < 0 || x >= w)
                continue;
              p = acc + ((gsize) y * w + x) * 4;
              p[0] = (float) c->red * a + p[0] * (1 - a);
              p[1] = (float) c->green * a + p[1] * (1 - a);
              p[2] = (float) c->blue * a + p[2] * (1 - a);
              p[3] = a + p[3] * (1 - a);
            }
        }
    }

  out = g_malloc ((gsize) w * h * 4);
  for (gsize k = 0; k < (gsize) w * h * 4; k++)
    out[k] = (guchar) lrintf (CLAMP (acc[k], 0.f, 1.f) * 255.f);
  bytes = g_bytes_new_take (out, (gsize) w * h * 4);

  g_clear_object (&self->points_texture);
  self->points_texture = gdk_memory_texture_new (w, h, GDK_MEMORY_R8G8B8A8_PREMULTIPLIED, bytes, (gsize) w * 4);
  self->texture_generation = self->generation;
  memcpy (self->texture_key, key, sizeof key);
  return self->points_texture;
}

static void
sd_scatter_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  SdScatter *self = SD_SCATTER (widget);
  SdChartPainter painter = { .snapshot = snapshot };
  SdChartColors colors;
  SdChartScale xs, ys;
  guint n_legend = self->category_names ? g_strv_length (self->category_names) : 0;
  g_autofree SdChartLegendEntry *legend = g_new0 (SdChartLegendEntry, MAX (1, n_legend));
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  /* Smaller dots as the cloud gets denser, so structure shows instead of a blob. */
  double r = self->n < 500 ? 4.0 : self->n < 5000 ? 3.0 : self->n < 50000 ? 2.0 : 1.2;
  cairo_t *cr;

  if (width < 16 || height < 16)
    return;

  sd_chart_colors_lookup (widget, &colors);
  compute_domains (self, &xs, &ys);
  for (guint i = 0; i < n_legend; i++)
    {
      legend[i].label = self->category_names[i];
      legend[i].color = &colors.palette[i % SD_CHART_PALETTE_SIZE];
    }
  sd_chart_frame_layout (&self->frame, widget, width, height, &xs, &ys,
                         self->x_title, self->y_title, legend, n_legend);
  self->has_frame = TRUE;
  sd_chart_frame_paint_legend_swatches (&self->frame, widget, &painter, legend, n_legend);

  cr = sd_chart_painter_begin (&painter, width, height);
  sd_chart_frame_draw (&self->frame, widget, cr, &colors, legend, n_legend);
  cairo_destroy (cr);

  if (self->n > 0)
    gtk_snapshot_append_texture (snapshot, ensure_points_texture (self, &colors, r), &self->frame.plot);

  cr = gtk_snapshot_append_cairo (snapshot, &self->frame.plot);
  cairo_save (cr);
  cairo_rectangle (cr, self->frame.plot.origin.x, self->frame.plot.origin.y,
                   self->frame.plot.size.width, self->frame.plot.size.height);
  cairo_clip (cr);

  for (int k = 0; k < 2; k++)
    {
      int idx = k == 0 ? self->selected : self->hover;
      double px, py;

      if (idx < 0 || (guint) idx >= self->n)
        continue;
      px = sd_chart_scale_to_pixel (&self->frame.x, self->x[idx]);
      py = sd_chart_scale_to_pixel (&self->frame.y, self->y[idx]);
      if (!isfinite (px) || !isfinite (py))
        continue;
      cairo_new_sub_path (cr);
      cairo_arc (cr, px, py, r + 3, 0, 2 * G_PI);
      gdk_cairo_set_source_rgba (cr, &colors.fg);
      cairo_set_line_width (cr, k == 0 ? 2.0 : 1.5);
      cairo_stroke (cr);
    }

  if (self->lasso->len >= 4)
    {
      for (guint i = 0; i + 1 < self->lasso->len; i += 2)
        {
          double px = sd_chart_scale_to_pixel (&self->frame.x, g_array_index (self->lasso, double, i));
          double py = sd_chart_scale_to_pixel (&self->frame.y, g_array_index (self->lasso, double, i + 1));
          if (i == 0)
            cairo_move_to (cr, px, py);
          else
            cairo_line_to (cr, px, py);
        }
      if (!self->lassoing)
        cairo_close_path (cr);
      sd_chart_set_source_rgba (cr, &colors.palette[0], 0.12);
      cairo_fill_preserve (cr);
      gdk_cairo_set_source_rgba (cr, &colors.palette[0]);
      cairo_set_line_width (cr, 1.5);
      cairo_stroke (cr);
    }

  /* Names on a translucent plate so they read over the dots in light and dark style; one
   * that would cover a name already drawn goes below its group instead. */
  g_autoptr(GArray) placed = g_array_new (FALSE, FALSE, sizeof (graphene_rect_t));
  for (guint i = 0; i < self->n_notes; i++)
    {
      double px = sd_chart_scale_to_pixel (&self->frame.x, self->note_x[i]);
      double py = sd_chart_scale_to_pixel (&self->frame.y, self->note_y[i]);
      g_autoptr(PangoLayout) layout = NULL;
      PangoRectangle logical;
      int tw, th;

      if (!isfinite (px) || !isfinite (py))
        continue;
      layout = sd_chart_create_layout (widget, TRUE);
      sd_chart_layout_set_wrapped_text (layout, self->notes[i], 120);
      pango_layout_set_alignment (layout, PANGO_ALIGN_CENTER);
      /* Centred lines sit inside the 120 px box, not at its left edge: the text's own
       * extents are what is placed, or a wrapped label drifts right off the plot. */
      pango_layout_get_pixel_extents (layout, NULL, &logical);
      tw = logical.width, th = logical.height;
      /* Above the group's centre, so the label leaves its dense core visible. */
      px = CLAMP (px - tw / 2.0, self->frame.plot.origin.x, self->frame.plot.origin.x + self->frame.plot.size.width - tw);
      {
        double above = py - th - 3 * r, below = py + 3 * r, lo = self->frame.plot.origin.y;
        double hi = self->frame.plot.origin.y + self->frame.plot.size.height - th;
        graphene_rect_t box = GRAPHENE_RECT_INIT (px - 3, CLAMP (above, lo, hi) - 1, tw + 6, th + 2);
        gboolean clash = FALSE;

        for (guint j = 0; j < placed->len; j++)
          clash |= graphene_rect_intersection (&box, &g_array_index (placed, graphene_rect_t, j), NULL);
        if (clash)
          {
            /* Below instead; if that clashes too, the legend and the tooltip name it. */
            box.origin.y = CLAMP (below, lo, hi) - 1;
            for (guint j = 0; j < placed->len; j++)
              if (graphene_rect_intersection (&box, &g_array_index (placed, graphene_rect_t, j), NULL))
                goto next_note;
          }
        py = box.origin.y + 1;
        g_array_append_val (placed, box);
      }
      cairo_set_source_rgba (cr, colors.bg.red, colors.bg.green, colors.bg.blue, 0.7);
      cairo_rectangle (cr, px - 3, py - 1, tw + 6, th + 2);
      cairo_fill (cr);
      gdk_cairo_set_source_rgba (cr, &colors.fg);
      cairo_move_to (cr, px - logical.x, py - logical.y);
      pango_cairo_show_layout (cr, layout);
    next_note:
      ;
    }
  cairo_restore (cr);
  cairo_destroy (cr);
}

static void
sd_scatter_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 120;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 480 : 360;
}

/* ---- input ---------------------------------------------------------------------------- */

int
sd_scatter_point_at (SdScatter *self,
                     double     x,
                     double     y)
{
  g_return_val_if_fail (SD_IS_SCATTER (self), -1);

  if (!self->has_frame ||
      !graphene_rect_contains_point (&self->frame.plot, &GRAPHENE_POINT_INIT (x, y)))
    return -1;
  return (int) sd_chart_nearest_point (self->x, self->y, self->n, &self->frame.x, &self->frame.y,
                                       x, y, HIT_RADIUS);
}

gboolean
sd_scatter_get_point_position (SdScatter *self,
                               guint      index,
                               double    *x,
                               double    *y)
{
  g_return_val_if_fail (SD_IS_SCATTER (self), FALSE);

  if (!self->has_frame || index >= self->n)
    return FALSE;
  *x = sd_chart_scale_to_pixel (&self->frame.x, self->x[index]);
  *y = sd_chart_scale_to_pixel (&self->frame.y, self->y[index]);
  return isfinite (*x) && isfinite (*y);
}

static gboolean
query_tooltip_cb (SdScatter  *self,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip)
{
  int idx = sd_scatter_point_at (self, x, y);
  g_autofree char *markup = NULL;
  const char *cat;

  if (idx < 0)
    return FALSE;
  /* Who and in which group: the coordinates of a map of taste mean nothing to a reader. */
  cat = category_name (self, self->cat[idx]);
  markup = cat && *cat ? g_markup_printf_escaped ("<b>%s</b>\n%s", self->labels[idx], cat)
                       : g_markup_printf_escaped ("<b>%s</b>", self->labels[idx]);
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           SdScatter                *self)
{
  int idx = sd_scatter_point_at (self, x, y);

  self->pointer_x = x;
  self->pointer_y = y;
  if (idx != self->hover)
    {
      self->hover = idx;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *motion,
          SdScatter                *self)
{
  self->hover = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
zoom_at (SdScatter *self,
         double     factor,
         double     px,
         double     py)
{
  SdChartScale xs = self->frame.x, ys = self->frame.y;

  if (!self->has_frame)
    return;
  sd_chart_scale_zoom (&xs, factor, px);
  sd_chart_scale_zoom (&ys, factor, py);
  self->vx0 = xs.d0;
  self->vx1 = xs.d1;
  self->vy0 = ys.d0;
  self->vy1 = ys.d1;
  set_zoomed (self, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static gboolean
scroll_cb (GtkEventControllerScroll *scroll,
           double                    dx,
           double                    dy,
           SdScatter                *self)
{
  GdkModifierType state = gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (scroll));
  double delta = dy != 0 ? dy : dx;

  /* The plain wheel scrolls the page; Ctrl+wheel zooms, as in the line charts. */
  if (!self->has_frame || delta == 0 || (state & GDK_CONTROL_MASK) == 0)
    return FALSE;
  zoom_at (self, pow (ZOOM_STEP, delta), self->pointer_x, self->pointer_y);
  return TRUE;
}

static void
drag_begin_cb (GtkGestureDrag *drag,
               double          x,
               double          y,
               SdScatter      *self)
{
  self->moved = FALSE;
  if (!self->has_frame)
    {
      gtk_gesture_set_state (GTK_GESTURE (drag), GTK_EVENT_SEQUENCE_DENIED);
      return;
    }
  self->drag_x = self->frame.x;
  self->drag_y = self->frame.y;
  g_array_set_size (self->lasso, 0);
  self->lassoing = (gtk_event_controller_get_current_event_state (GTK_EVENT_CONTROLLER (drag)) & GDK_SHIFT_MASK) != 0;
  if (self->lassoing)
    {
      double dx = sd_chart_scale_from_pixel (&self->frame.x, x), dy = sd_chart_scale_from_pixel (&self->frame.y, y);
      self->lasso_x0 = x;
      self->lasso_y0 = y;
      g_array_append_val (self->lasso, dx);
      g_array_append_val (self->lasso, dy);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag *drag,
                double          ox,
                double          oy,
                SdScatter      *self)
{
  SdChartScale xs = self->drag_x, ys = self->drag_y;

  if (!self->moved && hypot (ox, oy) < 4)
    return;
  self->moved = TRUE;
  if (self->lassoing)
    {
      double dx = sd_chart_scale_from_pixel (&self->frame.x, self->lasso_x0 + ox);
      double dy = sd_chart_scale_from_pixel (&self->frame.y, self->lasso_y0 + oy);
      g_array_append_val (self->lasso, dx);
      g_array_append_val (self->lasso, dy);
      gtk_widget_queue_draw (GTK_WIDGET (self));
      return;
    }
  sd_chart_scale_pan (&xs, ox);
  sd_chart_scale_pan (&ys, oy);
  self->vx0 = xs.d0;
  self->vx1 = xs.d1;
  self->vy0 = ys.d0;
  self->vy1 = ys.d1;
  set_zoomed (self, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

/* Even–odd rule: a ray to the right crosses the outline an odd number of times. */
static gboolean
inside_lasso (const GArray *lasso,
              double        x,
              double        y)
{
  guint n = lasso->len / 2;
  gboolean in = FALSE;

  for (guint i = 0, j = n - 1; i < n; j = i++)
    {
      double xi = g_array_index (lasso, double, 2 * i), yi = g_array_index (lasso, double, 2 * i + 1);
      double xj = g_array_index (lasso, double, 2 * j), yj = g_array_index (lasso, double, 2 * j + 1);
      if ((yi > y) != (yj > y) && x < (xj - xi) * (y - yi) / (yj - yi) + xi)
        in = !in;
    }
  return in;
}

static void
drag_end_cb (GtkGestureDrag *drag,
             double          ox,
             double          oy,
             SdScatter      *self)
{
  if (!self->lassoing)
    return;
  self->lassoing = FALSE;
  g_array_set_size (self->lassoed, 0);
  if (self->lasso->len >= 6)
    for (guint i = 0; i < self->n; i++)
      if (inside_lasso (self->lasso, self->x[i], self->y[i]))
        g_array_append_val (self->lassoed, i);
  if (self->lassoed->len == 0)
    g_array_set_size (self->lasso, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[LASSO_SELECTED], 0, self->lassoed->len);
}

static void
click_pressed_cb (GtkGestureClick *click,
                  int              n_press,
                  double           x,
                  double           y,
                  SdScatter       *self)
{
  gtk_widget_grab_focus (GTK_WIDGET (self));
  if (n_press == 2)
    sd_scatter_reset_view (self);
}

static void
click_released_cb (GtkGestureClick *click,
                   int              n_press,
                   double           x,
                   double           y,
                   SdScatter       *self)
{
  int idx;

  if (n_press != 1 || self->moved)
    return;
  idx = sd_scatter_point_at (self, x, y);
  if (idx >= 0)
    g_signal_emit (self, signals[POINT_ACTIVATED], 0, (guint) idx);
}

static void
view_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdScatter *self = SD_SCATTER (widget);

  if (g_str_equal (action_name, "chart.reset-view"))
    sd_scatter_reset_view (self);
  else
    sd_scatter_zoom (self, g_str_equal (action_name, "chart.zoom-in") ? 1 / 1.5 : 1.5);
}

/* ---- description ---------------------------------------------------------------------- */

static void
update_description (SdScatter *self)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_names = self->category_names ? g_strv_length (self->category_names) : 0;

  g_string_append_printf (text, ngettext ("%u point", "%u points", self->n), self->n);
  if (n_names > 0 && self->n > 0)
    {
      g_autofree guint *count = g_new0 (guint, n_names);

      for (guint i = 0; i < self->n; i++)
        if (self->cat[i] < n_names)
          count[self->cat[i]]++;
      g_string_append (text, ": ");
      for (guint c = 0; c < n_names; c++)
        g_string_append_printf (text, "%s%s %u", c ? ", " : "", self->category_names[c], count[c]);
    }
  g_free (self->description);
  self->description = g_string_free (g_steal_pointer (&text), FALSE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description, -1);
}

/* ---- GObject -------------------------------------------------------------------------- */

static void
sd_scatter_finalize (GObject *object)
{
  SdScatter *self = SD_SCATTER (object);

  g_free (self->x);
  g_free (self->y);
  g_free (self->cat);
  g_strfreev (self->labels);
  g_strfreev (self->category_names);
  g_free (self->x_title);
  g_free (self->y_title);
  g_free (self->description);
  g_free (self->note_x);
  g_free (self->note_y);
  g_strfreev (self->notes);
  g_array_unref (self->lasso);
  g_array_unref (self->lassoed);
  g_clear_object (&self->points_texture);
  sd_chart_frame_clear (&self->frame);
  G_OBJECT_CLASS (sd_scatter_parent_class)->finalize (object);
}

static void
sd_scatter_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SdScatter *self = SD_SCATTER (object);

  switch (prop_id)
    {
    case PROP_ZOOMED:
      g_value_set_boolean (value, self->zoomed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Colours come from the theme at draw time: a switch to dark style must redraw, even where
 * GTK sees no change that affects this widget's own CSS box. */
static void
sd_scatter_css_changed (GtkWidget         *widget,
                        GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (sd_scatter_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

static void
sd_scatter_class_init (SdScatterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sd_scatter_finalize;
  object_class->get_property = sd_scatter_get_property;
  widget_class->snapshot = sd_scatter_snapshot;
  widget_class->css_changed = sd_scatter_css_changed;
  widget_class->measure = sd_scatter_measure;

  properties[PROP_ZOOMED] =
    g_param_spec_boolean ("zoomed", NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[POINT_ACTIVATED] =
    g_signal_new ("point-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);
  signals[LASSO_SELECTED] =
    g_signal_new ("lasso-selected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_UINT);

  gtk_widget_class_install_action (widget_class, "chart.reset-view", NULL, view_action);
  gtk_widget_class_install_action (widget_class, "chart.zoom-in", NULL, view_action);
  gtk_widget_class_install_action (widget_class, "chart.zoom-out", NULL, view_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_plus, 0, "chart.zoom-in", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_minus, 0, "chart.zoom-out", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_0, 0, "chart.reset-view", NULL);

  gtk_widget_class_set_css_name (widget_class, "sd-scatter");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sd_scatter_init (SdScatter *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  GtkEventController *motion, *scroll;
  GtkGesture *drag, *click;

  self->selected = -1;
  self->hover = -1;
  self->labels = g_new0 (char *, 1);
  self->lasso = g_array_new (FALSE, FALSE, sizeof (double));
  self->lassoed = g_array_new (FALSE, FALSE, sizeof (guint));

  gtk_widget_set_focusable (widget, TRUE);
  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);

  motion = gtk_event_controller_motion_new ();
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
  g_signal_connect (click, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (widget, GTK_EVENT_CONTROLLER (click));

  update_description (self);
}

/* ---- public API ----------------------------------------------------------------------- */

GtkWidget *
sd_scatter_new (void)
{
  return g_object_new (SD_TYPE_SCATTER, NULL);
}

void
sd_scatter_set_points (SdScatter          *self,
                       const double       *x,
                       const double       *y,
                       const guint        *categories,
                       const char * const *labels,
                       guint               n)
{
  g_return_if_fail (SD_IS_SCATTER (self));
  g_return_if_fail (n == 0 || (x != NULL && y != NULL));

  g_free (self->x);
  g_free (self->y);
  g_free (self->cat);
  g_strfreev (self->labels);
  self->x = g_memdup2 (x, sizeof (double) * n);
  self->y = g_memdup2 (y, sizeof (double) * n);
  self->cat = categories ? g_memdup2 (categories, sizeof (guint) * n) : g_new0 (guint, MAX (n, 1));
  self->labels = g_new0 (char *, n + 1);
  self->n = n;
  self->n_categories = 0;
  for (guint i = 0; i < n; i++)
    {
      self->labels[i] = labels && labels[i] ? g_strdup (labels[i]) : g_strdup_printf ("#%u", i + 1);
      self->n_categories = MAX (self->n_categories, self->cat[i] + 1);
    }
  self->hover = -1;
  self->generation++;
  g_array_set_size (self->lasso, 0);
  g_array_set_size (self->lassoed, 0);
  if (self->selected >= (int) n)
    self->selected = -1;
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const guint *
sd_scatter_get_lasso (SdScatter *self,
                      guint     *n)
{
  g_return_val_if_fail (SD_IS_SCATTER (self), NULL);
  *n = self->lassoed->len;
  return (const guint *) self->lassoed->data;
}

void
sd_scatter_lasso_polygon (SdScatter    *self,
                          const double *xy,
                          guint         n)
{
  g_return_if_fail (SD_IS_SCATTER (self));
  g_array_set_size (self->lasso, 0);
  g_array_append_vals (self->lasso, xy, 2 * n);
  self->lassoing = TRUE;
  drag_end_cb (NULL, 0, 0, self);
}

guint
sd_scatter_get_n_points (SdScatter *self)
{
  g_return_val_if_fail (SD_IS_SCATTER (self), 0);
  return self->n;
}

void
sd_scatter_set_categories (SdScatter          *self,
                           const char * const *names)
{
  g_return_if_fail (SD_IS_SCATTER (self));

  g_strfreev (self->category_names);
  self->category_names = g_strdupv ((char **) names);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sd_scatter_set_notes (SdScatter          *self,
                      const double       *x,
                      const double       *y,
                      const char * const *labels,
                      guint               n)
{
  g_return_if_fail (SD_IS_SCATTER (self));

  g_free (self->note_x);
  g_free (self->note_y);
  g_strfreev (self->notes);
  self->note_x = g_memdup2 (x, sizeof (double) * n);
  self->note_y = g_memdup2 (y, sizeof (double) * n);
  self->notes = g_new0 (char *, n + 1);
  for (guint i = 0; i < n; i++)
    self->notes[i] = g_strdup (labels[i]);
  self->n_notes = n;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sd_scatter_set_axis_titles (SdScatter  *self,
                            const char *x_title,
                            const char *y_title)
{
  g_return_if_fail (SD_IS_SCATTER (self));

  g_free (self->x_title);
  g_free (self->y_title);
  self->x_title = g_strdup (x_title);
  self->y_title = g_strdup (y_title);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

void
sd_scatter_set_show_ticks (SdScatter *self,
                           gboolean   show)
{
  g_return_if_fail (SD_IS_SCATTER (self));

  self->frame.no_ticks = !show;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
sd_scatter_get_show_ticks (SdScatter *self)
{
  g_return_val_if_fail (SD_IS_SCATTER (self), TRUE);
  return !self->frame.no_ticks;
}

guint
sd_scatter_get_n_tick_labels (SdScatter *self)
{
  g_return_val_if_fail (SD_IS_SCATTER (self), 0);
  if (!self->has_frame || self->frame.x_ticks == NULL || self->frame.y_ticks == NULL)
    return 0;
  return self->frame.x_ticks->len + self->frame.y_ticks->len;
}

void
sd_scatter_set_selected (SdScatter *self,
                         int        index)
{
  g_return_if_fail (SD_IS_SCATTER (self));

  self->selected = index >= 0 && (guint) index < self->n ? index : -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

int
sd_scatter_get_selected (SdScatter *self)
{
  g_return_val_if_fail (SD_IS_SCATTER (self), -1);
  return self->selected;
}

void
sd_scatter_reset_view (SdScatter *self)
{
  g_return_if_fail (SD_IS_SCATTER (self));

  set_zoomed (self, FALSE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

gboolean
sd_scatter_get_zoomed (SdScatter *self)
{
  g_return_val_if_fail (SD_IS_SCATTER (self), FALSE);
  return self->zoomed;
}

void
sd_scatter_zoom (SdScatter *self,
                 double     factor)
{
  SdChartScale xs, ys;

  g_return_if_fail (SD_IS_SCATTER (self));

  compute_domains (self, &xs, &ys);
  sd_chart_scale_zoom (&xs, factor, 0.5);
  sd_chart_scale_zoom (&ys, factor, 0.5);
  self->vx0 = xs.d0;
  self->vx1 = xs.d1;
  self->vy0 = ys.d0;
  self->vy1 = ys.d1;
  set_zoomed (self, TRUE);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
sd_scatter_get_description (SdScatter *self)
{
  g_return_val_if_fail (SD_IS_SCATTER (self), NULL);
  return self->description;
}
