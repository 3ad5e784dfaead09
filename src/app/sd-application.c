/* sd-application.c — the Shopdesk application */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-application.h"
#include "sd-resources.h"
#include "sd-window.h"

struct _SdApplication
{
  AdwApplication parent_instance;
};

G_DEFINE_FINAL_TYPE (SdApplication, sd_application, ADW_TYPE_APPLICATION)

char *
sd_application_default_shop_path (void)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "shopdesk", NULL);

  g_mkdir_with_parents (dir, 0700);
  return g_build_filename (dir, "demo-shop.sqlite", NULL);
}

static void
sd_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      g_autofree char *path = sd_application_default_shop_path ();
      window = GTK_WINDOW (sd_window_new (SD_APPLICATION (app)));
      sd_window_open_shop (SD_WINDOW (window), path);
    }
  gtk_window_present (window);
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = GTK_APPLICATION (user_data);
  const char *developers[] = { "The Shopdesk developers", NULL };

  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Shopdesk"),
                         "application-icon", APP_ID,
                         "version", VERSION,
                         "comments", _("Recommendations, a chatbot and coupons for your online shop"),
                         "developers", developers,
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "about", about_activated },
  { "quit", quit_activated },
};

static void
sd_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (sd_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
sd_application_class_init (SdApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = sd_application_activate;
  app_class->startup = sd_application_startup;

  sd_register_resource ();
}

static void
sd_application_init (SdApplication *self)
{
}

SdApplication *
sd_application_new (void)
{
  return g_object_new (SD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}
