/* sd-application.c — the Shopdesk application */
#include "config.h"

#include <glib/gi18n.h>

#include <glib/gstdio.h>

#include <cblas.h>

#include "sd-application.h"
#include "sd-preferences-window.h"
#include "sd-product-text.h"
#include "sd-demo.h"
#include "sd-resources.h"
#include "sd-window.h"

struct _SdApplication
{
  AdwApplication parent_instance;

  char          *start_page;   /* --page: the page the first window shows */
  char          *start_customer; /* --customer: opened on the Recommendations page */
  char          *chat_script;    /* --chat-script: a file of customer messages for the Chatbot page */
  GSettings     *settings;     /* NULL when the schema is not installed */
  gboolean       quitting;     /* jobs cancelled, waiting for their threads to return */
  GtkWidget     *quit_dialog;  /* asking whether to stop work the person started */
};

G_DEFINE_FINAL_TYPE (SdApplication, sd_application, ADW_TYPE_APPLICATION)

/* The default shop is made on first start, and again if a first start was cut short
 * (the file is there but holds no data). */
static gboolean
default_shop_needs_demo (const char *path)
{
  GStatBuf st;
  g_autoptr(SdStore) store = NULL;
  gboolean empty = FALSE;

  if (g_stat (path, &st) != 0 || st.st_size == 0)
    return TRUE;
  store = sd_store_open (path, NULL);
  return store != NULL && sd_demo_store_is_empty (store, &empty, NULL) && empty;
}

static void
demo_shop_made_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(SdWindow) window = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = sd_demo_default_path ();
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (window));
  gboolean ok = sd_job_run_finish (SD_JOB (source), result, &error);

  if (app == NULL || g_list_find (gtk_application_get_windows (app), window) == NULL)
    return;   /* closed meanwhile */
  /* Opened now, unless another shop was opened meanwhile; even a failed one, so that
   * its data can be imported. */
  if (sd_window_get_store (window) == NULL)
    sd_window_open_shop (window, path);
  /* Success shows itself: the pages fill in. */
  if (!ok)
    {
      g_autofree char *message = g_strdup_printf (_("Could not make the demo shop: %s"), error->message);
      sd_window_toast (window, message);
    }
}

/* --chat-script FILE: its lines sent on the Chatbot page as the customer, as they are typed
 * (for screenshots and tests: nothing under Xvfb can type Chinese). */
static void
play_start_chat_script (SdApplication *self,
                        GtkWindow     *window)
{
  g_autofree char *script = g_steal_pointer (&self->chat_script);

  if (script)
    gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.chat-script",
                                        g_variant_new_bytestring (script));
}

/* --customer ID: the customer's history, offers and recommendations, once the shop is open. */
static void
show_start_customer (SdApplication *self,
                     GtkWindow     *window)
{
  g_autofree char *customer = g_steal_pointer (&self->start_customer);

  if (customer && sd_window_get_store (SD_WINDOW (window)))
    gtk_widget_activate_action (GTK_WIDGET (window), "win.show-customer", "s", customer);
}

