/* sd-chart-draw.c — theme colours, painter, axes frame, legend and export for the charts */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>
#include <cairo-svg.h>

#include "sd-chart-draw.h"
#include "sd-error.h"

#define PAD 8.0
#define TICK_GAP 6.0
#define SWATCH_W 16.0
#define LEGEND_GAP 18.0

/* libadwaita's named palette; the first shade reads on light backgrounds, the second on dark. */
static const struct {
  const char *light, *dark;
  const char *light_fallback, *dark_fallback;
} palette_names[SD_CHART_PALETTE_SIZE] = {
  { "accent_color", "accent_color", "#1c71d8", "#78aeed" },
  { "orange_4", "orange_2", "#e66100", "#ffa348" },
  { "green_5", "green_2", "#26a269", "#57e389" },
  { "purple_3", "purple_1", "#9141ac", "#dc8add" },
  { "red_3", "red_1", "#e01b24", "#f66151" },
  { "brown_3", "brown_1", "#986a44", "#cdab8f" },
  { "yellow_5", "yellow_3", "#e5a50a", "#f6d32d" },
  { "dark_1", "light_4", "#77767b", "#c0bfbc" },
  /* Not in libadwaita's palette (so the fallbacks are used): up to twelve categories, such
   * as the demo shop's taste groups or the most clusters the Customers page chooses
   * (sd_customer_map_compute: 2 … 12), still get a colour each. */
  { "sd_teal", "sd_teal", "#1d8a8a", "#5bc8c8" },
  { "sd_pink", "sd_pink", "#c2185b", "#f48fb1" },
  { "sd_olive", "sd_olive", "#6b7d12", "#c0d45c" },
  { "sd_navy", "sd_navy", "#283593", "#9fa8da" },
};

static void
lookup (GtkStyleContext *ctx,
        const char      *name,
        const char      *fallback,
        GdkRGBA         *out)
{
  if (!gtk_style_context_lookup_color (ctx, name, out))
    gdk_rgba_parse (out, fallback);
}

void
sd_chart_colors_lookup (GtkWidget     *widget,
                        SdChartColors *colors)
{
  GtkStyleContext *ctx = gtk_widget_get_style_context (widget);
  double lum;

  gtk_style_context_get_color (ctx, &colors->fg);
  /* Light text means a dark background, whatever the theme calls itself. */
  lum = 0.2126 * colors->fg.red + 0.7152 * colors->fg.green + 0.0722 * colors->fg.blue;
  colors->dark = lum > 0.5;

  lookup (ctx, "view_bg_color", colors->dark ? "#1e1e1e" : "#ffffff", &colors->bg);
  colors->grid = colors->fg;
  colors->grid.alpha *= colors->dark ? 0.12 : 0.09;
  colors->axis = colors->fg;
  colors->axis.alpha *= 0.35;
  colors->muted = colors->fg;
  colors->muted.alpha *= 0.7;

  for (guint i = 0; i < SD_CHART_PALETTE_SIZE; i++)
    lookup (ctx,
            colors->dark ? palette_names[i].dark : palette_names[i].light,
            colors->dark ? palette_names[i].dark_fallback : palette_names[i].light_fallback,
            &colors->palette[i]);
}

void
sd_chart_set_source_rgba (cairo_t       *cr,
                          const GdkRGBA *color,
                          double         alpha_factor)
{
  cairo_set_source_rgba (cr, color->red, color->green, color->blue, color->alpha * alpha_factor);
}

void
sd_chart_painter_fill (SdChartPainter *painter,
                       const GdkRGBA  *color,
                       double          x,
                       double          y,
                       double          width,
                       double          height)
{
  if (painter->snapshot)
    {
      gtk_snapshot_append_color (painter->snapshot, color,
                                 &GRAPHENE_RECT_INIT (x, y, width, height));
      return;
    }
  gdk_cairo_set_source_rgba (painter->cr, color);
  cairo_rectangle (painter->cr, x, y, width, height);
  cairo_fill (painter->cr);
}

