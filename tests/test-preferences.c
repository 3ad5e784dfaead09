/* test-preferences.c — the Preferences window's language model: off by default, a local
 * server taken as typed, a remote one only after the user confirms that customer messages
 * leave the machine */
#include "config.h"

#include <adwaita.h>
#include <string.h>

#include "sd-llm-client.h"
#include "sd-preferences-window.h"
#include "sd-resources.h"
#include "ui-test-util.h"

static void
apply_url (GtkWidget  *prefs,
           const char *url)
{
  AdwEntryRow *row = ADW_ENTRY_ROW (gtk_widget_get_template_child (prefs, SD_TYPE_PREFERENCES_WINDOW, "llm_url_row"));

  gtk_editable_set_text (GTK_EDITABLE (row), url);
  g_signal_emit_by_name (row, "apply");
}

static const char *
where (GtkWidget *prefs)
{
  AdwActionRow *row = ADW_ACTION_ROW (gtk_widget_get_template_child (prefs, SD_TYPE_PREFERENCES_WINDOW, "llm_where_row"));
  return adw_action_row_get_subtitle (row);
}

static void
test_language_model (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *prefs = sd_preferences_window_new (NULL, settings);
  AdwMessageDialog *dialog;
  g_autofree char *url = NULL;

  gtk_window_present (GTK_WINDOW (prefs));
  g_assert_false (g_settings_get_boolean (settings, "llm-enabled"));
  url = g_settings_get_string (settings, "llm-url");
  g_assert_cmpint (sd_llm_url_kind (url), ==, SD_LLM_URL_LOOPBACK);
  g_assert_cmpstr (where (prefs), ==, "On this machine");

  /* a machine on the local network: taken as typed */
  apply_url (prefs, "http://192.168.1.20:11434/v1");
  g_clear_pointer (&url, g_free);
  url = g_settings_get_string (settings, "llm-url");
  g_assert_cmpstr (url, ==, "http://192.168.1.20:11434/v1");
  g_assert_cmpstr (where (prefs), ==, "On your local network");
  g_assert_null (ui_test_find_message_dialog ());

  /* a remote one asks first; "Cancel" leaves everything as it was */
  apply_url (prefs, "https://llm.example.com/v1");
  dialog = ui_test_find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "cancel");
  g_clear_pointer (&url, g_free);
  url = g_settings_get_string (settings, "llm-url");
  g_assert_cmpstr (url, ==, "http://192.168.1.20:11434/v1");

  /* confirmed: used, and remembered as confirmed */
  apply_url (prefs, "https://llm.example.com/v1");
  dialog = ui_test_find_message_dialog ();
  g_assert_nonnull (dialog);
  adw_message_dialog_response (dialog, "send");
  g_clear_pointer (&url, g_free);
  url = g_settings_get_string (settings, "llm-url");
  g_assert_cmpstr (url, ==, "https://llm.example.com/v1");
  g_clear_pointer (&url, g_free);
  url = g_settings_get_string (settings, "llm-remote-allowed");
  g_assert_cmpstr (url, ==, "https://llm.example.com/v1");
  g_assert_nonnull (strstr (where (prefs), "you confirmed"));

  /* not an address at all: nothing changes */
  apply_url (prefs, "llama on the shelf");
  g_clear_pointer (&url, g_free);
  url = g_settings_get_string (settings, "llm-url");
  g_assert_cmpstr (url, ==, "https://llm.example.com/v1");

  gtk_window_destroy (GTK_WINDOW (prefs));
}

/* Messages that come together go through sd-toasts, one after another: libadwaita 1.2's
 * adw_preferences_window_add_toast() put each straight up, and one replaced while the last
 * was still fading crashed in adw_animation_skip. */
static void
test_toasts (void)
{
  g_autoptr(GSettings) settings = g_settings_new (APP_ID);
  GtkWidget *prefs = sd_preferences_window_new (NULL, settings);
  static const char *const messages[] = {
    "“first” is not an http:// or https:// address",
    "“second” is not an http:// or https:// address",
    "“third” is not an http:// or https:// address",
    NULL,
  };

  gtk_window_present (GTK_WINDOW (prefs));
  apply_url (prefs, "first");
  apply_url (prefs, "second");
  apply_url (prefs, "third");
  ui_test_check_toasts_in_turn (ADW_TOAST_OVERLAY (ui_test_find_widget_of_type (prefs, ADW_TYPE_TOAST_OVERLAY)),
                                messages, 3);
  gtk_window_destroy (GTK_WINDOW (prefs));
}

int
main (int    argc,
      char **argv)
{
  gtk_test_init (&argc, &argv, NULL);
  adw_init ();
  sd_register_resource ();
  g_test_add_func ("/preferences/language-model", test_language_model);
  g_test_add_func ("/preferences/toasts", test_toasts);
  return g_test_run ();
}
