/* sd-preferences-window.c — Shopdesk's preferences, bound to GSettings
 *
 * Every control is bound with g_settings_bind, so a change takes effect at once and
 * there is no Apply button; the window keeps no state of its own.
 */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-preferences-window.h"

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
  return GTK_WIDGET (self);
}