cairo_t *
sd_chart_painter_begin (SdChartPainter *painter,
                        double          width,
                        double          height)
{
  if (painter->snapshot)
    return gtk_snapshot_append_cairo (painter->snapshot,
                                      &GRAPHENE_RECT_INIT (0, 0, width, height));
  return cairo_reference (painter->cr);
}

PangoLayout *
sd_chart_create_layout (GtkWidget *widget,
                        gboolean   small)
{
  PangoLayout *layout = gtk_widget_create_pango_layout (widget, NULL);

  if (small)
    {
      PangoContext *pctx = gtk_widget_get_pango_context (widget);
      PangoFontDescription *desc = pango_font_description_copy (pango_context_get_font_description (pctx));
      int size = pango_font_description_get_size (desc);

      if (size <= 0)
        size = 11 * PANGO_SCALE;
      /* GTK sets the widget's font in pixels (absolute); set_size() would read the same
       * number as points, and the "small" text came out a sixth larger than the normal. */
      if (pango_font_description_get_size_is_absolute (desc))
        pango_font_description_set_absolute_size (desc, size * 0.85);
      else
        pango_font_description_set_size (desc, (int) (size * 0.85));
      pango_layout_set_font_description (layout, desc);
      pango_font_description_free (desc);
    }
  return layout;
}

gboolean
sd_chart_words_fit (PangoLayout *layout,
                    const char  *text,
                    int          max_width)
{
  g_auto(GStrv) words = g_strsplit (text, " ", -1);
  gboolean fit = TRUE;

  pango_layout_set_width (layout, -1);
  for (guint i = 0; fit && words[i]; i++)
    {
      int w, h;
      pango_layout_set_text (layout, words[i], -1);
      pango_layout_get_pixel_size (layout, &w, &h);
      fit = w <= max_width;
    }
  pango_layout_set_text (layout, text, -1);
  return fit;
}

/* Whether Pango broke one of @layout's lines where a line may not break: inside a word of
 * a script that puts spaces between words ("Hibernat-ing"); between two Chinese characters
 * a line may break. */
static gboolean
breaks_inside_word (PangoLayout *layout)
{
  const char *text = pango_layout_get_text (layout);
  int n_attrs = 0;
  const PangoLogAttr *attrs = pango_layout_get_log_attrs_readonly (layout, &n_attrs);
  GSList *lines = pango_layout_get_lines_readonly (layout);

  for (GSList *l = lines ? lines->next : NULL; l; l = l->next)
    {
      PangoLayoutLine *line = l->data;
      glong at = g_utf8_pointer_to_offset (text, text + line->start_index);

      if (at > 0 && at < n_attrs && !attrs[at].is_line_break)
        return TRUE;
    }
  return FALSE;
}

gboolean
sd_chart_fit_wrapped (PangoLayout *layout,
                      const char  *text,
                      int          max_width,
                      double       min_scale)
{
  const PangoFontDescription *font = pango_layout_get_font_description (layout);
  PangoFontDescription *desc = pango_font_description_copy (font ? font : pango_context_get_font_description (pango_layout_get_context (layout)));
  int size = pango_font_description_get_size (desc);
  gboolean fit = FALSE;

  for (double scale = 1.0; !fit; scale = MAX (min_scale, scale * 0.92))
    {
      if (pango_font_description_get_size_is_absolute (desc))
        pango_font_description_set_absolute_size (desc, size * scale);
      else
        pango_font_description_set_size (desc, (int) (size * scale));
      pango_layout_set_font_description (layout, desc);
      pango_layout_set_text (layout, text, -1);
      pango_layout_set_width (layout, max_width * PANGO_SCALE);
      fit = !pango_layout_is_ellipsized (layout) && !breaks_inside_word (layout);
      if (scale <= min_scale)
        break;
    }
  pango_font_description_free (desc);
  return fit;
}

