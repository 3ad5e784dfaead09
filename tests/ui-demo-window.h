/* ui-demo-window.h — a UI test's window on a fresh demo shop, and its cleaning up */
#pragma once

#include "ui-notifications.h"

#include <adwaita.h>
#include <glib/gstdio.h>

#include "sd-application.h"
#include "sd-demo.h"
#include "sd-window.h"
#include "temp-folder.h"

typedef struct {
  char          *dir;
  char          *shop_path;
  SdApplication *app;
  SdWindow      *window;
} UiDemoWindow;

/* Sets GTK up for a test (a fresh XDG_DATA_HOME, pixels from the Cairo renderer), makes a
 * demo shop of @size ("small", "600", …) in a temporary folder and opens it in a window of
 * @width × @height. */
static G_GNUC_UNUSED void
ui_demo_window_open (UiDemoWindow  *t,
                     int           *argc,
                     char        ***argv,
                     const char    *size,
                     int            width,
                     int            height)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  SdDemoOptions options;

  t->dir = g_dir_make_tmp ("shopdesk-ui-XXXXXX", &error);
  g_assert_no_error (error);
  /* Before anything caches the user data dir: the default shop lives under it. */
  g_setenv ("XDG_DATA_HOME", t->dir, TRUE);
  g_setenv ("GSK_RENDERER", "cairo", TRUE);
  gtk_test_init (argc, argv, NULL);
  ui_notifications_tolerate ();
  adw_init ();

  t->shop_path = g_build_filename (t->dir, "demo.sqlite", NULL);
  store = sd_store_open (t->shop_path, &error);
  g_assert_no_error (error);
  sd_demo_options_init (&options);
  g_assert_true (sd_demo_options_for_size (&options, size, &error));
  g_assert_true (sd_demo_generate (store, &options, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  t->app = sd_application_new ();
  g_application_set_flags (G_APPLICATION (t->app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (t->app), NULL, &error));
  g_assert_no_error (error);
  t->window = sd_window_new (t->app);
  gtk_window_set_default_size (GTK_WINDOW (t->window), width, height);
  g_assert_true (sd_window_open_shop (t->window, t->shop_path));
  gtk_window_present (GTK_WINDOW (t->window));
  gtk_test_widget_wait_for_draw (GTK_WIDGET (t->window));
}

/* Destroys the window and removes the shop and its folder. */
static G_GNUC_UNUSED void
ui_demo_window_close (UiDemoWindow *t)
{
  gtk_window_destroy (GTK_WINDOW (t->window));
  g_clear_object (&t->app);
  temp_folder_remove (t->dir);
  g_clear_pointer (&t->shop_path, g_free);
  g_clear_pointer (&t->dir, g_free);
}
