/* test-charts.c — the chart widgets with data in a window: drawing, export, screenshots */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "sd-chart-controls.h"
#include "sd-chart-draw.h"
#include "sd-chart-scale.h"
#include "sd-resources.h"
#include "sd-heatmap.h"
#include "sd-rfm-grid.h"
#include "sd-line-chart.h"
#include "sd-scatter.h"
#include "sd-seriation.h"

/* Saves what @widget shows as BUILDDIR/charts-@name.png, so a person can look at it. */
static void
save_screenshot (GtkWidget  *widget,
                 const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *file = g_strdup_printf ("charts-%s.png", name);
  g_autofree char *path = g_test_build_filename (G_TEST_BUILT, file, NULL);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  int w = gtk_widget_get_width (widget);
  int h = gtk_widget_get_height (widget);

  /* Charts draw on the window background: put it under the screenshot too. */
  {
    GdkRGBA bg;
    gtk_style_context_lookup_color (gtk_widget_get_style_context (widget), "window_bg_color", &bg);
    gtk_snapshot_append_color (snapshot, &bg, &GRAPHENE_RECT_INIT (0, 0, w, h));
  }
  gdk_paintable_snapshot (paintable, snapshot, w, h);
  node = gtk_snapshot_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, w, h));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

static GtkWidget *
show_in_window (GtkWidget *child,
                int        width,
                int        height)
{
  GtkWidget *window = gtk_window_new ();

  gtk_window_set_default_size (GTK_WINDOW (window), width, height);
  gtk_widget_set_margin_start (child, 12);
  gtk_widget_set_margin_end (child, 12);
  gtk_widget_set_margin_top (child, 12);
  gtk_widget_set_margin_bottom (child, 12);
  gtk_window_set_child (GTK_WINDOW (window), child);
  gtk_window_present (GTK_WINDOW (window));
  gtk_test_widget_wait_for_draw (child);
  return window;
}

static void
wait_for_draw (GtkWidget *widget)
{
  gtk_widget_queue_draw (widget);
  gtk_test_widget_wait_for_draw (widget);
}

static void
set_dark (gboolean dark)
{
  adw_style_manager_set_color_scheme (adw_style_manager_get_default (),
                                      dark ? ADW_COLOR_SCHEME_FORCE_DARK : ADW_COLOR_SCHEME_FORCE_LIGHT);
}

/* A style switch alone must make @widget redraw in the new colours (no queue_draw here). */
static void
set_dark_and_wait (GtkWidget *widget,
                   gboolean   dark)
{
  gboolean was_dark = adw_style_manager_get_dark (adw_style_manager_get_default ());

  set_dark (dark);
  if (was_dark == dark)
    gtk_widget_queue_draw (widget);
  gtk_test_widget_wait_for_draw (widget);
}

/* A training run: noisy decreasing loss per step, validation per epoch. */
static void
fill_loss_curves (SdLineChart *chart,
                  guint        steps_per_epoch,
                  guint        epochs,
                  double      *last_val)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (1);
  guint train = sd_line_chart_add_series (chart, "train", "train loss");
  guint val = sd_line_chart_add_series (chart, "val", "validation loss");
  guint ndcg = sd_line_chart_add_series (chart, "lr", "learning rate × 10");

  for (guint e = 0; e < epochs; e++)
    for (guint s = 0; s < steps_per_epoch; s++)
      {
        double x = e + (double) s / steps_per_epoch;
        double y = 0.2 + 2.0 * exp (-x / 4.0) + g_rand_double_range (rand, -0.08, 0.08) * (1 + exp (-x / 4));
        sd_line_chart_append (chart, train, x, y);
      }
  for (guint e = 1; e <= epochs; e++)
    {
      *last_val = 0.25 + 1.9 * exp (-(double) e / 4.5) + 0.002 * e;
      sd_line_chart_append (chart, val, e, *last_val);
      sd_line_chart_append (chart, ndcg, e, 0.5 * pow (0.9, e));
    }
}