int
sd_chart_balance_lines (PangoLayout *layout)
{
  int lines = pango_layout_get_line_count (layout);
  int hi = pango_layout_get_width (layout);
  int lo;

  if (hi < 0 || lines < 2)
    return hi < 0 ? -1 : PANGO_PIXELS (hi);
  /* The lines share the text, so none is narrower than its share of it. */
  lo = hi / lines;
  while (hi - lo > PANGO_SCALE / 2)
    {
      int mid = lo + (hi - lo) / 2;

      pango_layout_set_width (layout, mid);
      if (pango_layout_get_line_count (layout) == lines && !pango_layout_is_ellipsized (layout) &&
          !breaks_inside_word (layout))
        hi = mid;
      else
        lo = mid;
    }
  pango_layout_set_width (layout, hi);
  return PANGO_PIXELS (hi);
}

static int
unwrapped_width (PangoLayout *layout,
                 const char  *text)
{
  PangoRectangle logical;

  pango_layout_set_text (layout, text, -1);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  return logical.width;
}

/* The length of the piece of @text up to and including its next list separator (or its end). */
static gsize
piece_length (const char *text)
{
  static const char *const separators[] = { "、", "，", ",", "·", "/", "；", ";" };

  for (const char *p = text; *p; p = g_utf8_next_char (p))
    for (guint i = 0; i < G_N_ELEMENTS (separators); i++)
      {
        gsize len = strlen (separators[i]);
        const char *after = p + len;

        /* "1,000" is one number */
        if (strncmp (p, separators[i], len) == 0 && !g_ascii_isdigit (*after))
          return after - text;
      }
  return strlen (text);
}

void
sd_chart_layout_set_wrapped_text (PangoLayout *layout,
                                  const char  *text,
                                  int          max_width)
{
  g_autoptr(GString) lines = g_string_new (NULL);
  gsize line_start = 0;

  g_return_if_fail (PANGO_IS_LAYOUT (layout) && text != NULL);
  pango_layout_set_width (layout, -1);
  if (unwrapped_width (layout, text) > max_width)
    /* Greedily, as many pieces on a line as fit; a piece too wide alone is Pango's to wrap. */
    for (const char *p = text; *p;)
      {
        gsize len = piece_length (p);
        gsize before = lines->len;

        g_string_append_len (lines, p, len);
        if (before > line_start && unwrapped_width (layout, lines->str + line_start) > max_width)
          {
            const char *piece = p;

            while (before > line_start && lines->str[before - 1] == ' ')
              before--;
            g_string_truncate (lines, before);
            g_string_append_c (lines, '\n');
            line_start = lines->len;
            while (*piece == ' ')
              piece++;
            g_string_append_len (lines, piece, len - (piece - p));
          }
        p += len;
      }
  pango_layout_set_text (layout, lines->len ? lines->str : text, -1);
  pango_layout_set_width (layout, max_width * PANGO_SCALE);
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD);
}

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

static double
max_label_width (PangoLayout *layout,
                 GArray      *ticks)
{
  double best = 0;

  for (guint i = 0; i < ticks->len; i++)
    {
      double w;
      text_size (layout, g_array_index (ticks, SdChartTick, i).label, &w, NULL);
      best = MAX (best, w);
    }
  return best;
}

/* Lays the legend out in rows inside @avail_w; returns its height (0 when empty). When
 * @cr is set, also draws the labels starting at (@x0, @y0). */
static double
legend_pass (PangoLayout              *layout,
             const SdChartLegendEntry *legend,
             guint                     n_legend,
             double                    x0,
             double                    y0,
             double                    avail_w,
             SdChartPainter           *painter,
             cairo_t                  *cr,
             const GdkRGBA            *fg)
{
  double x = 0, row = 0, line_h = 0;

  if (n_legend == 0)
    return 0;
  text_size (layout, "Ag", NULL, &line_h);
  for (guint i = 0; i < n_legend; i++)
    {
      double tw, w;

      text_size (layout, legend[i].label ? legend[i].label : "", &tw, NULL);
      w = SWATCH_W + 6 + tw;
      if (x > 0 && x + w > avail_w)
        {
          x = 0;
          row++;
        }
      if (painter)
        sd_chart_painter_fill (painter, legend[i].color,
                               x0 + x, y0 + row * (line_h + 4) + line_h / 2 - 1.5, SWATCH_W, 3);
      if (cr)
        {
          cairo_move_to (cr, x0 + x + SWATCH_W + 6, y0 + row * (line_h + 4));
          gdk_cairo_set_source_rgba (cr, fg);
          pango_cairo_show_layout (cr, layout);
        }
      x += w + LEGEND_GAP;
    }
  return (row + 1) * (line_h + 4) - 4;
}