static void
sd_application_activate (GApplication *app)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      g_autofree char *path = sd_demo_default_path ();
      g_autofree char *chosen = SD_APPLICATION (app)->settings
                                ? g_settings_get_string (SD_APPLICATION (app)->settings, "default-shop") : NULL;
      g_autofree char *last = SD_APPLICATION (app)->settings
                              ? g_settings_get_string (SD_APPLICATION (app)->settings, "last-shop") : NULL;
      gboolean make_demo = default_shop_needs_demo (path);

      window = GTK_WINDOW (sd_window_new (SD_APPLICATION (app)));
      /* The shop chosen in Preferences, unless it has gone. */
      if (chosen && *chosen && g_file_test (chosen, G_FILE_TEST_IS_REGULAR) &&
          sd_window_open_shop (SD_WINDOW (window), chosen))
        make_demo = FALSE;
      /* Otherwise the shop of the last session, as people expect; then the demo shop. */
      else if (last && *last && g_strcmp0 (last, path) != 0 && g_file_test (last, G_FILE_TEST_IS_REGULAR) &&
               sd_window_open_shop (SD_WINDOW (window), last))
        make_demo = FALSE;
      else if (!make_demo)
        sd_window_open_shop (SD_WINDOW (window), path);
      /* Making it takes about a second on a busy machine: the window shows at once, its
       * pages waiting for a shop and the job in its task list, and the shop opens when
       * it is made. */
      if (make_demo)
        {
          g_autoptr(SdJob) job = sd_demo_job_new (path, NULL);
          /* The header bar's task list and the Overview's spinner show it is coming; a toast
           * would outstay the second it takes. */
          sd_window_run_job (SD_WINDOW (window), job, demo_shop_made_cb, g_object_ref (window));
        }
      if (SD_APPLICATION (app)->start_page)
        sd_window_show_page (SD_WINDOW (window), SD_APPLICATION (app)->start_page);
      show_start_customer (SD_APPLICATION (app), window);
      play_start_chat_script (SD_APPLICATION (app), window);
    }
  gtk_window_present (window);
}

/* `shopdesk SHOP.sqlite` opens that shop instead of the demo shop. */
static void
sd_application_open (GApplication  *app,
                     GFile        **files,
                     int            n_files,
                     const char    *hint)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_autofree char *path = n_files > 0 ? g_file_get_path (files[0]) : NULL;

  if (window == NULL)
    {
      window = GTK_WINDOW (sd_window_new (SD_APPLICATION (app)));
      if (SD_APPLICATION (app)->start_page)
        sd_window_show_page (SD_WINDOW (window), SD_APPLICATION (app)->start_page);
    }
  if (path == NULL || !sd_window_open_shop (SD_WINDOW (window), path))
    {
      /* A shop that cannot be opened leaves the demo shop showing, with the reason. */
      g_autofree char *demo = sd_demo_default_path ();
      if (sd_window_get_store (SD_WINDOW (window)) == NULL)
        sd_window_open_shop (SD_WINDOW (window), demo);
    }
  show_start_customer (SD_APPLICATION (app), window);
  play_start_chat_script (SD_APPLICATION (app), window);
  gtk_window_present (window);
}

static int
sd_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  const char *page = NULL;
  const char *customer = NULL;
  const char *script = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("shopdesk %s\n", VERSION);
      return 0;
    }
  if (g_variant_dict_lookup (options, "page", "&s", &page))
    {
      g_free (SD_APPLICATION (app)->start_page);
      SD_APPLICATION (app)->start_page = g_strdup (page);
    }
  if (g_variant_dict_lookup (options, "customer", "&s", &customer))
    {
      g_free (SD_APPLICATION (app)->start_customer);
      SD_APPLICATION (app)->start_customer = g_strdup (customer);
    }
  if (g_variant_dict_lookup (options, "chat-script", "^&ay", &script))
    {
      g_free (SD_APPLICATION (app)->chat_script);
      SD_APPLICATION (app)->chat_script = g_strdup (script);
    }
  return -1;
}

static void
sd_application_finalize (GObject *object)
{
  g_clear_object (&SD_APPLICATION (object)->settings);
  g_free (SD_APPLICATION (object)->start_page);
  g_free (SD_APPLICATION (object)->start_customer);
  g_free (SD_APPLICATION (object)->chat_script);
  G_OBJECT_CLASS (sd_application_parent_class)->finalize (object);
}

GSettings *
sd_application_get_settings (SdApplication *self)
{
  return self->settings;
}

static void
preferences_activated (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  SdApplication *self = SD_APPLICATION (user_data);
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (self->settings == NULL)
    {
      if (SD_IS_WINDOW (parent))
        sd_window_toast (SD_WINDOW (parent), _("Preferences need Shopdesk to be installed (its settings schema is missing)"));
      return;
    }
  gtk_window_present (GTK_WINDOW (sd_preferences_window_new (parent, self->settings)));
}

