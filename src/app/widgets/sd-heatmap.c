/* sd-heatmap.c — matrix heatmap drawn as one texture */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sd-chart-draw.h"
#include "sd-chart-scale.h"
#include "sd-heatmap.h"

#define PAD 8.0
#define LEGEND_BAR 14.0
#define LEGEND_STEPS 64
#define MAX_LABEL_CHARS 16
#define MAX_TEXTURE 2048

G_DEFINE_ENUM_TYPE (SdHeatmapScale, sd_heatmap_scale,
                    G_DEFINE_ENUM_VALUE (SD_HEATMAP_SEQUENTIAL, "sequential"),
                    G_DEFINE_ENUM_VALUE (SD_HEATMAP_DIVERGING, "diverging"))

struct _SdHeatmap
{
  GtkWidget       parent_instance;

  double         *values;
  guint           n;
  char          **labels;        /* n entries, shortened for drawing */
  char          **full_labels;
  char           *title;
  SdHeatmapScale  scale;
  double          fixed_min, fixed_max;

  /* The texture depends on the data, the scale, the theme and the cell size. */
  GdkTexture     *texture;
  guint           texture_k;
  gboolean        texture_dark;

  graphene_rect_t matrix;        /* as last drawn */
  gboolean        has_layout;
  gboolean        hover;
  guint           hover_row, hover_col;

  char           *description;

  /* Blocks of rows (and columns) that belong together, e.g. one cluster each. */
  guint          *block_of;      /* n entries, or NULL */
  char          **block_names;
};