static GArray *
no_ticks (void)
{
  return g_array_new (FALSE, FALSE, sizeof (SdChartTick));
}

static GArray *
x_ticks (const SdChartFrame *frame,
         const SdChartScale *x,
         guint               max)
{
  if (frame->no_ticks)
    return no_ticks ();
  if (frame->x_ticks_func)
    return frame->x_ticks_func (x, max, frame->x_ticks_data);
  return frame->x_integer ? sd_chart_scale_integer_ticks (x, max) : sd_chart_scale_ticks (x, max);
}

static GArray *
x_ticks_that_fit (const SdChartFrame *frame,
                  PangoLayout        *layout,
                  const SdChartScale *x,
                  double              plot_w)
{
  guint max = MAX (2, (guint) (plot_w / 70));
  GArray *ticks = x_ticks (frame, x, max);

  /* Fewer ticks until their labels have room between them. */
  for (int tries = 0; tries < 6 && max > 2; tries++)
    {
      double w = max_label_width (layout, ticks) + 16;

      if (w * ticks->len <= plot_w)
        break;
      max = MAX (2, MIN (max - 1, (guint) (plot_w / w)));
      g_array_unref (ticks);
      ticks = x_ticks (frame, x, max);
    }
  return ticks;
}

void
sd_chart_frame_layout (SdChartFrame             *frame,
                       GtkWidget                *widget,
                       double                    width,
                       double                    height,
                       const SdChartScale       *x,
                       const SdChartScale       *y,
                       const char               *x_title,
                       const char               *y_title,
                       const SdChartLegendEntry *legend,
                       guint                     n_legend)
{
  g_autoptr(PangoLayout) small = sd_chart_create_layout (widget, TRUE);
  g_autoptr(PangoLayout) normal = sd_chart_create_layout (widget, FALSE);
  double tick_h, title_h, left = 48, right = PAD + 12, top, bottom;

  sd_chart_frame_clear (frame);
  frame->width = width;
  frame->height = height;
  frame->x = *x;
  frame->y = *y;
  frame->x_title = x_title;
  frame->y_title = y_title;

  text_size (small, "0", NULL, &tick_h);
  text_size (normal, "Ag", NULL, &title_h);
  bottom = PAD + (frame->no_ticks ? 0 : tick_h) + 4 + (x_title && *x_title ? title_h + 2 : 0);

  /* Margins depend on labels that depend on the plot size: two passes settle it. */
  for (int pass = 0; pass < 2; pass++)
    {
      double plot_w, plot_h, last_half;

      frame->legend_height = legend_pass (normal, legend, n_legend, 0, 0,
                                          MAX (1, width - left - right), NULL, NULL, NULL);
      top = PAD + (frame->legend_height > 0 ? frame->legend_height + PAD : tick_h / 2);
      plot_h = MAX (1, height - top - bottom);

      g_clear_pointer (&frame->y_ticks, g_array_unref);
      frame->y_ticks = frame->no_ticks ? no_ticks () : sd_chart_scale_ticks (y, MAX (2, (guint) (plot_h / 36)));
      for (guint i = 0; frame->y_label_func && i < frame->y_ticks->len; i++)
        frame->y_label_func (&g_array_index (frame->y_ticks, SdChartTick, i), frame->y_label_data);
      left = PAD + (y_title && *y_title ? title_h + 6 : 0) + max_label_width (small, frame->y_ticks) + TICK_GAP;

      plot_w = MAX (1, width - left - right);
      g_clear_pointer (&frame->x_ticks, g_array_unref);
      sd_chart_scale_set_range (&frame->x, left, left + plot_w);
      frame->x_ticks = x_ticks_that_fit (frame, small, &frame->x, plot_w);

      /* The last x label is centred on its tick: leave room for its right half. */
      last_half = 0;
      if (frame->x_ticks->len > 0)
        {
          const SdChartTick *t = &g_array_index (frame->x_ticks, SdChartTick, frame->x_ticks->len - 1);
          double tw;

          text_size (small, t->label, &tw, NULL);
          last_half = tw / 2 - (left + plot_w - sd_chart_scale_to_pixel (&frame->x, t->value));
        }
      right = MAX (PAD + 4, last_half + 4);

      /* Whole pixels: crisp grid lines, and textures drawn into the plot are not resampled. */
      left = ceil (left);
      top = ceil (top);
      frame->plot = GRAPHENE_RECT_INIT (left, top, MAX (1, floor (width - left - right)), floor (plot_h));
    }

  sd_chart_scale_set_range (&frame->x, frame->plot.origin.x, frame->plot.origin.x + frame->plot.size.width);
  sd_chart_scale_set_range (&frame->y, frame->plot.origin.y + frame->plot.size.height, frame->plot.origin.y);
  g_clear_pointer (&frame->x_ticks, g_array_unref);
  frame->x_ticks = x_ticks_that_fit (frame, small, &frame->x, frame->plot.size.width);
}