/* Training's linear algebra gets as many threads as the user allows; the rest of the
 * machine stays free for the window. */
static void
threads_changed_cb (SdApplication *self)
{
  openblas_set_num_threads (g_settings_get_int (self->settings, "training-threads"));
}

/* Product titles switch language at once: every open window reloads its pages. */
static void
demo_language_changed_cb (SdApplication *self)
{
  g_autofree char *setting = g_settings_get_string (self->settings, "demo-language");

  sd_product_text_set_setting (setting);
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    if (SD_IS_WINDOW (l->data) && sd_window_get_store (l->data))
      sd_store_notify_changed (sd_window_get_store (l->data));
}

static GSettings *
open_settings (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;

  if (source == NULL || !(schema = g_settings_schema_source_lookup (source, APP_ID, TRUE)))
    return NULL;
  return g_settings_new (APP_ID);
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
threads_ended_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(SdApplication) self = user_data;

  g_application_quit (G_APPLICATION (self));
}

/* Cancelled workers return at their next cancellation point, a few milliseconds away; the
 * main loop runs meanwhile (their callbacks land), and the app quits when the last has. */
static void
stop_and_quit (SdApplication *self)
{
  self->quitting = TRUE;
  sd_job_cancel_all ();
  if (sd_job_get_n_threads () == 0)
    {
      g_application_quit (G_APPLICATION (self));
      return;
    }
  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l; l = l->next)
    gtk_widget_set_visible (l->data, FALSE);
  sd_job_wait_threads_async (NULL, threads_ended_cb, g_object_ref (self));
}

static void
quit_response_cb (SdApplication *self,
                  const char    *response)
{
  self->quit_dialog = NULL;   /* AdwMessageDialog closes itself on a response */
  if (g_strcmp0 (response, "stop") == 0)
    stop_and_quit (self);
}

/* The running jobs of @window that the person started (training, an import). */
static GPtrArray *
jobs_to_ask_about (SdWindow *window)
{
  GListModel *jobs = sd_window_get_jobs (window);
  GPtrArray *asking = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (jobs); i++)
    {
      g_autoptr(SdJob) job = g_list_model_get_item (jobs, i);

      if (sd_job_get_state (job) <= SD_JOB_RUNNING && sd_job_get_ask_before_quit (job))
        g_ptr_array_add (asking, g_steal_pointer (&job));
    }
  return asking;
}

void
sd_application_quit_safely (SdApplication *self)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autoptr(GPtrArray) asking = NULL;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;

  g_return_if_fail (SD_IS_APPLICATION (self));

  if (self->quitting)
    return;
  if (self->quit_dialog)
    {
      gtk_window_present (GTK_WINDOW (self->quit_dialog));
      return;
    }
  /* Closing a dialog's parent asks from the main window. */
  if (window && !SD_IS_WINDOW (window))
    window = gtk_window_get_transient_for (window);
  asking = SD_IS_WINDOW (window) ? jobs_to_ask_about (SD_WINDOW (window)) : NULL;
  /* What only computes a page's view is stopped without a word; a training of minutes or an
   * import is lost work, which a person expects to be asked about, as about an unsaved
   * document. */
  if (asking == NULL || asking->len == 0)
    {
      stop_and_quit (self);
      return;
    }
  if (asking->len == 1)
    /* TRANSLATORS: %s is a job, "Training ALS (implicit)" */
    heading = g_strdup_printf (_("Stop “%s” and Quit?"), sd_job_get_title (g_ptr_array_index (asking, 0)));
  else
    heading = g_strdup_printf (ngettext ("Stop %u Job and Quit?", "Stop %u Jobs and Quit?", asking->len),
                               asking->len);
  dialog = adw_message_dialog_new (window, heading,
                                   ngettext ("What it has done so far is not kept: the shop stays as it was before it started.",
                                             "What they have done so far is not kept: the shop stays as it was before they started.",
                                             asking->len));
  gtk_widget_set_name (dialog, "quit-dialog");
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Keep Working"),
                                    "stop", _("_Stop and Quit"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "stop", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (quit_response_cb), self, G_CONNECT_SWAPPED);
  self->quit_dialog = dialog;
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  sd_application_quit_safely (SD_APPLICATION (user_data));
}

