/* test-shop-settings-window.c — the Shop Settings window on the demo shop: what it shows is
 * the shop's, a field applied is saved and said (SdStore::changed::settings), a bad value is
 * refused with nothing written */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sd-shop-settings-window.h"
#include "ui-demo-window.h"
#include "ui-test-util.h"

static UiDemoWindow t;

static gpointer
child (GtkWidget  *window,
       const char *name)
{
  return gtk_widget_get_template_child (window, SD_TYPE_SHOP_SETTINGS_WINDOW, name);
}

static void
count_cb (SdStore *store,
          guint   *n)
{
  (*n)++;
}

static char *
setting (const char *key)
{
  return sd_store_get_setting (sd_window_get_store (t.window), key);
}

static void
test_edit (void)
{
  SdStore *store = sd_window_get_store (t.window);
  GtkWidget *window;
  AdwEntryRow *name_row, *timezone_row, *formats_row;
  AdwComboRow *currency_row;
  GListModel *codes;
  guint changes = 0;
  guint eur = 0;
  g_autofree char *before = setting ("shop.name.en");
  g_autofree char *name = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *zone = NULL;
  g_autofree char *formats = NULL;

  g_signal_connect (store, "changed::settings", G_CALLBACK (count_cb), &changes);
  gtk_widget_activate_action (GTK_WIDGET (t.window), "win.shop-settings", NULL);
  window = NULL;
  {
    g_autoptr(GList) toplevels = gtk_window_list_toplevels ();
    for (GList *l = toplevels; l; l = l->next)
      if (SD_IS_SHOP_SETTINGS_WINDOW (l->data))
        window = l->data;
  }
  g_assert_nonnull (window);
  /* read in a worker: editable once filled in */
  UI_WAIT_UNTIL (gtk_widget_get_sensitive (window), 30);
  name_row = child (window, "name_en_row");
  timezone_row = child (window, "timezone_row");
  formats_row = child (window, "formats_row");
  currency_row = child (window, "currency_row");

  /* the shop's own: the demo shop's name and its SD-###### numbers, learned */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (name_row)), ==, before);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (formats_row)), ==, "SD-######");
  g_assert_true (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (adw_combo_row_get_model (currency_row)),
                                                               adw_combo_row_get_selected (currency_row)), "GBP"));

  /* applied fields are saved, and said */
  gtk_editable_set_text (GTK_EDITABLE (name_row), "Hearth & Home");
  g_signal_emit_by_name (name_row, "apply");
  name = setting ("shop.name.en");
  g_assert_cmpstr (name, ==, "Hearth & Home");
  g_assert_cmpuint (changes, ==, 1);
  /* the window's title follows */
  g_assert_nonnull (strstr (gtk_window_get_title (GTK_WINDOW (t.window)), "Hearth & Home"));

  codes = adw_combo_row_get_model (currency_row);
  for (guint i = 0; i < g_list_model_get_n_items (codes); i++)
    if (g_str_has_prefix (gtk_string_list_get_string (GTK_STRING_LIST (codes), i), "EUR"))
      eur = i;
  adw_combo_row_set_selected (currency_row, eur);
  currency = setting ("shop.currency");
  g_assert_cmpstr (currency, ==, "EUR");
  g_assert_cmpuint (changes, ==, 2);

  /* a time zone that is none: refused, marked, nothing written */
  gtk_editable_set_text (GTK_EDITABLE (timezone_row), "Mars/Olympus");
  g_signal_emit_by_name (timezone_row, "apply");
  zone = setting ("shop.timezone");
  g_assert_null (zone);
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (timezone_row), "error"));
  g_assert_cmpuint (changes, ==, 2);
  /* refused again at once, and once more: the toasts saying so come one after another */
  gtk_editable_set_text (GTK_EDITABLE (timezone_row), "Venus/Maxwell");
  g_signal_emit_by_name (timezone_row, "apply");
  gtk_editable_set_text (GTK_EDITABLE (timezone_row), "Pluto/Sputnik");
  g_signal_emit_by_name (timezone_row, "apply");
  ui_test_check_toasts_in_turn (ADW_TOAST_OVERLAY (ui_test_find_widget_of_type (window, ADW_TYPE_TOAST_OVERLAY)),
                                NULL, 3);
  gtk_editable_set_text (GTK_EDITABLE (timezone_row), "Europe/London");
  g_signal_emit_by_name (timezone_row, "apply");
  g_free (zone);
  zone = setting ("shop.timezone");
  g_assert_cmpstr (zone, ==, "Europe/London");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (timezone_row), "error"));

  /* formats typed are the shop's from now on */
  gtk_editable_set_text (GTK_EDITABLE (formats_row), "SD-######, INV-####");
  g_signal_emit_by_name (formats_row, "apply");
  formats = setting ("shop.order_formats");
  g_assert_cmpstr (formats, ==, "SD-######,INV-####");

  g_signal_handlers_disconnect_by_func (store, count_cb, &changes);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  int status;

  ui_demo_window_open (&t, &argc, &argv, "300", 1024, 700);
  g_test_add_func ("/shop-settings-window/edit", test_edit);
  status = g_test_run ();
  ui_demo_window_close (&t);
  return status;
}