void
sd_chart_frame_clear (SdChartFrame *frame)
{
  g_clear_pointer (&frame->x_ticks, g_array_unref);
  g_clear_pointer (&frame->y_ticks, g_array_unref);
}

void
sd_chart_frame_paint_legend_swatches (SdChartFrame             *frame,
                                      GtkWidget                *widget,
                                      SdChartPainter           *painter,
                                      const SdChartLegendEntry *legend,
                                      guint                     n_legend)
{
  g_autoptr(PangoLayout) normal = sd_chart_create_layout (widget, FALSE);

  legend_pass (normal, legend, n_legend, frame->plot.origin.x, PAD,
               frame->plot.size.width, painter, NULL, NULL);
}

void
sd_chart_frame_draw (SdChartFrame             *frame,
                     GtkWidget                *widget,
                     cairo_t                  *cr,
                     const SdChartColors      *colors,
                     const SdChartLegendEntry *legend,
                     guint                     n_legend)
{
  g_autoptr(PangoLayout) small = sd_chart_create_layout (widget, TRUE);
  g_autoptr(PangoLayout) normal = sd_chart_create_layout (widget, FALSE);
  const graphene_rect_t *p = &frame->plot;
  double px0 = p->origin.x, py0 = p->origin.y;
  double px1 = px0 + p->size.width, py1 = py0 + p->size.height;

  cairo_save (cr);
  cairo_set_line_width (cr, 1);

  /* Grid on whole pixels (+0.5) so one-pixel lines stay sharp. */
  gdk_cairo_set_source_rgba (cr, &colors->grid);
  for (guint i = 0; i < frame->y_ticks->len; i++)
    {
      double y = round (sd_chart_scale_to_pixel (&frame->y, g_array_index (frame->y_ticks, SdChartTick, i).value)) + 0.5;
      cairo_move_to (cr, px0, y);
      cairo_line_to (cr, px1, y);
    }
  for (guint i = 0; frame->x_ticks_func == NULL && i < frame->x_ticks->len; i++)
    {
      double x = round (sd_chart_scale_to_pixel (&frame->x, g_array_index (frame->x_ticks, SdChartTick, i).value)) + 0.5;
      cairo_move_to (cr, x, py0);
      cairo_line_to (cr, x, py1);
    }
  cairo_stroke (cr);

  gdk_cairo_set_source_rgba (cr, &colors->axis);
  cairo_move_to (cr, round (px0) + 0.5, py0);
  cairo_line_to (cr, round (px0) + 0.5, round (py1) + 0.5);
  cairo_line_to (cr, px1, round (py1) + 0.5);
  cairo_stroke (cr);

  gdk_cairo_set_source_rgba (cr, &colors->muted);
  for (guint i = 0; i < frame->y_ticks->len; i++)
    {
      const SdChartTick *t = &g_array_index (frame->y_ticks, SdChartTick, i);
      double y = sd_chart_scale_to_pixel (&frame->y, t->value);
      double tw, th;

      text_size (small, t->label, &tw, &th);
      cairo_move_to (cr, px0 - TICK_GAP - tw, y - th / 2);
      pango_cairo_show_layout (cr, small);
    }
  for (guint i = 0; i < frame->x_ticks->len; i++)
    {
      const SdChartTick *t = &g_array_index (frame->x_ticks, SdChartTick, i);
      double x = sd_chart_scale_to_pixel (&frame->x, t->value);
      double tw;

      text_size (small, t->label, &tw, NULL);
      cairo_move_to (cr, x - tw / 2, py1 + 4);
      pango_cairo_show_layout (cr, small);
    }

  gdk_cairo_set_source_rgba (cr, &colors->fg);
  if (frame->x_title && *frame->x_title)
    {
      double tw, th;

      text_size (normal, frame->x_title, &tw, &th);
      cairo_move_to (cr, px0 + (p->size.width - tw) / 2, frame->height - PAD - th);
      pango_cairo_show_layout (cr, normal);
    }
  if (frame->y_title && *frame->y_title)
    {
      double tw, th;

      text_size (normal, frame->y_title, &tw, &th);
      cairo_save (cr);
      cairo_translate (cr, PAD, py0 + (p->size.height + tw) / 2);
      cairo_rotate (cr, -G_PI / 2);
      cairo_move_to (cr, 0, 0);
      pango_cairo_show_layout (cr, normal);
      cairo_restore (cr);
    }

  legend_pass (normal, legend, n_legend, px0, PAD, p->size.width, NULL, cr, &colors->fg);
  cairo_restore (cr);
}