static void
test_line_chart (void)
{
  GtkWidget *chart = sd_line_chart_new ();
  GtkWidget *window;
  double last_val = 0;
  g_autofree char *png = g_test_build_filename (G_TEST_BUILT, "charts-export.png", NULL);
  g_autofree char *svg = g_test_build_filename (G_TEST_BUILT, "charts-export.svg", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GdkTexture) loaded = NULL;
  g_autofree char *svg_text = NULL;
  g_autofree char *last_text = NULL;
  g_autoptr(GFile) png_file = NULL;
  gsize svg_len = 0;

  g_object_ref_sink (chart);
  sd_line_chart_set_axis_titles (SD_LINE_CHART (chart), "epoch", "loss");
  fill_loss_curves (SD_LINE_CHART (chart), 200, 20, &last_val);
  g_assert_cmpuint (sd_line_chart_get_n_series (SD_LINE_CHART (chart)), ==, 3);
  g_assert_cmpint (sd_line_chart_find_series (SD_LINE_CHART (chart), "val"), ==, 1);
  g_assert_true (isfinite (last_val));

  window = show_in_window (chart, 760, 460);

  for (int dark = 0; dark <= 1; dark++)
    {
      g_autofree char *n1 = g_strdup_printf ("line-%s", dark ? "dark" : "light");
      g_autofree char *n2 = g_strdup_printf ("line-smooth-log-%s", dark ? "dark" : "light");

      set_dark (dark);
      sd_line_chart_set_smoothing (SD_LINE_CHART (chart), 0);
      sd_line_chart_set_log_scale (SD_LINE_CHART (chart), FALSE);
      wait_for_draw (chart);
      save_screenshot (chart, n1);

      g_object_set (chart, "smoothing", 0.9, "log-scale", TRUE, NULL);
      wait_for_draw (chart);
      save_screenshot (chart, n2);
    }
  set_dark (FALSE);
  g_assert_cmpfloat (sd_line_chart_get_smoothing (SD_LINE_CHART (chart)), ==, 0.9);
  g_assert_true (sd_line_chart_get_log_scale (SD_LINE_CHART (chart)));

  /* Zoom and reset through the widget's actions. */
  g_assert_false (sd_line_chart_get_zoomed (SD_LINE_CHART (chart)));
  gtk_widget_activate_action (chart, "chart.zoom-in", NULL);
  g_assert_true (sd_line_chart_get_zoomed (SD_LINE_CHART (chart)));
  wait_for_draw (chart);
  save_screenshot (chart, "line-zoomed");
  gtk_widget_activate_action (chart, "chart.reset-view", NULL);
  g_assert_false (sd_line_chart_get_zoomed (SD_LINE_CHART (chart)));

  /* Zooming out never shows epochs before the first; a view that reaches the newest
   * epoch follows the curve as training appends; one that does not stays put. */
  {
    double x0, x1, y0, y1;

    for (guint i = 0; i < 3; i++)
      gtk_widget_activate_action (chart, "chart.zoom-out", NULL);
    sd_line_chart_get_x_view (SD_LINE_CHART (chart), &x0, &x1);
    g_assert_cmpfloat (x0, >=, 0.0);   /* the first point, at epoch 0 */
    g_assert_cmpfloat (x1, >=, 20.0);
    sd_line_chart_append (SD_LINE_CHART (chart), 0, 40, 0.3);
    sd_line_chart_get_x_view (SD_LINE_CHART (chart), &y0, &y1);
    g_assert_cmpfloat (y1, >=, 40.0);
    g_assert_cmpfloat (y1 - y0, ==, x1 - x0);
    gtk_widget_activate_action (chart, "chart.reset-view", NULL);

    gtk_widget_activate_action (chart, "chart.zoom-in", NULL);
    gtk_widget_activate_action (chart, "chart.zoom-in", NULL);
    sd_line_chart_get_x_view (SD_LINE_CHART (chart), &x0, &x1);
    g_assert_cmpfloat (x1, <, 40.0);
    sd_line_chart_append (SD_LINE_CHART (chart), 0, 41, 0.3);
    sd_line_chart_get_x_view (SD_LINE_CHART (chart), &y0, &y1);
    g_assert_cmpfloat (y0, ==, x0);
    g_assert_cmpfloat (y1, ==, x1);
    gtk_widget_activate_action (chart, "chart.reset-view", NULL);
  }

  /* The description names every series and the last value of each. */
  last_text = sd_chart_format_value (last_val);
  g_test_message ("description: %s", sd_line_chart_get_description (SD_LINE_CHART (chart)));
  g_assert_nonnull (strstr (sd_line_chart_get_description (SD_LINE_CHART (chart)), last_text));
  g_assert_nonnull (strstr (sd_line_chart_get_description (SD_LINE_CHART (chart)), "validation loss: last"));
  g_assert_nonnull (strstr (sd_line_chart_get_description (SD_LINE_CHART (chart)), "epoch 20"));

  /* Exports: a PNG that loads back at the asked size, an SVG that is SVG. */
  g_remove (png);
  g_remove (svg);
  g_assert_true (sd_line_chart_export_png (SD_LINE_CHART (chart), png, 900, 500, &error));
  g_assert_no_error (error);
  g_assert_true (sd_line_chart_export_svg (SD_LINE_CHART (chart), svg, 900, 500, &error));
  g_assert_no_error (error);

  png_file = g_file_new_for_path (png);
  loaded = gdk_texture_new_from_file (png_file, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gdk_texture_get_width (loaded), ==, 900);
  g_assert_cmpint (gdk_texture_get_height (loaded), ==, 500);

  g_assert_true (g_file_get_contents (svg, &svg_text, &svg_len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (svg_len, >, 1000);
  g_assert_true (g_str_has_prefix (svg_text, "<?xml") || g_str_has_prefix (svg_text, "<svg"));
  g_assert_nonnull (strstr (svg_text, "</svg>"));
  /* Where librsvg's pixbuf loader is installed, the SVG must also parse at its size. */
  {
    g_autoptr(GdkPixbuf) pixbuf = gdk_pixbuf_new_from_file (svg, &error);

    if (pixbuf == NULL && g_error_matches (error, GDK_PIXBUF_ERROR, GDK_PIXBUF_ERROR_UNKNOWN_TYPE))
      g_test_message ("no SVG loader for GdkPixbuf; SVG checked by its text only");
    else
      {
        g_assert_no_error (error);
        g_assert_cmpint (gdk_pixbuf_get_width (pixbuf), ==, 900);
        g_assert_cmpint (gdk_pixbuf_get_height (pixbuf), ==, 500);
      }
    g_clear_error (&error);
  }

  /* A path that cannot be written gives an error naming it, not a crash. */
  g_assert_false (sd_line_chart_export_png (SD_LINE_CHART (chart), "/nonexistent/dir/chart.png", 100, 100, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/dir/chart"));
  g_clear_error (&error);

  /* Appending updates the description. */
  sd_line_chart_append (SD_LINE_CHART (chart), 1, 21, 0.123);
  g_assert_nonnull (strstr (sd_line_chart_get_description (SD_LINE_CHART (chart)), "last 0.123 at epoch 21"));

  sd_line_chart_clear (SD_LINE_CHART (chart));
  g_assert_cmpuint (sd_line_chart_get_n_series (SD_LINE_CHART (chart)), ==, 0);
  wait_for_draw (chart);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

/* What a redraw costs (decimation + Cairo node + rendering): for the report, not asserted. */
static void
report_redraw_cost (GtkWidget  *chart,
                    const char *what)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (chart);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (chart));
  const int rounds = 10;
  gint64 t0 = g_get_monotonic_time ();

  for (int i = 0; i < rounds; i++)
    {
      g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
      g_autoptr(GskRenderNode) node = NULL;
      g_autoptr(GdkTexture) texture = NULL;

      gdk_paintable_snapshot (paintable, snapshot, gtk_widget_get_width (chart), gtk_widget_get_height (chart));
      node = gtk_snapshot_to_node (snapshot);
      texture = gsk_renderer_render_texture (renderer, node, NULL);
    }
  g_test_message ("%s: %.1f ms per redraw", what, (g_get_monotonic_time () - t0) / 1000.0 / rounds);
}

/* 100k points per series: drawn through decimation, and still correct at the edges. */
static void
test_line_chart_large (void)
{
  GtkWidget *chart = sd_line_chart_new ();
  GtkWidget *window;
  g_autoptr(GRand) rand = g_rand_new_with_seed (9);
  guint a, b;
  gint64 t0, t1;

  g_object_ref_sink (chart);
  sd_line_chart_set_axis_titles (SD_LINE_CHART (chart), "row", "rows/s");
  a = sd_line_chart_add_series (SD_LINE_CHART (chart), "a", "import rate");
  b = sd_line_chart_add_series (SD_LINE_CHART (chart), "b", "with gaps and zeros");
  for (int i = 0; i < 100000; i++)
    {
      sd_line_chart_append (SD_LINE_CHART (chart), a, i, 50000 + 20000 * sin (i / 5000.0) + g_rand_double_range (rand, -8000, 8000));
      sd_line_chart_append (SD_LINE_CHART (chart), b, i, i % 20000 < 500 ? (i % 2 ? NAN : 0) : 20000 + i * 0.3);
    }
  window = show_in_window (chart, 760, 460);
  t0 = g_get_monotonic_time ();
  wait_for_draw (chart);
  t1 = g_get_monotonic_time ();
  g_test_message ("100k×2 points: first frame after %.1f ms", (t1 - t0) / 1000.0);

  report_redraw_cost (chart, "100k×2 points");
  save_screenshot (chart, "line-100k");
  sd_line_chart_set_smoothing (SD_LINE_CHART (chart), 0.99);
  wait_for_draw (chart);
  report_redraw_cost (chart, "100k×2 points, smoothed");
  save_screenshot (chart, "line-100k-smooth");
  sd_line_chart_set_log_scale (SD_LINE_CHART (chart), TRUE);
  wait_for_draw (chart);
  save_screenshot (chart, "line-100k-log");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

/* Customers in hidden taste groups: cosine similarity of noisy group profiles. */
static double *
make_similarity (guint   n,
                 guint   groups,
                 guint  *group_of,
                 GRand  *rand)
{
  const guint dims = 16;
  g_autofree double *vec = g_new (double, n * dims);
  double *sim = g_new (double, n * n);

  for (guint i = 0; i < n; i++)
    {
      double norm = 0;

      group_of[i] = g_rand_int_range (rand, 0, groups);
      for (guint d = 0; d < dims; d++)
        {
          double v = (d % groups == group_of[i] ? 1.0 : 0.0) + g_rand_double_range (rand, 0, 0.6);
          vec[i * dims + d] = v;
          norm += v * v;
        }
      for (guint d = 0; d < dims; d++)
        vec[i * dims + d] /= sqrt (norm);
    }
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      {
        double dot = 0;
        for (guint d = 0; d < dims; d++)
          dot += vec[i * dims + d] * vec[j * dims + d];
        sim[i * n + j] = dot;
      }
  return sim;
}

static void
show_heatmap (guint       n,
              gboolean    with_labels,
              const char *name)
{
  GtkWidget *heatmap = sd_heatmap_new ();
  GtkWidget *window;
  g_autoptr(GRand) rand = g_rand_new_with_seed (n);
  g_autofree guint *group_of = g_new (guint, n);
  g_autofree double *sim = make_similarity (n, 4, group_of, rand);
  g_autofree double *ordered = g_new (double, (gsize) n * n);
  g_autofree guint *order = g_new (guint, n);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  double lo, hi, x, y;
  guint row, col;

  g_object_ref_sink (heatmap);
  /* What the Customers page does: order rows so the taste groups show as blocks. */
  sd_seriation_order (sim, n, order);
  for (guint i = 0; i < n; i++)
    {
      for (guint j = 0; j < n; j++)
        ordered[i * n + j] = sim[order[i] * n + order[j]];
      g_ptr_array_add (labels, g_strdup_printf ("customer %u (g%u)", order[i] + 1, group_of[order[i]]));
    }
  g_ptr_array_add (labels, NULL);

  sd_heatmap_set_title (SD_HEATMAP (heatmap), "cosine similarity");
  sd_heatmap_set_matrix (SD_HEATMAP (heatmap), ordered, n,
                         with_labels ? (const char * const *) labels->pdata : NULL);
  g_assert_cmpuint (sd_heatmap_get_size (SD_HEATMAP (heatmap)), ==, n);
  sd_heatmap_get_range (SD_HEATMAP (heatmap), &lo, &hi);
  g_assert_cmpfloat (lo, <, hi);
  g_assert_cmpfloat (hi, <, 1.0);   /* the diagonal does not set the range */
  g_assert_nonnull (strstr (sd_heatmap_get_description (SD_HEATMAP (heatmap)), "cosine similarity"));

  window = show_in_window (heatmap, 620, 520);
  for (int dark = 0; dark <= 1; dark++)
    {
      g_autofree char *shot = g_strdup_printf ("heatmap-%s-%s", name, dark ? "dark" : "light");

      set_dark_and_wait (heatmap, dark);
      save_screenshot (heatmap, shot);
    }
  set_dark (FALSE);

  /* Hit testing agrees with the layout: the matrix is square and fills its cells in order. */
  g_assert_true (sd_heatmap_cell_at (SD_HEATMAP (heatmap), 300, 300, &row, &col) ||
                 !sd_heatmap_cell_at (SD_HEATMAP (heatmap), 1, 1, NULL, NULL));
  g_assert_false (sd_heatmap_cell_at (SD_HEATMAP (heatmap), -5, -5, &row, &col));
  for (x = 0; x < 600; x += 7)
    for (y = 0; y < 500; y += 7)
      if (sd_heatmap_cell_at (SD_HEATMAP (heatmap), x, y, &row, &col))
        {
          g_assert_cmpuint (row, <, n);
          g_assert_cmpuint (col, <, n);
        }

  sd_heatmap_set_color_scale (SD_HEATMAP (heatmap), SD_HEATMAP_DIVERGING);
  sd_heatmap_get_range (SD_HEATMAP (heatmap), &lo, &hi);
  g_assert_cmpfloat_with_epsilon (lo, -hi, 1e-12);
  wait_for_draw (heatmap);
  if (n <= 20)
    {
      g_autofree char *shot = g_strdup_printf ("heatmap-%s-diverging", name);
      save_screenshot (heatmap, shot);
    }

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (heatmap);
}

static void
test_heatmap (void)
{
  show_heatmap (16, TRUE, "16");
  show_heatmap (120, TRUE, "120");
  show_heatmap (300, FALSE, "300");
}

static void
point_activated_cb (SdScatter *scatter,
                    guint      index,
                    int       *out)
{
  *out = (int) index;
}

static void
lasso_cb (SdScatter *scatter,
          guint      n,
          guint     *out)
{
  *out = n;
}

/* The first line of @layout, without its line break. */
static char *
first_line (PangoLayout *layout)
{
  PangoLayoutLine *line = pango_layout_get_line_readonly (layout, 0);
  const char *text = pango_layout_get_text (layout);

  return g_strstrip (g_strndup (text + line->start_index, line->length));
}

/* A cluster's name on the customer map breaks after a separator, never inside a Chinese
 * word ("珠宝首饰、家居装|饰" was what Pango's own wrapping gave at 120 px). */
static void
test_wrapped_label (void)
{
  GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));
  g_autoptr(PangoLayout) layout = sd_chart_create_layout (label, TRUE);
  PangoRectangle logical;
  char *line;
  int one_line;

  sd_chart_layout_set_wrapped_text (layout, "珠宝首饰、家居装饰", 1000);
  g_assert_cmpint (pango_layout_get_line_count (layout), ==, 1);
  pango_layout_get_pixel_extents (layout, NULL, &logical);
  one_line = logical.width;

  /* Narrower than the whole name, wider than either half: one break, after 、 */
  sd_chart_layout_set_wrapped_text (layout, "珠宝首饰、家居装饰", one_line * 3 / 4);
  g_assert_cmpint (pango_layout_get_line_count (layout), ==, 2);
  line = first_line (layout);
  g_assert_cmpstr (line, ==, "珠宝首饰、");
  g_free (line);

  /* As many pieces on a line as fit */
  sd_chart_layout_set_wrapped_text (layout, "鞋履、服装 · 高消费人群", one_line * 3 / 4);
  g_assert_cmpint (pango_layout_get_line_count (layout), ==, 2);
  line = first_line (layout);
  g_assert_cmpstr (line, ==, "鞋履、服装 ·");
  g_free (line);

  /* More lines where needed, each ending at a separator ("Woodland · 高消|费" was Pango's) */
  sd_chart_layout_set_wrapped_text (layout, "Lunch、Woodland · 高消费", one_line / 2);
  g_assert_cmpstr (pango_layout_get_text (layout), ==, "Lunch、\nWoodland ·\n高消费");

  /* English keeps its spaces; a number's comma is not a separator */
  sd_chart_layout_set_wrapped_text (layout, "Spent 1,000,000 or more", one_line * 3 / 4);
  line = first_line (layout);
  g_assert_false (g_str_has_suffix (line, ","));
  g_free (line);

  g_object_unref (label);
}

static void
test_scatter (void)
{
  static const char * const names[] = { "bargain hunters", "gadget fans", "home & garden", "book lovers", "new customers", NULL };
  const guint n = 800;
  GtkWidget *scatter = sd_scatter_new ();
  GtkWidget *window;
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autofree double *x = g_new (double, n);
  g_autofree double *y = g_new (double, n);
  g_autofree guint *cat = g_new (guint, n);
  g_autoptr(GPtrArray) labels = g_ptr_array_new_with_free_func (g_free);
  double px, py;
  int activated = -1;

  g_object_ref_sink (scatter);
  for (guint i = 0; i < n; i++)
    {
      double a = g_rand_double_range (rand, 0, 2 * G_PI), r = fabs (g_rand_double_range (rand, 0, 1));

      cat[i] = g_rand_int_range (rand, 0, 5);
      x[i] = 2.5 * cos (cat[i] * 1.3) + r * cos (a) * 0.9;
      y[i] = 1.8 * sin (cat[i] * 1.3) + r * sin (a) * 0.9;
      g_ptr_array_add (labels, g_strdup_printf ("Customer %u", 1000 + i));
    }
  g_ptr_array_add (labels, NULL);

  sd_scatter_set_points (SD_SCATTER (scatter), x, y, cat, (const char * const *) labels->pdata, n);
  sd_scatter_set_categories (SD_SCATTER (scatter), names);
  sd_scatter_set_axis_titles (SD_SCATTER (scatter), "PC 1", "PC 2");
  sd_scatter_set_selected (SD_SCATTER (scatter), 17);
  g_signal_connect (scatter, "point-activated", G_CALLBACK (point_activated_cb), &activated);
  g_assert_nonnull (strstr (sd_scatter_get_description (SD_SCATTER (scatter)), "800 points"));
  g_assert_nonnull (strstr (sd_scatter_get_description (SD_SCATTER (scatter)), "gadget fans"));

  window = show_in_window (scatter, 720, 500);
  for (int dark = 0; dark <= 1; dark++)
    {
      g_autofree char *shot = g_strdup_printf ("scatter-%s", dark ? "dark" : "light");

      set_dark_and_wait (scatter, dark);
      save_screenshot (scatter, shot);
    }
  set_dark (FALSE);

  /* The point drawn somewhere is found there (or one drawn on top of it, at that spot). */
  g_assert_true (sd_scatter_get_point_position (SD_SCATTER (scatter), 17, &px, &py));
  {
    int hit = sd_scatter_point_at (SD_SCATTER (scatter), px + 1, py);
    double hx, hy;

    g_assert_cmpint (hit, >=, 0);
    g_assert_true (sd_scatter_get_point_position (SD_SCATTER (scatter), hit, &hx, &hy));
    g_assert_cmpfloat (hypot (hx - px - 1, hy - py), <=, 1.0 + 1e-9);
  }
  g_assert_cmpint (sd_scatter_point_at (SD_SCATTER (scatter), 2, 2), ==, -1);
  g_signal_emit_by_name (scatter, "point-activated", 17u);
  g_assert_cmpint (activated, ==, 17);

  /* A map whose coordinates have no unit shows no numbers on its axes, and the plot takes
   * the room they took. */
  {
    double plain_x, plain_y;

    g_assert_true (sd_scatter_get_show_ticks (SD_SCATTER (scatter)));
    g_assert_cmpuint (sd_scatter_get_n_tick_labels (SD_SCATTER (scatter)), >=, 4);
    sd_scatter_set_show_ticks (SD_SCATTER (scatter), FALSE);
    wait_for_draw (scatter);
    g_assert_cmpuint (sd_scatter_get_n_tick_labels (SD_SCATTER (scatter)), ==, 0);
    g_assert_true (sd_scatter_get_point_position (SD_SCATTER (scatter), 17, &plain_x, &plain_y));
    g_assert_cmpfloat (plain_x, !=, px);
    save_screenshot (scatter, "scatter-no-ticks");
    sd_scatter_set_show_ticks (SD_SCATTER (scatter), TRUE);
    wait_for_draw (scatter);
    g_assert_cmpuint (sd_scatter_get_n_tick_labels (SD_SCATTER (scatter)), >=, 4);
  }

  report_redraw_cost (scatter, "scatter, 800 points");
  {
    const guint big = 20000;
    g_autofree double *bx = g_new (double, big);
    g_autofree double *by = g_new (double, big);
    g_autofree guint *bc = g_new (guint, big);

    for (guint i = 0; i < big; i++)
      {
        bc[i] = i % 5;
        bx[i] = bc[i] + g_rand_double_range (rand, -1, 1);
        by[i] = g_rand_double_range (rand, -1, 1) * (1 + bc[i]);
      }
    sd_scatter_set_points (SD_SCATTER (scatter), bx, by, bc, NULL, big);
    wait_for_draw (scatter);
    report_redraw_cost (scatter, "scatter, 20000 points");
    save_screenshot (scatter, "scatter-20k");
    sd_scatter_set_points (SD_SCATTER (scatter), x, y, cat, (const char * const *) labels->pdata, n);
    wait_for_draw (scatter);
  }

  /* A lasso (a square around the first category's blob) selects exactly the points inside,
   * and cluster names drawn on the plot do not get in its way. */
  {
    double cx = 2.5, cy = 0, square[] = { cx - 1, cy - 1, cx + 1, cy - 1, cx + 1, cy + 1, cx - 1, cy + 1 };
    const double note_x[] = { cx }, note_y[] = { cy };
    const char *const notes[] = { names[0] };
    guint n_in = 0, expected = 0, lassoed = 0;
    const guint *in;

    sd_scatter_set_notes (SD_SCATTER (scatter), note_x, note_y, notes, 1);
    g_signal_connect (scatter, "lasso-selected", G_CALLBACK (lasso_cb), &lassoed);
    sd_scatter_lasso_polygon (SD_SCATTER (scatter), square, 4);
    in = sd_scatter_get_lasso (SD_SCATTER (scatter), &n_in);
    for (guint i = 0; i < n; i++)
      expected += fabs (x[i] - cx) < 1 && fabs (y[i] - cy) < 1;
    g_assert_cmpuint (n_in, ==, expected);
    g_assert_cmpuint (lassoed, ==, expected);
    g_assert_cmpuint (n_in, >, 100);
    for (guint i = 0; i < n_in; i++)
      g_assert_true (fabs (x[in[i]] - cx) < 1 && fabs (y[in[i]] - cy) < 1);
    wait_for_draw (scatter);
    save_screenshot (scatter, "scatter-lasso");
  }

  gtk_widget_activate_action (scatter, "chart.zoom-in", NULL);
  g_assert_true (sd_scatter_get_zoomed (SD_SCATTER (scatter)));
  wait_for_draw (scatter);
  save_screenshot (scatter, "scatter-zoomed");
  gtk_widget_activate_action (scatter, "chart.reset-view", NULL);
  g_assert_false (sd_scatter_get_zoomed (SD_SCATTER (scatter)));

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (scatter);
}

/* An empty chart (the Training page before a run): Log Scale and Reset Zoom are
 * insensitive and say why; the first point enables them, clearing disables them again. */
static void
test_controls_empty (void)
{
  GtkWidget *chart = sd_line_chart_new ();
  GtkWidget *controls = sd_chart_controls_new (SD_LINE_CHART (chart));
  GtkWidget *log_toggle = NULL;
  GtkWidget *reset = NULL;
  guint series;

  g_object_ref_sink (chart);
  g_object_ref_sink (controls);
  for (GtkWidget *w = gtk_widget_get_first_child (controls); w; w = gtk_widget_get_next_sibling (w))
    if (GTK_IS_TOGGLE_BUTTON (w))
      log_toggle = w;
    else if (GTK_IS_BUTTON (w) && !GTK_IS_MENU_BUTTON (w) &&
             g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (w)), "controls.reset-view") == 0)
      reset = w;
  g_assert_nonnull (log_toggle);
  g_assert_nonnull (reset);

  g_assert_false (sd_line_chart_get_has_data (SD_LINE_CHART (chart)));
  g_assert_false (gtk_widget_get_sensitive (log_toggle));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (log_toggle), ==, "No values to scale yet: the chart is empty");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (reset), ==, "Nothing to zoom yet: the chart is empty");
  g_assert_false (gtk_widget_get_sensitive (reset));

  series = sd_line_chart_add_series (SD_LINE_CHART (chart), "loss", "Loss");
  g_assert_false (gtk_widget_get_sensitive (log_toggle));   /* a series without points is still empty */
  sd_line_chart_append (SD_LINE_CHART (chart), series, 1, 0.5);
  g_assert_true (sd_line_chart_get_has_data (SD_LINE_CHART (chart)));
  g_assert_true (gtk_widget_get_sensitive (log_toggle));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (log_toggle), ==, "Logarithmic y axis");
  g_assert_cmpstr (gtk_widget_get_tooltip_text (reset), ==, "Reset Zoom (double click on the chart)");

  sd_line_chart_clear (SD_LINE_CHART (chart));
  g_assert_false (gtk_widget_get_sensitive (log_toggle));

  g_assert_finalize_object (controls);
  g_assert_finalize_object (chart);
}

