/* sd-preferences-window.c — Shopdesk's preferences, bound to GSettings
 *
 * Every control is bound with g_settings_bind, so a change takes effect at once and
 * there is no Apply button; the window keeps no state of its own.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-job.h"
#include "sd-llm-client.h"
#include "sd-preferences-window.h"
#include "sd-toasts.h"

struct _SdPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  AdwActionRow         *default_shop_row;
  GtkButton            *default_shop_reset;
  AdwComboRow          *demo_language_row;
  GtkSwitch            *hash_switch;
  GtkAdjustment        *threads_adjustment;
  GtkAdjustment        *smoothing_adjustment;
  GtkSwitch            *log_switch;
  GtkSwitch            *llm_switch;
  AdwEntryRow          *llm_url_row;
  AdwActionRow         *llm_where_row;
  AdwEntryRow          *llm_model_row;
  AdwPasswordEntryRow  *llm_key_row;

  GSettings            *settings;
};

G_DEFINE_FINAL_TYPE (SdPreferencesWindow, sd_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static const char *const languages[] = { "auto", "en", "zh_CN" };

static void
update_default_shop (SdPreferencesWindow *self)
{
  g_autofree char *path = g_settings_get_string (self->settings, "default-shop");

  adw_action_row_set_subtitle (self->default_shop_row,
                               *path ? path : _("The demo shop, made on first start"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->default_shop_reset), *path != '\0');
}

static void
reset_default_shop_cb (SdPreferencesWindow *self)
{
  g_settings_set_string (self->settings, "default-shop", "");
}

static void
chooser_response_cb (GtkNativeDialog     *chooser,
                     int                  response,
                     SdPreferencesWindow *self)
{
  g_autoptr(GFile) file = NULL;

  if (response == GTK_RESPONSE_ACCEPT && (file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser))))
    {
      g_autofree char *path = g_file_get_path (file);
      if (path)
        g_settings_set_string (self->settings, "default-shop", path);
    }
  g_object_unref (chooser);
}

static void
choose_default_shop_cb (SdPreferencesWindow *self)
{
  GtkFileChooserNative *chooser;
  g_autoptr(GtkFileFilter) shops = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (_("Choose the Default Shop"), GTK_WINDOW (self),
                                         GTK_FILE_CHOOSER_ACTION_OPEN, _("_Choose"), _("_Cancel"));
  gtk_file_filter_set_name (shops, _("Shop databases"));
  gtk_file_filter_add_pattern (shops, "*.sqlite");
  gtk_file_filter_add_pattern (shops, "*.db");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), shops);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), self);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The combo row's index ↔ the setting's string. */
static gboolean
language_get_mapping (GValue   *value,
                      GVariant *variant,
                      gpointer  user_data)
{
  const char *code = g_variant_get_string (variant, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_strcmp0 (code, languages[i]) == 0)
      {
        g_value_set_uint (value, i);
        return TRUE;
      }
  g_value_set_uint (value, 0);
  return TRUE;
}

static GVariant *
language_set_mapping (const GValue       *value,
                      const GVariantType *expected_type,
                      gpointer            user_data)
{
  guint i = g_value_get_uint (value);
  return g_variant_new_string (languages[MIN (i, G_N_ELEMENTS (languages) - 1)]);
}

/* --- the language model ------------------------------------------------------------------ */

static void
update_llm_where (SdPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "llm-url");
  g_autofree char *allowed = g_settings_get_string (self->settings, "llm-remote-allowed");
  const char *where;

  switch (sd_llm_url_kind (url))
    {
    case SD_LLM_URL_LOOPBACK: where = _("On this machine"); break;
    case SD_LLM_URL_LAN: where = _("On your local network"); break;
    case SD_LLM_URL_REMOTE:
      where = g_strcmp0 (url, allowed) == 0 ? _("Beyond your network: customer messages leave it (you confirmed this)")
                                            : _("Beyond your network, not confirmed: not used");
      break;
    default: where = _("Not an http:// or https:// address"); break;
    }
  adw_action_row_set_subtitle (self->llm_where_row, where);
  gtk_editable_set_text (GTK_EDITABLE (self->llm_url_row), url);
}

static void
remote_response_cb (AdwMessageDialog    *dialog,
                    const char          *response,
                    SdPreferencesWindow *self)
{
  const char *url = g_object_get_data (G_OBJECT (dialog), "url");

  if (g_strcmp0 (response, "send") == 0)
    {
      g_settings_set_string (self->settings, "llm-remote-allowed", url);
      g_settings_set_string (self->settings, "llm-url", url);
    }
  update_llm_where (self);
}

