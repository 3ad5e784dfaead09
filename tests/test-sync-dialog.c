/* test-sync-dialog.c — the “Sync from a Database…” dialog, driven through its actions:
 * the form starts from the shop's last source; Test Connection says what the database
 * holds; Sync Now syncs in the background and the pages see the new rows. Runs under
 * tests/db-servers.sh (inside Xvfb); without the servers only the failing path runs. */
#include "config.h"

#include <libpq-fe.h>
#include <string.h>

#include "sd-sync.h"
#include "sd-sync-dialog.h"
#include "ui-demo-window.h"
#include "ui-test-util.h"

static UiDemoWindow t;

static GtkWidget *
find_named (GtkWidget  *widget,
            const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_named (child, name);
      if (found)
        return found;
    }
  return NULL;
}

static GtkWidget *
open_dialog (void)
{
  g_autoptr(GListModel) toplevels = NULL;
  GtkWidget *dialog = NULL;

  gtk_widget_activate_action (GTK_WIDGET (t.window), "win.sync-database", NULL);
  toplevels = g_object_ref (gtk_window_get_toplevels ());
  for (guint i = 0; i < g_list_model_get_n_items (toplevels) && !dialog; i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);
      if (SD_IS_SYNC_DIALOG (w))
        dialog = GTK_WIDGET (w);
    }
  g_assert_nonnull (dialog);
  gtk_test_widget_wait_for_draw (dialog);
  return dialog;
}

static const char *
result_text (GtkWidget *dialog)
{
  GtkWidget *label = find_named (dialog, "result");

  g_assert_nonnull (label);
  return gtk_widget_get_visible (label) ? gtk_label_get_text (GTK_LABEL (label)) : NULL;
}

static void
set_source (const char *uri)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (sd_sync_settings_set_uri (sd_window_get_store (t.window), uri, &error));
  g_assert_no_error (error);
}