static cairo_status_t
append_bytes (void                *closure,
              const unsigned char *data,
              unsigned int         length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

gboolean
sd_chart_export (GtkWidget        *widget,
                 SdChartDrawFunc   draw,
                 const char       *path,
                 gboolean          svg,
                 int               width,
                 int               height,
                 GError          **error)
{
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  cairo_surface_t *surface;
  cairo_status_t status;
  SdChartColors colors;
  SdChartPainter painter = { 0 };

  g_return_val_if_fail (path != NULL, FALSE);

  if (width <= 0 || height <= 0 || width > 16384 || height > 16384)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("Cannot export “%s”: a size of %d × %d pixels is not drawable"),
                   path, width, height);
      return FALSE;
    }

  if (svg)
    {
      surface = cairo_svg_surface_create_for_stream (append_bytes, bytes, width, height);
      /* Pixels, not points: a 900-wide export opens 900 pixels wide. */
      cairo_svg_surface_set_document_unit (surface, CAIRO_SVG_UNIT_PX);
    }
  else
    surface = cairo_image_surface_create (CAIRO_FORMAT_ARGB32, width, height);

  sd_chart_colors_lookup (widget, &colors);
  painter.cr = cairo_create (surface);
  gdk_cairo_set_source_rgba (painter.cr, &colors.bg);
  cairo_paint (painter.cr);
  draw (widget, &painter, width, height);
  status = cairo_status (painter.cr);
  cairo_destroy (painter.cr);

  if (status == CAIRO_STATUS_SUCCESS)
    {
      if (svg)
        cairo_surface_finish (surface);
      else
        status = cairo_surface_write_to_png_stream (surface, append_bytes, bytes);
    }
  if (status == CAIRO_STATUS_SUCCESS)
    status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);

  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_FAILED, _("Cannot draw the chart for “%s”: %s"),
                   path, cairo_status_to_string (status));
      return FALSE;
    }
  return g_file_set_contents (path, (const char *) bytes->data, bytes->len, error);
}
