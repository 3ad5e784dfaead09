/* ui-test-util.h — what the UI tests share: waiting on the main loop, screenshots */
#pragma once

#include <adwaita.h>

#include "sd-store.h"

static gboolean
ui_test_timeout_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* Runs the main loop for @ms milliseconds: pages that load in jobs fill in meanwhile. */
static G_GNUC_UNUSED void
ui_test_spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, ui_test_timeout_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The first widget of @type at or below @widget (depth first), or NULL: parts of a window
 * are found rather than widening its API for a test. */
static G_GNUC_UNUSED GtkWidget *
ui_test_find_widget_of_type (GtkWidget *widget,
                             GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_test_find_widget_of_type (child, type);
      if (found)
        return found;
    }
  return NULL;
}

/* Whether a label at or below @widget has text starting with @prefix (and, with
 * @visible_only, is drawn): words on a page are found as a person would read them. */
static G_GNUC_UNUSED gboolean
ui_test_has_label (GtkWidget  *widget,
                   const char *prefix,
                   gboolean    visible_only)
{
  if (GTK_IS_LABEL (widget) && (!visible_only || gtk_widget_is_visible (widget))
      && g_str_has_prefix (gtk_label_get_label (GTK_LABEL (widget)), prefix))
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child;
       child = gtk_widget_get_next_sibling (child))
    if (ui_test_has_label (child, prefix, visible_only))
      return TRUE;
  return FALSE;
}

/* Iterates the main loop until @cond (polled) holds, failing after @seconds. */
#define UI_WAIT_UNTIL(cond, seconds)                                             \
  G_STMT_START {                                                                 \
    gboolean timed_out_ = FALSE;                                                 \
    guint id_ = g_timeout_add_seconds ((seconds), ui_test_timeout_cb, &timed_out_); \
    while (!(cond) && !timed_out_)                                               \
      g_main_context_iteration (NULL, TRUE);                                     \
    if (!timed_out_)                                                             \
      g_source_remove (id_);                                                     \
    if (!(cond))                                                                 \
      g_error ("timed out after %d s waiting for: %s", (seconds), #cond);       \
  } G_STMT_END

/* Saves @widget as build/tests/screenshots/NAME.png (GSK_RENDERER=cairo for pixels that
 * are the same on every machine). */
static G_GNUC_UNUSED void
ui_test_save_screenshot (GtkWidget  *widget,
                         const char *name)
{
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *dir = g_build_filename (g_getenv ("G_TEST_BUILDDIR") ? g_getenv ("G_TEST_BUILDDIR") : ".",
                                           "screenshots", NULL);
  g_autofree char *file = g_strdup_printf ("%s.png", name);
  g_autofree char *path = g_build_filename (dir, file, NULL);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);

  g_assert_cmpint (width, >, 0);
  for (int attempt = 0; attempt < 20 && node == NULL; attempt++)
    {
      GtkSnapshot *snapshot = gtk_snapshot_new ();
      gdk_paintable_snapshot (paintable, snapshot, width, height);
      if ((node = gtk_snapshot_free_to_node (snapshot)) == NULL)
        gtk_test_widget_wait_for_draw (widget);
    }
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (gtk_widget_get_native (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_mkdir_with_parents (dir, 0755);
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s", path);
}

/* The one integer @sql answers on the shop at @shop_path, read through a connection of
 * its own (as another process would see the file). */
static G_GNUC_UNUSED gint64
ui_test_count (const char *shop_path,
               const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (shop_path, &error);
  g_autoptr(SdStmt) stmt = NULL;

  g_assert_no_error (error);
  stmt = sd_store_prepare (store, sql, &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  return sqlite3_column_int64 (stmt, 0);
}

/* The message dialog open among the toplevels, or NULL. */
static G_GNUC_UNUSED AdwMessageDialog *
ui_test_find_message_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) win = g_list_model_get_item (toplevels, i);
      if (ADW_IS_MESSAGE_DIALOG (win))
        return ADW_MESSAGE_DIALOG (win);
    }
  return NULL;
}

static gboolean
ui_test_tick_cb (GtkWidget     *widget,
                 GdkFrameClock *clock,
                 gpointer       user_data)
{
  (*(guint *) user_data)++;
  return G_SOURCE_CONTINUE;
}

/* Waits until @widget has been drawn @n more times: like gtk_test_widget_wait_for_draw(),
 * but fails after a minute instead of waiting forever for a window not on screen. */
static G_GNUC_UNUSED void
ui_test_wait_frames (GtkWidget *widget,
                     guint      n)
{
  guint frames = 0;
  guint id = gtk_widget_add_tick_callback (widget, ui_test_tick_cb, &frames, NULL);

  UI_WAIT_UNTIL (frames >= n, 60);
  gtk_widget_remove_tick_callback (widget, id);
}

/* The toast widgets on @overlay (every child but its content); the newest in *@newest. */
static G_GNUC_UNUSED guint
ui_test_n_toasts (AdwToastOverlay  *overlay,
                  GtkWidget       **newest)
{
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (overlay)); c; c = gtk_widget_get_next_sibling (c))
    if (c != adw_toast_overlay_get_child (overlay))
      {
        n++;
        if (newest)
          *newest = c;
      }
  return n;
}

/* Frame by frame, as toasts time out and fade, until @n toasts have each been on @overlay
 * in their turn, never two on it at once, since libadwaita 1.2 crashes when two leave
 * together (sd-toasts.h); then until the overlay is empty. With @messages (@n of them) they
 * must come in that order and a toast of another text (an earlier test's) is let be;
 * without, any @n different texts count. */
static G_GNUC_UNUSED void
ui_test_check_toasts_in_turn (AdwToastOverlay    *overlay,
                              const char * const *messages,
                              guint               n)
{
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_free);
  gint64 end = g_get_monotonic_time () + 40 * G_USEC_PER_SEC;

  while (seen->len < n && g_get_monotonic_time () < end)
    {
      GtkWidget *toast = NULL;

      ui_test_wait_frames (GTK_WIDGET (overlay), 1);
      g_assert_cmpuint (ui_test_n_toasts (overlay, &toast), <=, 1);
      if (toast && gtk_widget_get_can_target (toast))
        {
          const char *text = gtk_label_get_text (GTK_LABEL (ui_test_find_widget_of_type (toast, GTK_TYPE_LABEL)));
          const char *last = seen->len ? g_ptr_array_index (seen, seen->len - 1) : NULL;

          if (g_strcmp0 (text, last) == 0 || (messages && !g_strv_contains (messages, text)))
            continue;
          if (messages)
            g_assert_cmpstr (text, ==, messages[seen->len]);
          g_ptr_array_add (seen, g_strdup (text));
        }
    }
  g_assert_cmpuint (seen->len, ==, n);
  UI_WAIT_UNTIL (ui_test_n_toasts (overlay, NULL) == 0, 10);
}
