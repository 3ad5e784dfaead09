/* sd-recommendations-page-rights.c — a customer's rights on the Recommendations page: their
 * data exported, and forgetting them */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-customer-privacy.h"
#include "sd-page-host.h"
#include "sd-recommendations-page-private.h"

/* ---- A customer's rights: their data, and forgetting them ---------------------------- */

void
sd_recommendations_page_customer_actions_set_enabled (SdRecommendationsPage *self,
                                                      gboolean               enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.export-customer", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.forget-customer",
                                 enabled && self->store && !sd_store_is_read_only (self->store));
}

typedef struct {
  char   *db_path;
  gint64  customer_id;
  GFile  *file;
} ExportCustomer;

static void
export_customer_free (gpointer data)
{
  ExportCustomer *e = data;

  g_free (e->db_path);
  g_clear_object (&e->file);
  g_free (e);
}

/* In a worker, on its own connection: the export reads every table that names them. */
static void
export_customer_thread (GTask        *task,
                        gpointer      source,
                        gpointer      data,
                        GCancellable *cancellable)
{
  ExportCustomer *e = data;
  GError *error = NULL;
  g_autoptr(SdStore) store = sd_store_open_full (e->db_path, SD_STORE_OPEN_EXISTING, &error);
  g_autofree char *json = store ? sd_customer_export_json (store, e->customer_id, &error) : NULL;

  if (json == NULL ||
      !g_file_replace_contents (e->file, json, strlen (json), NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                NULL, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
export_customer_done_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (object);
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    sd_recommendations_page_toast (self, _("The customer's data is saved"));
  else
    {
      g_autofree char *message = g_strdup_printf (_("Could not export the customer's data: %s"), error->message);
      sd_recommendations_page_toast (self, message);
    }
}

static void
export_customer_response_cb (GtkNativeDialog *chooser,
                             int              response,
                             gpointer         user_data)
{
  SdRecommendationsPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && self->store)
    {
      ExportCustomer *e = g_new0 (ExportCustomer, 1);
      g_autoptr(GTask) task = g_task_new (self, NULL, export_customer_done_cb, NULL);

      e->db_path = g_strdup (sd_store_get_path (self->store));
      e->customer_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (chooser), "customer-id"));
      e->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_task_set_task_data (task, e, export_customer_free);
      g_task_set_name (task, "export customer data");
      sd_job_run_task_in_thread (task, export_customer_thread);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

void
sd_recommendations_page_export_customer_action (GtkWidget  *widget,
                                                const char *action_name,
                                                GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);
  ViewWork *w = sd_recommendations_page_shown_view (self);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (w == NULL || w->profile == NULL)
    return;
  /* TRANSLATORS: the suggested file name of a customer's data; %s is the customer's id */
  name = g_strdup_printf (_("customer-data-%s.json"), w->profile->external_id);
  chooser = sd_recommendations_page_save_chooser_new (widget, _("Export Customer Data"), _("JSON files"), "*.json", "application/json", name);
  g_object_set_data (G_OBJECT (chooser), "customer-id", GSIZE_TO_POINTER ((gsize) w->profile->id));
  g_signal_connect (chooser, "response", G_CALLBACK (export_customer_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
forget_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SdRecommendationsPage) self = user_data;
  SdJob *job = SD_JOB (object);
  g_autoptr(GError) error = NULL;

  if (sd_job_run_finish (job, result, &error))
    {
      const SdErasureReport *report = sd_customer_forget_job_get_report (job);

      if (!report->vacuumed)
        /* the rows are gone, but freed pages may keep their bytes until the file is rewritten */
        sd_recommendations_page_toast (self, _("The customer is forgotten, but another program kept the shop file from being "
                                               "rewritten: close that program, then run VACUUM on the shop"));
      else
        sd_recommendations_page_toast (self, report->models_marked > 0
                                             ? _("The customer is forgotten; models that learnt from them are marked for retraining")
                                             : _("The customer is forgotten"));
      sd_recommendations_page_show_start (self);
      if (self->store)
        sd_store_notify_changed (self->store);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    sd_recommendations_page_toast (self, _("Forgetting cancelled: nothing changed"));
  else
    {
      g_autofree char *message = g_strdup_printf (_("Could not forget the customer: %s"), error->message);
      sd_recommendations_page_toast (self, message);
    }
}

static void
forget_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  SdRecommendationsPage *self = user_data;
  gint64 id = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "customer-id"));

  if (g_strcmp0 (response, "forget") == 0 && self->store && id == self->customer_id)
    {
      g_autoptr(SdJob) job = sd_customer_forget_job_new (sd_store_get_path (self->store), id);

      sd_recommendations_page_customer_actions_set_enabled (self, FALSE);
      sd_job_set_ask_before_quit (job, TRUE);
      sd_page_host_run_job (GTK_WIDGET (self), job, forget_done_cb, g_object_ref (self));
    }
  g_object_unref (self);
}

void
sd_recommendations_page_forget_customer_action (GtkWidget  *widget,
                                                const char *action_name,
                                                GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);
  ViewWork *w = sd_recommendations_page_shown_view (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  SdCustomerProfile *p;
  AdwMessageDialog *dialog;
  g_autofree char *who = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *orders = NULL;
  g_autofree char *events = NULL;
  g_autofree char *body = NULL;

  if (w == NULL || (p = w->profile) == NULL)
    return;
  who = p->name ? g_strdup_printf ("%s (%s)", p->name, p->external_id) : g_strdup (p->external_id);
  /* TRANSLATORS: %s is the customer's name and id */
  heading = g_strdup_printf (_("Forget %s?"), who);
  orders = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%ld order", "%ld orders", (gulong) p->orders), (long) p->orders);
  events = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%ld event", "%ld events", (gulong) p->n_events), (long) p->n_events);
  /* TRANSLATORS: the first %s is “3 orders”, the second “12 events” */
  body = g_strdup_printf (_("Removed for good: their name, e-mail, country and id; the link from their %s to them "
                            "(the orders stay in the shop's figures, without a customer or country); their %s "
                            "(views, carts, purchases, reviews); their chat tests and chatbot corrections that name "
                            "them; their saved audience memberships; and their rows in stored models. Models that "
                            "learnt from them are marked for retraining. Importing or syncing them again will skip them."),
                          orders, events);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "forget", _("_Forget Customer"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "forget", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "customer-id", GSIZE_TO_POINTER ((gsize) p->id));
  g_signal_connect (dialog, "response", G_CALLBACK (forget_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}
