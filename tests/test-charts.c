/* test-charts.c — the chart widgets with data in a window: drawing, export, screenshots */
#include "config.h"

#include <adwaita.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "sd-chart-scale.h"
#include "sd-line-chart.h"

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
  g_test_message ("100k×2 points drawn in %.1f ms", (t1 - t0) / 1000.0);
  save_screenshot (chart, "line-100k");
  sd_line_chart_set_log_scale (SD_LINE_CHART (chart), TRUE);
  wait_for_draw (chart);
  save_screenshot (chart, "line-100k-log");

  gtk_window_destroy (GTK_WINDOW (window));
  g_assert_finalize_object (chart);
}

int
main (int   argc,
      char *argv[])
{
  /* Same pixels on every machine, and no GL under Xvfb. */
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();

  g_test_add_func ("/charts/line", test_line_chart);
  g_test_add_func ("/charts/line-large", test_line_chart_large);

  return g_test_run ();
}