static void
llm_url_apply_cb (SdPreferencesWindow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->llm_url_row))));
  g_autofree char *allowed = g_settings_get_string (self->settings, "llm-remote-allowed");
  GtkWidget *dialog;
  g_autofree char *body = NULL;

  switch (sd_llm_url_kind (url))
    {
    case SD_LLM_URL_INVALID:
      {
        g_autofree char *message = g_strdup_printf (_("“%s” is not an http:// or https:// address"), url);
        sd_toasts_show_in (GTK_WIDGET (self), message, 5);
        update_llm_where (self);
        return;
      }
    case SD_LLM_URL_REMOTE:
      if (g_strcmp0 (url, allowed) == 0)
        break;
      /* customer messages would leave the machine: only with the user's explicit yes */
      body = g_strdup_printf (_("%s is not on this machine or your local network. Every customer message the chatbot "
                                "phrases, with the facts of its answer, would be sent there."), url);
      dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Send Customer Messages Beyond Your Network?"), body);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                        "send", _("_Send Them There"), NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "send", ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_object_set_data_full (G_OBJECT (dialog), "url", g_steal_pointer (&url), g_free);
      g_signal_connect_object (dialog, "response", G_CALLBACK (remote_response_cb), self, 0);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    default:
      break;
    }
  g_settings_set_string (self->settings, "llm-url", url);
}

static void
key_stored_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  SdPreferencesWindow *self = SD_PREFERENCES_WINDOW (object);
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    sd_toasts_show_in (GTK_WIDGET (self),
                       GPOINTER_TO_INT (g_task_get_task_data (G_TASK (result)))
                       ? _("API key saved in your keyring") : _("API key removed from your keyring"), 5);
  else
    {
      g_autofree char *message = g_strdup_printf (_("The API key could not be saved: %s"), error->message);
      sd_toasts_show_in (GTK_WIDGET (self), message, 5);
    }
}

typedef struct {
  char *endpoint;
  char *key;
} KeyWork;

static void
key_work_free (KeyWork *w)
{
  g_free (w->endpoint);
  if (w->key)
    memset (w->key, 0, strlen (w->key));
  g_free (w->key);
  g_free (w);
}

static void
store_key_thread (GTask        *task,
                  gpointer      source,
                  gpointer      data,
                  GCancellable *cancellable)
{
  KeyWork *w = g_object_get_data (G_OBJECT (task), "work");
  GError *error = NULL;

  /* the keyring may ask to be unlocked: never on the main thread */
  if (sd_llm_key_store (w->endpoint, w->key, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
llm_key_apply_cb (SdPreferencesWindow *self)
{
  g_autofree char *url = g_settings_get_string (self->settings, "llm-url");
  g_autoptr(SdLlmClient) client = sd_llm_client_new (url, NULL);
  g_autoptr(GTask) task = g_task_new (self, NULL, key_stored_cb, NULL);
  KeyWork *w = g_new0 (KeyWork, 1);

  w->endpoint = g_strdup (sd_llm_client_get_endpoint (client));
  w->key = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->llm_key_row)));
  g_task_set_task_data (task, GINT_TO_POINTER (*w->key != '\0'), NULL);
  g_object_set_data_full (G_OBJECT (task), "work", w, (GDestroyNotify) key_work_free);
  g_task_set_name (task, "[shopdesk] store API key");
  gtk_editable_set_text (GTK_EDITABLE (self->llm_key_row), "");
  sd_job_run_task_in_thread (task, store_key_thread);
}

static void
sd_preferences_window_dispose (GObject *object)
{
  SdPreferencesWindow *self = SD_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->settings);

  G_OBJECT_CLASS (sd_preferences_window_parent_class)->dispose (object);
}

static void
sd_preferences_window_class_init (SdPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, default_shop_row);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, default_shop_reset);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, demo_language_row);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, hash_switch);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, threads_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, smoothing_adjustment);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, log_switch);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, llm_switch);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, llm_url_row);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, llm_where_row);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, llm_model_row);
  gtk_widget_class_bind_template_child (widget_class, SdPreferencesWindow, llm_key_row);
  gtk_widget_class_bind_template_callback (widget_class, llm_url_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, llm_key_apply_cb);
  gtk_widget_class_bind_template_callback (widget_class, reset_default_shop_cb);
  gtk_widget_class_bind_template_callback (widget_class, choose_default_shop_cb);
}

static void
sd_preferences_window_init (SdPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
sd_preferences_window_new (GtkWindow *parent,
                           GSettings *settings)
{
  SdPreferencesWindow *self = g_object_new (SD_TYPE_PREFERENCES_WINDOW,
                                            "transient-for", parent,
                                            "modal", TRUE,
                                            NULL);

  self->settings = g_object_ref (settings);
  g_settings_bind (settings, "hash-identities", self->hash_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "training-threads", self->threads_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "chart-smoothing", self->smoothing_adjustment, "value", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "chart-log-scale", self->log_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind_with_mapping (settings, "demo-language", self->demo_language_row, "selected",
                                G_SETTINGS_BIND_DEFAULT, language_get_mapping, language_set_mapping,
                                NULL, NULL);
  g_signal_connect_object (settings, "changed::default-shop", G_CALLBACK (update_default_shop),
                           self, G_CONNECT_SWAPPED);
  update_default_shop (self);
  g_settings_bind (settings, "llm-enabled", self->llm_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (settings, "llm-model", self->llm_model_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (settings, "changed::llm-url", G_CALLBACK (update_llm_where), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::llm-remote-allowed", G_CALLBACK (update_llm_where), self, G_CONNECT_SWAPPED);
  update_llm_where (self);
  return GTK_WIDGET (self);
}