static void
test_controls (void)
{
  GtkWidget *chart = sd_line_chart_new ();
  GtkWidget *controls = sd_chart_controls_new (SD_LINE_CHART (chart));
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *window;
  double last_val;
  GtkToggleButton *log_toggle = NULL;
  GtkRange *scale = NULL;

  g_object_ref_sink (chart);
  g_object_ref_sink (controls);
  sd_line_chart_set_axis_titles (SD_LINE_CHART (chart), "epoch", "loss");
  fill_loss_curves (SD_LINE_CHART (chart), 50, 20, &last_val);
  gtk_widget_set_halign (controls, GTK_ALIGN_END);
  gtk_widget_set_vexpand (chart, TRUE);
  gtk_box_append (GTK_BOX (box), controls);
  gtk_box_append (GTK_BOX (box), chart);
  g_assert_true (sd_chart_controls_get_chart (SD_CHART_CONTROLS (controls)) == SD_LINE_CHART (chart));

  window = show_in_window (box, 760, 500);

  /* Find the template's toggle and slider the way a user would reach them. */
  for (GtkWidget *w = gtk_widget_get_first_child (controls); w; w = gtk_widget_get_next_sibling (w))
    {
      if (GTK_IS_TOGGLE_BUTTON (w))
        log_toggle = GTK_TOGGLE_BUTTON (w);
      else if (GTK_IS_BOX (w))
        for (GtkWidget *c = gtk_widget_get_first_child (w); c; c = gtk_widget_get_next_sibling (c))
          if (GTK_IS_RANGE (c))
            scale = GTK_RANGE (c);
    }
  g_assert_nonnull (log_toggle);
  g_assert_nonnull (scale);

  gtk_toggle_button_set_active (log_toggle, TRUE);
  g_assert_true (sd_line_chart_get_log_scale (SD_LINE_CHART (chart)));
  gtk_range_set_value (scale, 0.6);
  g_assert_cmpfloat_with_epsilon (sd_line_chart_get_smoothing (SD_LINE_CHART (chart)), 0.6, 1e-9);
  sd_line_chart_set_smoothing (SD_LINE_CHART (chart), 0.8);
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (scale), 0.8, 1e-9);

  /* Reset is only offered when there is something to reset. */
  g_assert_false (sd_line_chart_get_zoomed (SD_LINE_CHART (chart)));
  sd_line_chart_zoom (SD_LINE_CHART (chart), 0.5);
  g_assert_true (sd_line_chart_get_zoomed (SD_LINE_CHART (chart)));
  g_assert_true (gtk_widget_activate_action (controls, "controls.reset-view", NULL));
  g_assert_false (sd_line_chart_get_zoomed (SD_LINE_CHART (chart)));

  for (int dark = 0; dark <= 1; dark++)
    {
      set_dark (dark);
      wait_for_draw (box);
      save_screenshot (box, dark ? "controls-dark" : "controls-light");
    }
  set_dark (FALSE);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (controls);
  g_assert_finalize_object (chart);
}