G_DEFINE_FINAL_TYPE (SdHeatmap, sd_heatmap, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_COLOR_SCALE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CELL_ACTIVATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ---- colours -------------------------------------------------------------------------- */

typedef struct { double r, g, b; } Rgb;

static Rgb
hex (guint32 v)
{
  return (Rgb) { ((v >> 16) & 0xff) / 255.0, ((v >> 8) & 0xff) / 255.0, (v & 0xff) / 255.0 };
}

static Rgb
ramp (const Rgb *stops,
      guint      n_stops,
      double     t)
{
  double pos;
  guint i;
  double f;

  t = CLAMP (t, 0.0, 1.0);
  pos = t * (n_stops - 1);
  i = MIN ((guint) pos, n_stops - 2);
  f = pos - i;
  return (Rgb) {
    stops[i].r + (stops[i + 1].r - stops[i].r) * f,
    stops[i].g + (stops[i + 1].g - stops[i].g) * f,
    stops[i].b + (stops[i + 1].b - stops[i].b) * f,
  };
}

/* Ramps start at the background, so a weak value fades into the page and a strong one
 * stands out: dark blue on light, pale blue on dark. */
static Rgb
color_for (SdHeatmapScale  scale,
           gboolean        dark,
           const Rgb      *bg,
           double          t)   /* 0..1 along the legend */
{
  Rgb pos_light[] = { *bg, hex (0xc6dcf7), hex (0x62a0ea), hex (0x1c71d8), hex (0x0d3a75) };
  Rgb pos_dark[] = { *bg, hex (0x173a66), hex (0x1c71d8), hex (0x62a0ea), hex (0xd4e5fa) };
  Rgb neg_light[] = { *bg, hex (0xfbd0cb), hex (0xf66151), hex (0xc01c28), hex (0x6e0e16) };
  Rgb neg_dark[] = { *bg, hex (0x5e1a1f), hex (0xc01c28), hex (0xf66151), hex (0xfdd5d0) };

  if (scale == SD_HEATMAP_SEQUENTIAL)
    return ramp (dark ? pos_dark : pos_light, 5, t);
  if (t >= 0.5)
    return ramp (dark ? pos_dark : pos_light, 5, (t - 0.5) * 2);
  return ramp (dark ? neg_dark : neg_light, 5, (0.5 - t) * 2);
}

static void
effective_range (SdHeatmap *self,
                 double    *lo,
                 double    *hi)
{
  double a = INFINITY, b = -INFINITY;

  for (guint i = 0; i < self->n; i++)
    for (guint j = 0; j < self->n; j++)
      {
        double v = self->values[(gsize) i * self->n + j];

        if ((i == j && self->n > 1) || !isfinite (v))
          continue;
        a = MIN (a, v);
        b = MAX (b, v);
      }
  if (!isfinite (a))
    a = 0, b = 1;
  if (self->scale == SD_HEATMAP_DIVERGING)
    {
      double m = MAX (fabs (a), fabs (b));
      a = -m;
      b = m;
    }
  if (isfinite (self->fixed_min))
    a = self->fixed_min;
  if (isfinite (self->fixed_max))
    b = self->fixed_max;
  if (!(b > a))
    b = a + 1;
  *lo = a;
  *hi = b;
}

static GdkRGBA
to_gdk (Rgb c)
{
  return (GdkRGBA) { c.r, c.g, c.b, 1.0 };
}

static void
invalidate_texture (SdHeatmap *self)
{
  g_clear_object (&self->texture);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static GdkTexture *
ensure_texture (SdHeatmap           *self,
                guint                k,
                const SdChartColors *colors)
{
  g_autoptr(GBytes) bytes = NULL;
  guchar *buf;
  gsize side, stride;
  double lo, hi;
  Rgb bg = { colors->bg.red, colors->bg.green, colors->bg.blue };

  if (self->texture && self->texture_k == k && self->texture_dark == colors->dark)
    return self->texture;

  g_clear_object (&self->texture);
  effective_range (self, &lo, &hi);
  side = (gsize) self->n * k;
  stride = side * 3;
  buf = g_malloc (stride * side);

  /* Cells are replicated k×k so the GPU's smoothing filter cannot blur their borders. */
  for (guint i = 0; i < self->n; i++)
    {
      guchar *row = buf + (gsize) i * k * stride;

      for (guint j = 0; j < self->n; j++)
        {
          double v = self->values[(gsize) i * self->n + j];
          Rgb c = isfinite (v) ? color_for (self->scale, colors->dark, &bg, (v - lo) / (hi - lo)) : bg;
          guchar px[3] = { (guchar) lround (c.r * 255), (guchar) lround (c.g * 255), (guchar) lround (c.b * 255) };

          for (guint d = 0; d < k; d++)
            memcpy (row + ((gsize) j * k + d) * 3, px, 3);
        }
      for (guint d = 1; d < k; d++)
        memcpy (row + d * stride, row, stride);
    }

  bytes = g_bytes_new_take (buf, stride * side);
  self->texture = gdk_memory_texture_new ((int) side, (int) side, GDK_MEMORY_R8G8B8, bytes, stride);
  self->texture_k = k;
  self->texture_dark = colors->dark;
  return self->texture;
}

/* ---- layout and drawing --------------------------------------------------------------- */

typedef struct {
  graphene_rect_t matrix;
  graphene_rect_t bar;
  gboolean        labels;
  double          label_w;
  double          title_h;
  SdChartScale    legend;
  GArray         *ticks;
} Layout;

static void
text_size (PangoLayout *layout,
           const char  *text,
           double      *w,
           double      *h)
{
  int pw, ph;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_size (layout, &pw, &ph);
  if (w) *w = pw;
  if (h) *h = ph;
}

static void
compute_layout (SdHeatmap   *self,
                PangoLayout *small,
                PangoLayout *normal,
                double       width,
                double       height,
                Layout      *l)
{
  double lo, hi, tick_w = 0, line_h, legend_w, avail_w, avail_h, side;

  memset (l, 0, sizeof *l);
  effective_range (self, &lo, &hi);
  text_size (small, "0", NULL, &line_h);
  if (self->title && *self->title)
    text_size (normal, self->title, NULL, &l->title_h);

  avail_h = height - 2 * PAD - (l->title_h > 0 ? l->title_h + PAD : 0);
  sd_chart_scale_init (&l->legend, SD_CHART_SCALE_LINEAR, lo, hi, 0, 1);
  l->ticks = sd_chart_scale_ticks (&l->legend, MAX (2, (guint) (avail_h / 40)));
  for (guint i = 0; i < l->ticks->len; i++)
    {
      double w;
      text_size (small, g_array_index (l->ticks, SdChartTick, i).label, &w, NULL);
      tick_w = MAX (tick_w, w);
    }
  legend_w = LEGEND_BAR + 6 + tick_w;

  /* Labels only when every cell is at least a text line tall at the size we can afford. */
  if (self->labels && self->n > 0)
    {
      for (guint i = 0; i < self->n; i++)
        {
          double w;
          text_size (small, self->labels[i], &w, NULL);
          l->label_w = MAX (l->label_w, w);
        }
      l->label_w += 6;
      avail_w = width - 2 * PAD - legend_w - PAD - l->label_w;
      side = MIN (avail_w, avail_h - l->label_w);
      l->labels = side / self->n >= line_h;
    }
  if (!l->labels)
    l->label_w = 0;

  avail_w = width - 2 * PAD - legend_w - 2 * PAD - l->label_w;
  side = floor (MAX (1, MIN (avail_w, avail_h - l->label_w)));
  l->matrix = GRAPHENE_RECT_INIT (PAD + l->label_w,
                                  PAD + (l->title_h > 0 ? l->title_h + PAD : 0) + l->label_w,
                                  side, side);
  l->bar = GRAPHENE_RECT_INIT (l->matrix.origin.x + side + 2 * PAD, l->matrix.origin.y,
                               LEGEND_BAR, side);
  sd_chart_scale_set_range (&l->legend, l->bar.origin.y + side, l->bar.origin.y);
}

static void
sd_heatmap_snapshot (GtkWidget   *widget,
                     GtkSnapshot *snapshot)
{
  SdHeatmap *self = SD_HEATMAP (widget);
  g_autoptr(PangoLayout) small = sd_chart_create_layout (widget, TRUE);
  g_autoptr(PangoLayout) normal = sd_chart_create_layout (widget, FALSE);
  SdChartColors colors;
  Layout l;
  cairo_t *cr;
  double width = gtk_widget_get_width (widget);
  double height = gtk_widget_get_height (widget);
  double lo, hi, cell;

  if (width < 16 || height < 16)
    return;

  sd_chart_colors_lookup (widget, &colors);
  compute_layout (self, small, normal, width, height, &l);
  self->matrix = l.matrix;
  self->has_layout = TRUE;
  effective_range (self, &lo, &hi);
  cell = self->n > 0 ? l.matrix.size.width / self->n : 0;

  if (self->n > 0)
    {
      guint k = (guint) ceil (l.matrix.size.width / self->n);

      k = CLAMP (k, 1, MAX (1, MAX_TEXTURE / self->n));
      gtk_snapshot_append_texture (snapshot, ensure_texture (self, k, &colors), &l.matrix);
    }

  /* Legend bar: stripes of the same ramp, low at the bottom. */
  {
    Rgb bg = { colors.bg.red, colors.bg.green, colors.bg.blue };
    double step = l.bar.size.height / LEGEND_STEPS;

    for (int s = 0; s < LEGEND_STEPS; s++)
      {
        GdkRGBA c = to_gdk (color_for (self->scale, colors.dark, &bg, (s + 0.5) / LEGEND_STEPS));
        double y = l.bar.origin.y + l.bar.size.height - (s + 1) * step;

        gtk_snapshot_append_color (snapshot, &c,
                                   &GRAPHENE_RECT_INIT (l.bar.origin.x, floor (y), LEGEND_BAR, ceil (step) + 1));
      }
  }

  cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  cairo_set_line_width (cr, 1);

  gdk_cairo_set_source_rgba (cr, &colors.axis);
  cairo_rectangle (cr, l.bar.origin.x + 0.5, l.bar.origin.y + 0.5, l.bar.size.width - 1, l.bar.size.height - 1);
  cairo_stroke (cr);
  if (self->n > 0)
    {
      cairo_rectangle (cr, l.matrix.origin.x - 0.5, l.matrix.origin.y - 0.5,
                       l.matrix.size.width + 1, l.matrix.size.height + 1);
      cairo_stroke (cr);
    }

  for (guint i = 0; i < l.ticks->len; i++)
    {
      const SdChartTick *t = &g_array_index (l.ticks, SdChartTick, i);
      double y = round (sd_chart_scale_to_pixel (&l.legend, t->value)) + 0.5;
      double th;

      gdk_cairo_set_source_rgba (cr, &colors.axis);
      cairo_move_to (cr, l.bar.origin.x + LEGEND_BAR, y);
      cairo_line_to (cr, l.bar.origin.x + LEGEND_BAR + 3, y);
      cairo_stroke (cr);
      text_size (small, t->label, NULL, &th);
      gdk_cairo_set_source_rgba (cr, &colors.muted);
      cairo_move_to (cr, l.bar.origin.x + LEGEND_BAR + 6, y - th / 2);
      pango_cairo_show_layout (cr, small);
    }

  if (self->title && *self->title)
    {
      gdk_cairo_set_source_rgba (cr, &colors.fg);
      pango_layout_set_text (normal, self->title, -1);
      cairo_move_to (cr, l.matrix.origin.x, PAD);
      pango_cairo_show_layout (cr, normal);
    }

  if (l.labels)
    {
      gdk_cairo_set_source_rgba (cr, &colors.muted);
      for (guint i = 0; i < self->n; i++)
        {
          double tw, th;

          text_size (small, self->labels[i], &tw, &th);
          /* Row label, right-aligned against the row. */
          cairo_move_to (cr, l.matrix.origin.x - 6 - tw, l.matrix.origin.y + (i + 0.5) * cell - th / 2);
          pango_cairo_show_layout (cr, small);
          /* Column label, reading upwards above the column. */
          cairo_save (cr);
          cairo_translate (cr, l.matrix.origin.x + (i + 0.5) * cell - th / 2, l.matrix.origin.y - 6);
          cairo_rotate (cr, -G_PI / 2);
          cairo_move_to (cr, 0, 0);
          pango_cairo_show_layout (cr, small);
          cairo_restore (cr);
        }
    }

  /* Each block outlined on the diagonal and named in its corner, when it is tall enough. */
  if (self->block_of && self->n > 0)
    {
      guint start = 0;
      for (guint i = 1; i <= self->n; i++)
        {
          double x, side, tw, th;
          const char *name;

          if (i < self->n && self->block_of[i] == self->block_of[start])
            continue;
          x = l.matrix.origin.x + start * cell;
          side = (i - start) * cell;
          gdk_cairo_set_source_rgba (cr, &colors.fg);
          cairo_set_line_width (cr, 1);
          cairo_rectangle (cr, x + 0.5, l.matrix.origin.y + start * cell + 0.5, side - 1, side - 1);
          cairo_stroke (cr);
          name = self->block_of[start] < g_strv_length (self->block_names) ? self->block_names[self->block_of[start]] : NULL;
          if (name)
            {
              /* A long name is cut to the matrix's width rather than run over the scale. */
              pango_layout_set_width (small, (int) MAX (1, l.matrix.size.width - 4) * PANGO_SCALE);
              pango_layout_set_ellipsize (small, PANGO_ELLIPSIZE_END);
              text_size (small, name, &tw, &th);
              if (side >= th)
                {
                  /* Right of the block, on the light part of the matrix, on a plate. */
                  double tx = MAX (l.matrix.origin.x + 2, MIN (x + side + 3, l.matrix.origin.x + l.matrix.size.width - tw - 2));
                  double ty = l.matrix.origin.y + start * cell;
                  cairo_set_source_rgba (cr, colors.bg.red, colors.bg.green, colors.bg.blue, 0.85);
                  cairo_rectangle (cr, tx - 2, ty, tw + 4, th);
                  cairo_fill (cr);
                  gdk_cairo_set_source_rgba (cr, &colors.fg);
                  cairo_move_to (cr, tx, ty);
                  pango_cairo_show_layout (cr, small);
                }
              pango_layout_set_width (small, -1);
              pango_layout_set_ellipsize (small, PANGO_ELLIPSIZE_NONE);
            }
          start = i;
        }
    }

  if (self->hover && self->hover_row < self->n && self->hover_col < self->n)
    {
      double x = l.matrix.origin.x + self->hover_col * cell;
      double y = l.matrix.origin.y + self->hover_row * cell;

      gdk_cairo_set_source_rgba (cr, &colors.fg);
      cairo_set_line_width (cr, 1.5);
      cairo_rectangle (cr, x, y, MAX (cell, 2), MAX (cell, 2));
      cairo_stroke (cr);
      /* Guide the eye to the two labels: faint bands along the row and the column. */
      sd_chart_set_source_rgba (cr, &colors.fg, 0.25);
      cairo_set_line_width (cr, 1);
      cairo_rectangle (cr, l.matrix.origin.x, y, l.matrix.size.width, MAX (cell, 1));
      cairo_rectangle (cr, x, l.matrix.origin.y, MAX (cell, 1), l.matrix.size.height);
      cairo_stroke (cr);
    }

  cairo_destroy (cr);
  g_array_unref (l.ticks);
}

static void
sd_heatmap_measure (GtkWidget      *widget,
                    GtkOrientation  orientation,
                    int             for_size,
                    int            *minimum,
                    int            *natural,
                    int            *minimum_baseline,
                    int            *natural_baseline)
{
  *minimum = 160;
  *natural = 420;
}

/* ---- input ---------------------------------------------------------------------------- */

gboolean
sd_heatmap_cell_at (SdHeatmap *self,
                    double     x,
                    double     y,
                    guint     *row,
                    guint     *column)
{
  double cell;
  double fx, fy;

  g_return_val_if_fail (SD_IS_HEATMAP (self), FALSE);

  if (!self->has_layout || self->n == 0 ||
      !graphene_rect_contains_point (&self->matrix, &GRAPHENE_POINT_INIT (x, y)))
    return FALSE;
  cell = self->matrix.size.width / self->n;
  fx = (x - self->matrix.origin.x) / cell;
  fy = (y - self->matrix.origin.y) / cell;
  if (fx < 0 || fy < 0 || fx >= self->n || fy >= self->n)
    return FALSE;
  if (row) *row = (guint) fy;
  if (column) *column = (guint) fx;
  return TRUE;
}

static gboolean
query_tooltip_cb (SdHeatmap  *self,
                  int         x,
                  int         y,
                  gboolean    keyboard,
                  GtkTooltip *tooltip)
{
  guint r, c;
  g_autofree char *value = NULL;
  g_autofree char *markup = NULL;

  if (!sd_heatmap_cell_at (self, x, y, &r, &c))
    return FALSE;
  value = sd_chart_format_value (self->values[(gsize) r * self->n + c]);
  if (self->block_of && self->block_names &&
      self->block_of[r] < g_strv_length (self->block_names) && self->block_of[c] < g_strv_length (self->block_names))
    markup = g_markup_printf_escaped ("<b>%s</b> (%s) × <b>%s</b> (%s)\n%s: %s",
                                      self->full_labels[r], self->block_names[self->block_of[r]],
                                      self->full_labels[c], self->block_names[self->block_of[c]],
                                      self->title && *self->title ? self->title : _("value"), value);
  else
    markup = g_markup_printf_escaped ("<b>%s</b> × <b>%s</b>\n%s: %s",
                                      self->full_labels[r], self->full_labels[c],
                                      self->title && *self->title ? self->title : _("value"), value);
  gtk_tooltip_set_markup (tooltip, markup);
  return TRUE;
}

static void
motion_cb (GtkEventControllerMotion *motion,
           double                    x,
           double                    y,
           SdHeatmap                *self)
{
  guint r = G_MAXUINT, c = G_MAXUINT;
  gboolean hover = sd_heatmap_cell_at (self, x, y, &r, &c);

  if (hover != self->hover || r != self->hover_row || c != self->hover_col)
    {
      self->hover = hover;
      self->hover_row = r;
      self->hover_col = c;
      gtk_widget_queue_draw (GTK_WIDGET (self));
    }
}

static void
leave_cb (GtkEventControllerMotion *motion,
          SdHeatmap                *self)
{
  self->hover = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
click_released_cb (GtkGestureClick *click,
                   int              n_press,
                   double           x,
                   double           y,
                   SdHeatmap       *self)
{
  guint r, c;

  if (n_press == 1 && sd_heatmap_cell_at (self, x, y, &r, &c))
    g_signal_emit (self, signals[CELL_ACTIVATED], 0, r, c);
}

/* ---- description ---------------------------------------------------------------------- */

static void
update_description (SdHeatmap *self)
{
  double lo, hi;
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;

  effective_range (self, &lo, &hi);
  a = sd_chart_format_value (lo);
  b = sd_chart_format_value (hi);
  g_free (self->description);
  if (self->n == 0)
    self->description = g_strdup (_("Empty heatmap"));
  else
    /* Translators: "cosine similarity of 120 × 120 rows, from 0 to 0.8" */
    self->description = g_strdup_printf (_("%s of %u × %u rows, from %s to %s"),
                                         self->title && *self->title ? self->title : _("Values"),
                                         self->n, self->n, a, b);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, self->description, -1);
}

/* ---- GObject -------------------------------------------------------------------------- */

static void
sd_heatmap_finalize (GObject *object)
{
  SdHeatmap *self = SD_HEATMAP (object);

  g_free (self->values);
  g_strfreev (self->labels);
  g_strfreev (self->full_labels);
  g_free (self->title);
  g_free (self->block_of);
  g_strfreev (self->block_names);
  g_free (self->description);
  g_clear_object (&self->texture);
  G_OBJECT_CLASS (sd_heatmap_parent_class)->finalize (object);
}

static void
sd_heatmap_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  SdHeatmap *self = SD_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_COLOR_SCALE:
      g_value_set_enum (value, self->scale);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_heatmap_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  SdHeatmap *self = SD_HEATMAP (object);

  switch (prop_id)
    {
    case PROP_COLOR_SCALE:
      sd_heatmap_set_color_scale (self, g_value_get_enum (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

/* Colours come from the theme at draw time: a switch to dark style must redraw, even where
 * GTK sees no change that affects this widget's own CSS box. */
static void
sd_heatmap_css_changed (GtkWidget         *widget,
                        GtkCssStyleChange *change)
{
  GTK_WIDGET_CLASS (sd_heatmap_parent_class)->css_changed (widget, change);
  gtk_widget_queue_draw (widget);
}

static void
sd_heatmap_class_init (SdHeatmapClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = sd_heatmap_finalize;
  object_class->get_property = sd_heatmap_get_property;
  object_class->set_property = sd_heatmap_set_property;

  widget_class->snapshot = sd_heatmap_snapshot;
  widget_class->css_changed = sd_heatmap_css_changed;
  widget_class->measure = sd_heatmap_measure;

  properties[PROP_COLOR_SCALE] =
    g_param_spec_enum ("color-scale", NULL, NULL, SD_TYPE_HEATMAP_SCALE, SD_HEATMAP_SEQUENTIAL,
                       G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[CELL_ACTIVATED] =
    g_signal_new ("cell-activated", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_UINT, G_TYPE_UINT);

  gtk_widget_class_set_css_name (widget_class, "sd-heatmap");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
sd_heatmap_init (SdHeatmap *self)
{
  GtkEventController *motion = gtk_event_controller_motion_new ();
  GtkGesture *click;

  self->fixed_min = NAN;
  self->fixed_max = NAN;
  self->full_labels = g_new0 (char *, 1);

  gtk_widget_set_has_tooltip (GTK_WIDGET (self), TRUE);
  g_signal_connect (self, "query-tooltip", G_CALLBACK (query_tooltip_cb), NULL);
  g_signal_connect (motion, "motion", G_CALLBACK (motion_cb), self);
  g_signal_connect (motion, "leave", G_CALLBACK (leave_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), motion);

  click = gtk_gesture_click_new ();
  g_signal_connect (click, "released", G_CALLBACK (click_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (click));
  update_description (self);
}

/* ---- public API ----------------------------------------------------------------------- */

GtkWidget *
sd_heatmap_new (void)
{
  return g_object_new (SD_TYPE_HEATMAP, NULL);
}

void
sd_heatmap_set_matrix (SdHeatmap          *self,
                       const double       *values,
                       guint               n,
                       const char * const *labels)
{
  g_return_if_fail (SD_IS_HEATMAP (self));
  g_return_if_fail (n == 0 || values != NULL);

  g_free (self->values);
  g_strfreev (self->labels);
  g_strfreev (self->full_labels);
  g_clear_pointer (&self->block_of, g_free);
  g_clear_pointer (&self->block_names, g_strfreev);
  self->values = g_memdup2 (values, sizeof (double) * n * n);
  self->n = n;
  self->full_labels = g_new0 (char *, n + 1);
  self->labels = labels ? g_new0 (char *, n + 1) : NULL;
  for (guint i = 0; i < n; i++)
    {
      const char *label = labels && labels[i] ? labels[i] : NULL;

      self->full_labels[i] = label ? g_strdup (label) : g_strdup_printf ("%u", i + 1);
      if (self->labels)
        {
          /* Long names would eat the matrix: cut them, the tooltip has them whole. */
          if (g_utf8_strlen (self->full_labels[i], -1) > MAX_LABEL_CHARS)
            {
              g_autofree char *head = g_utf8_substring (self->full_labels[i], 0, MAX_LABEL_CHARS - 1);
              self->labels[i] = g_strconcat (head, "…", NULL);
            }
          else
            self->labels[i] = g_strdup (self->full_labels[i]);
        }
    }
  self->hover = FALSE;
  update_description (self);
  invalidate_texture (self);
}

void
sd_heatmap_set_blocks (SdHeatmap          *self,
                       const guint        *block_of,
                       const char * const *names)
{
  g_return_if_fail (SD_IS_HEATMAP (self));

  g_clear_pointer (&self->block_of, g_free);
  g_clear_pointer (&self->block_names, g_strfreev);
  if (block_of && names && self->n > 0)
    {
      self->block_of = g_memdup2 (block_of, sizeof (guint) * self->n);
      self->block_names = g_strdupv ((char **) names);
    }
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

guint
sd_heatmap_get_size (SdHeatmap *self)
{
  g_return_val_if_fail (SD_IS_HEATMAP (self), 0);
  return self->n;
}

void
sd_heatmap_set_range (SdHeatmap *self,
                      double     min,
                      double     max)
{
  g_return_if_fail (SD_IS_HEATMAP (self));

  self->fixed_min = min;
  self->fixed_max = max;
  update_description (self);
  invalidate_texture (self);
}

void
sd_heatmap_get_range (SdHeatmap *self,
                      double    *min,
                      double    *max)
{
  double lo, hi;

  g_return_if_fail (SD_IS_HEATMAP (self));
  effective_range (self, &lo, &hi);
  if (min) *min = lo;
  if (max) *max = hi;
}

void
sd_heatmap_set_color_scale (SdHeatmap      *self,
                            SdHeatmapScale  scale)
{
  g_return_if_fail (SD_IS_HEATMAP (self));

  if (self->scale == scale)
    return;
  self->scale = scale;
  update_description (self);
  invalidate_texture (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COLOR_SCALE]);
}

SdHeatmapScale
sd_heatmap_get_color_scale (SdHeatmap *self)
{
  g_return_val_if_fail (SD_IS_HEATMAP (self), SD_HEATMAP_SEQUENTIAL);
  return self->scale;
}

void
sd_heatmap_set_title (SdHeatmap  *self,
                      const char *title)
{
  g_return_if_fail (SD_IS_HEATMAP (self));

  g_free (self->title);
  self->title = g_strdup (title);
  update_description (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

const char *
sd_heatmap_get_description (SdHeatmap *self)
{
  g_return_val_if_fail (SD_IS_HEATMAP (self), NULL);
  return self->description;
}