/* The last word on any way out (also a quit from the session or a signal handler): no
 * worker thread may outlive the main loop, since one still inside OpenBLAS crashes the
 * exit. Each job's transaction rolls back when its worker returns cancelled. */
static void
sd_application_shutdown (GApplication *app)
{
  gint64 start = g_get_monotonic_time ();
  guint n = sd_job_get_n_threads ();

  sd_job_cancel_all ();
  if (!sd_job_wait_threads (10 * G_USEC_PER_SEC))
    g_warning ("%u background threads still ran 10 s after they were cancelled", sd_job_get_n_threads ());
  else if (n > 0)
    g_debug ("waited %.1f ms for %u cancelled background threads at exit",
             (g_get_monotonic_time () - start) / 1000.0, n);
  G_APPLICATION_CLASS (sd_application_parent_class)->shutdown (app);
}

/* The default action of "job finished" notifications: back to the window. */
static void
present_activated (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (user_data));

  if (window)
    gtk_window_present (window);
  else
    g_application_activate (G_APPLICATION (user_data));
}

static const GActionEntry app_actions[] = {
  { "preferences", preferences_activated },
  { "about", about_activated },
  { "quit", quit_activated },
  { "present", present_activated },
};

static void
sd_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  SdApplication *self = SD_APPLICATION (app);

  G_APPLICATION_CLASS (sd_application_parent_class)->startup (app);
  /* Windows (About's, the main one's) show the app's icon; run from the build directory it
   * comes from the gresource's icons/, installed from hicolor. */
  gtk_window_set_default_icon_name (APP_ID);

  if ((self->settings = open_settings ()))
    {
      g_signal_connect_swapped (self->settings, "changed::training-threads",
                                G_CALLBACK (threads_changed_cb), self);
      threads_changed_cb (self);
      g_signal_connect_swapped (self->settings, "changed::demo-language",
                                G_CALLBACK (demo_language_changed_cb), self);
      demo_language_changed_cb (self);
    }
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.preferences", preferences_accels);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions,
                                   G_N_ELEMENTS (app_actions), app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
sd_application_class_init (SdApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  app_class->activate = sd_application_activate;
  app_class->open = sd_application_open;
  app_class->startup = sd_application_startup;
  app_class->shutdown = sd_application_shutdown;
  app_class->handle_local_options = sd_application_handle_local_options;
  G_OBJECT_CLASS (klass)->finalize = sd_application_finalize;

  sd_register_resource ();
}

static void
sd_application_init (SdApplication *self)
{
  static const GOptionEntry entries[] = {
    { "page", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Show this page first: overview, data, training, recommendations, customers, fairness, coupons or chatbot; or shop-settings for the Shop Settings window"),
      N_("PAGE") },
    { "customer", 0, 0, G_OPTION_ARG_STRING, NULL,
      N_("Open this customer's recommendations and offers (an external id or a customer number)"),
      N_("ID") },
    { "chat-script", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Send each line of this UTF-8 text file as a customer message on the Chatbot page, as if typed (for screenshots and tests)"),
      N_("FILE") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL, N_("Print the version and quit"), NULL },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), _("[SHOP.sqlite]"));
}

SdApplication *
sd_application_new (void)
{
  return g_object_new (SD_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       "resource-base-path", RESOURCE_PATH,
                       NULL);
}