static void
record_cell_cb (SdRfmGrid *grid,
                guint      r,
                guint      f,
                guint     *out)
{
  out[0] = r;
  out[1] = f;
  out[2]++;
}

/* A name is drawn smaller rather than broken inside a word when a word is wider than its
 * box: the RFM grid's "Champions" in a narrow cell. */
static void
test_words_fit (void)
{
  GtkWidget *label = g_object_ref_sink (gtk_label_new (NULL));
  g_autoptr(PangoLayout) layout = sd_chart_create_layout (label, FALSE);
  int w, h;

  pango_layout_set_text (layout, "Champions", -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  g_assert_cmpint (w, >, 10);
  /* The small layout is smaller: GTK gives the widget's font an absolute size (pixels),
   * which set_size() would have read as points, a third larger. */
  {
    g_autoptr(PangoLayout) small = sd_chart_create_layout (label, TRUE);
    int ws, hs;

    pango_layout_set_text (small, "Champions", -1);
    pango_layout_get_pixel_size (small, &ws, &hs);
    g_assert_cmpint (ws, <, w);
  }
  g_assert_true (sd_chart_words_fit (layout, "Champions", w));
  g_assert_false (sd_chart_words_fit (layout, "Champions", w - 1));
  /* Each word alone counts, not the whole */
  g_assert_true (sd_chart_words_fit (layout, "Champions Champions", w));
  g_assert_false (sd_chart_words_fit (layout, "Can't lose Champions", w - 1));

  /* A word a fifth too wide for the line: at its own size it breaks inside
   * ("Hibernat-ing", which the RFM grid drew on Online Retail), a smaller font fits it. */
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_ellipsize (layout, PANGO_ELLIPSIZE_END);
  pango_layout_set_height (layout, -2);
  pango_layout_set_text (layout, "Hibernating", -1);
  pango_layout_set_width (layout, -1);
  pango_layout_get_pixel_size (layout, &w, &h);
  g_assert_false (sd_chart_fit_wrapped (layout, "Hibernating", w * 4 / 5, 1.0));
  g_assert_true (sd_chart_fit_wrapped (layout, "Hibernating", w * 4 / 5, 0.6));
  g_assert_cmpint (pango_layout_get_line_count (layout), ==, 1);
  /* Three lines where two are allowed would be cut short ("Can't lose t…") */
  {
    g_autoptr(PangoLayout) two_lines = sd_chart_create_layout (label, FALSE);
    int wt, ht;

    pango_layout_set_wrap (two_lines, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_ellipsize (two_lines, PANGO_ELLIPSIZE_END);
    pango_layout_set_height (two_lines, -2);
    pango_layout_set_text (two_lines, "them", -1);
    pango_layout_get_pixel_size (two_lines, &wt, &ht);
    g_assert_false (sd_chart_fit_wrapped (two_lines, "them them them", wt + 2, 1.0));
    g_assert_true (pango_layout_is_ellipsized (two_lines));
    g_assert_true (sd_chart_fit_wrapped (two_lines, "them them them", wt + 2, 0.4));
    g_assert_false (pango_layout_is_ellipsized (two_lines));
  }
  /* Chinese may break between any two characters: it wraps at its own size */
  {
    g_autoptr(PangoLayout) zh = sd_chart_create_layout (label, FALSE);
    int wz, hz;

    pango_layout_set_wrap (zh, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_height (zh, -2);
    pango_layout_set_text (zh, "潜在忠实客户", -1);
    pango_layout_get_pixel_size (zh, &wz, &hz);
    g_assert_true (sd_chart_fit_wrapped (zh, "潜在忠实客户", wz * 2 / 3, 1.0));
    g_assert_cmpint (pango_layout_get_line_count (zh), ==, 2);
  }
  /* Wrapped lines even: four characters where three fit go two and two ("忠实/客户"), not
   * three and one; English keeps its words whole */
  {
    g_autoptr(PangoLayout) zh = sd_chart_create_layout (label, FALSE);
    int wz, hz, kept;

    pango_layout_set_wrap (zh, PANGO_WRAP_WORD_CHAR);
    pango_layout_set_height (zh, -2);
    pango_layout_set_text (zh, "忠实客户", -1);
    pango_layout_get_pixel_size (zh, &wz, &hz);
    pango_layout_set_width (zh, (wz * 3 / 4 + 2) * PANGO_SCALE);
    g_assert_cmpint (pango_layout_get_line_count (zh), ==, 2);
    g_assert_cmpint (pango_layout_get_line_readonly (zh, 1)->start_index, ==, strlen ("忠实客"));
    kept = sd_chart_balance_lines (zh);
    g_assert_cmpint (kept, <, wz * 3 / 4 + 2);
    g_assert_cmpint (pango_layout_get_line_count (zh), ==, 2);
    g_assert_cmpint (pango_layout_get_line_readonly (zh, 1)->start_index, ==, strlen ("忠实"));

    pango_layout_set_text (zh, "Can't lose them", -1);
    pango_layout_set_width (zh, -1);
    pango_layout_get_pixel_size (zh, &wz, &hz);
    pango_layout_set_width (zh, (wz * 3 / 4) * PANGO_SCALE);
    g_assert_cmpint (pango_layout_get_line_count (zh), ==, 2);
    sd_chart_balance_lines (zh);
    g_assert_cmpint (pango_layout_get_line_count (zh), ==, 2);
    g_assert_false (pango_layout_is_ellipsized (zh));
    /* a break at a space: the second line starts a word */
    g_assert_cmpint (pango_layout_get_text (zh)[pango_layout_get_line_readonly (zh, 1)->start_index - 1], ==, ' ');
  }
  g_object_unref (label);
}

/* Clicking a cell reports that cell's scores: recency grows to the right, frequency upward. */
static void
test_rfm_grid (void)
{
  GtkWidget *grid = sd_rfm_grid_new ();
  GtkWidget *window;
  SdRfmGridCell cells[25];
  const char *names[] = { "Top", "Middle", "Bottom", NULL };
  guint got[3] = { 0, 0, 0 };
  GdkRectangle best, worst, old_frequent;

  /* Groups by r + f, counts all different so a wrong cell shows in the description. */
  for (guint r = 1; r <= 5; r++)
    for (guint f = 1; f <= 5; f++)
      cells[(r - 1) * 5 + f - 1] = (SdRfmGridCell) {
        .customers = 100 * r + f, .revenue_cents = 1000 * (r * 10 + f),
        .group = r + f >= 8 ? 0 : r + f >= 5 ? 1 : 2,
      };
  g_object_ref_sink (grid);
  sd_rfm_grid_set_cells (SD_RFM_GRID (grid), cells, names, "EUR");
  g_signal_connect (grid, "cell-activated", G_CALLBACK (record_cell_cb), got);
  window = show_in_window (grid, 560, 480);
  save_screenshot (grid, "rfm-grid");

  g_assert_true (sd_rfm_grid_cell_rect (SD_RFM_GRID (grid), 5, 5, &best));
  g_assert_true (sd_rfm_grid_cell_rect (SD_RFM_GRID (grid), 1, 1, &worst));
  g_assert_true (sd_rfm_grid_cell_rect (SD_RFM_GRID (grid), 1, 5, &old_frequent));
  g_assert_cmpint (best.width, >, 20);
  g_assert_cmpint (best.x, >, worst.x);
  g_assert_cmpint (best.y, <, worst.y);
  g_assert_cmpint (old_frequent.x, ==, worst.x);
  g_assert_cmpint (old_frequent.y, ==, best.y);

  /* The top right corner of the widget's grid area is the most recent, most frequent cell. */
  g_assert_true (sd_rfm_grid_activate_at (SD_RFM_GRID (grid), best.x + best.width - 2, best.y + 2));
  g_assert_cmpuint (got[0], ==, 5);
  g_assert_cmpuint (got[1], ==, 5);
  for (guint r = 1; r <= 5; r++)
    for (guint f = 1; f <= 5; f++)
      {
        GdkRectangle rect;
        guint fr, ff;
        g_autofree char *text = NULL, *count = g_strdup_printf ("%u customers", 100 * r + f);

        g_assert_true (sd_rfm_grid_cell_rect (SD_RFM_GRID (grid), r, f, &rect));
        g_assert_true (sd_rfm_grid_activate_at (SD_RFM_GRID (grid), rect.x + rect.width / 2.0, rect.y + rect.height / 2.0));
        g_assert_cmpuint (got[0], ==, r);
        g_assert_cmpuint (got[1], ==, f);
        sd_rfm_grid_get_focus_cell (SD_RFM_GRID (grid), &fr, &ff);
        g_assert_cmpuint (fr, ==, r);
        g_assert_cmpuint (ff, ==, f);
        text = sd_rfm_grid_describe_cell (SD_RFM_GRID (grid), r, f);
        g_assert_true (g_str_has_prefix (text, names[r + f >= 8 ? 0 : r + f >= 5 ? 1 : 2]));
        g_assert_nonnull (strstr (text, count));
      }
  g_assert_cmpuint (got[2], ==, 26);
  /* Outside the cells nothing is activated. */
  g_assert_false (sd_rfm_grid_activate_at (SD_RFM_GRID (grid), worst.x - 5, worst.y + 5));
  g_assert_false (sd_rfm_grid_activate_at (SD_RFM_GRID (grid), worst.x + 5, worst.y + worst.height + 5));
  g_assert_cmpuint (got[2], ==, 26);

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (grid);
}

int
main (int   argc,
      char *argv[])
{
  /* Same pixels on every machine, and no GL under Xvfb. */
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  sd_register_resource ();

  g_test_add_func ("/charts/line", test_line_chart);
  g_test_add_func ("/charts/line-large", test_line_chart_large);
  g_test_add_func ("/charts/heatmap", test_heatmap);
  g_test_add_func ("/charts/rfm-grid", test_rfm_grid);
  g_test_add_func ("/charts/words-fit", test_words_fit);
  g_test_add_func ("/charts/scatter", test_scatter);
  g_test_add_func ("/charts/wrapped-label", test_wrapped_label);
  g_test_add_func ("/charts/controls", test_controls);
  g_test_add_func ("/charts/controls-empty", test_controls_empty);

  return g_test_run ();
}