static void
test_unreachable (void)
{
  GtkWidget *dialog;

  set_source ("postgresql://shop@/shop?host=/nonexistent-folder&schema=shopdesk");
  dialog = open_dialog ();
  gtk_widget_activate_action (dialog, "sync.test", NULL);
  UI_WAIT_UNTIL (result_text (dialog) != NULL, 30);
  g_test_message ("%s", result_text (dialog));
  g_assert_nonnull (strstr (result_text (dialog), "Could not connect"));
  g_assert_nonnull (strstr (result_text (dialog), "Nothing in the shop changed"));
  ui_test_save_screenshot (dialog, "sync-dialog-error");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
pg_run (PGconn     *conn,
        const char *sql)
{
  PGresult *result = PQexec (conn, sql);

  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("PostgreSQL: %s", PQerrorMessage (conn));
  PQclear (result);
}

static void
test_sync (void)
{
  const char *keys[] = { "host", "user", "password", "dbname", NULL };
  const char *values[] = { g_getenv ("SD_TEST_PG_HOST"), "postgres", g_getenv ("SD_TEST_PG_PASSWORD"), "postgres", NULL };
  g_autofree char *host = NULL, *uri = NULL;
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  SdStoreStats stats;
  GtkWidget *dialog;
  gint64 customers_before;
  PGconn *conn;

  if (g_getenv ("SD_TEST_DB_SKIP") || !g_getenv ("SD_TEST_PG_HOST"))
    {
      g_test_skip (g_getenv ("SD_TEST_DB_SKIP") ? g_getenv ("SD_TEST_DB_SKIP") : "run under tests/db-servers.sh");
      return;
    }
  conn = PQconnectdbParams (keys, values, 0);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  pg_run (conn, "DROP SCHEMA IF EXISTS ui CASCADE; CREATE SCHEMA ui;"
                "CREATE VIEW ui.customers AS SELECT 'ui-' || i AS customer_id, 'Kund ' || i AS name, now() AS updated_at"
                "  FROM generate_series(1, 25) i;"
                "CREATE VIEW ui.products AS SELECT 'UI-P' || i AS product_id, 'Teekanne ' || i AS title, 9.5 AS price,"
                "  now() AS updated_at FROM generate_series(1, 10) i;"
                "CREATE VIEW ui.orders AS SELECT 'UI-O' || i AS order_id, 1 AS line_no, now() AS placed_at,"
                "  'UI-P' || (1 + i % 10) AS product_id, 1 AS quantity, 9.5 AS unit_price, 'ui-' || i AS customer_id,"
                "  now() AS updated_at FROM generate_series(1, 25) i;"
                "CREATE VIEW ui.events AS SELECT i AS event_id, 'ui-' || i AS customer_id, 'UI-P1' AS product_id,"
                "  'view' AS kind, now() AS at, now() AS updated_at FROM generate_series(1, 5) i;");
  PQfinish (conn);

  host = g_uri_escape_string (g_getenv ("SD_TEST_PG_HOST"), NULL, FALSE);
  uri = g_strdup_printf ("postgresql://postgres@/postgres?host=%s&schema=ui", host);
  set_source (uri);
  sd_store_get_stats (sd_window_get_store (t.window), &stats, NULL);
  customers_before = stats.customers;

  dialog = open_dialog ();
  gtk_editable_set_text (GTK_EDITABLE (find_named (dialog, "password")), g_getenv ("SD_TEST_PG_PASSWORD"));
  gtk_widget_activate_action (dialog, "sync.test", NULL);
  UI_WAIT_UNTIL (result_text (dialog) != NULL, 30);
  g_test_message ("%s", result_text (dialog));
  g_assert_nonnull (strstr (result_text (dialog), "PostgreSQL"));
  /* One row per view, with its count. */
  {
    GtkWidget *list = find_named (dialog, "results");
    GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 1));

    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "view ui.customers");
    g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "25 rows");
  }

  gtk_widget_activate_action (dialog, "sync.run", NULL);
  UI_WAIT_UNTIL (result_text (dialog) != NULL, 60);
  g_test_message ("%s", result_text (dialog));
  g_assert_nonnull (strstr (result_text (dialog), "Loaded everything"));
  {
    GtkWidget *list = find_named (dialog, "results");
    GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (GTK_LIST_BOX (list), 0));

    g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Customers");
    g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "25 inserted"));
  }
  gtk_test_widget_wait_for_draw (dialog);
  ui_test_save_screenshot (dialog, "sync-dialog");

  store = sd_store_open_full (t.shop_path, SD_STORE_OPEN_EXISTING, &error);
  g_assert_no_error (error);
  sd_store_get_stats (store, &stats, NULL);
  g_assert_cmpint (stats.customers, ==, customers_before + 25);

  /* Sync when the shop opens: five more customers at the source arrive on reopening. */
  gtk_switch_set_active (GTK_SWITCH (find_named (dialog, "sync-on-open")), TRUE);
  g_assert_true (sd_sync_settings_get_on_open (sd_window_get_store (t.window)));
  gtk_window_destroy (GTK_WINDOW (dialog));
  conn = PQconnectdbParams (keys, values, 0);
  pg_run (conn, "CREATE OR REPLACE VIEW ui.customers AS SELECT 'ui-' || i AS customer_id, 'Kund ' || i AS name,"
                " now() AS updated_at FROM generate_series(1, 30) i;");
  PQfinish (conn);
  g_setenv ("SHOPDESK_DB_PASSWORD", g_getenv ("SD_TEST_PG_PASSWORD"), TRUE);
  g_assert_true (sd_window_open_shop (t.window, t.shop_path));
  UI_WAIT_UNTIL ((sd_store_get_stats (store, &stats, NULL), stats.customers == customers_before + 30), 60);
  sd_sync_settings_set_on_open (sd_window_get_store (t.window), FALSE, NULL);
}

int
main (int    argc,
      char **argv)
{
  int status;

  ui_demo_window_open (&t, &argc, &argv, "200", 1024, 700);
  g_test_add_func ("/sync-dialog/unreachable", test_unreachable);
  g_test_add_func ("/sync-dialog/sync", test_sync);
  status = g_test_run ();
  ui_demo_window_close (&t);
  return status;
}
