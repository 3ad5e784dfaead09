/* sd-dp-export.c — asking for ε, choosing a file, releasing in a worker */
#include "config.h"

#include <adwaita.h>
#include <glib/gi18n.h>
#include <string.h>

#include "sd-dp-export.h"
#include "sd-page-host.h"

typedef struct {
  GtkWidget         *page;
  char              *db_path;
  char              *suggested_name;
  SdDpExportCompute  compute;
  gpointer           data;
  GDestroyNotify     data_destroy;
  SdDpOptions        options;
  GFile             *file;
  GtkSpinButton     *epsilon_spin;
  GtkSpinButton     *threshold_spin;
  GtkLabel          *spent_label;
} Export;

static void
export_free (gpointer p)
{
  Export *e = p;

  if (e->data_destroy)
    e->data_destroy (e->data);
  g_clear_object (&e->page);
  g_clear_object (&e->file);
  g_free (e->db_path);
  g_free (e->suggested_name);
  g_free (e);
}

static void
release_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Export *e = task_data;
  GError *error = NULL;
  g_autoptr(SdStore) store = sd_store_open_full (e->db_path, SD_STORE_OPEN_EXISTING, &error);
  g_autoptr(SdDpReport) report = store ? e->compute (store, &e->options, e->data, &error) : NULL;
  g_autofree char *json = report ? sd_dp_report_to_json (report) : NULL;

  if (json == NULL ||
      !g_file_replace_contents (e->file, json, strlen (json), NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                NULL, cancellable, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&report), (GDestroyNotify) sd_dp_report_free);
}

static void
release_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Export *e = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(SdDpReport) report = g_task_propagate_pointer (G_TASK (result), &error);
  g_autofree char *message = NULL;

  if (report)
    {
      g_autofree char *name = g_file_get_basename (e->file);
      /* TRANSLATORS: after a private export: the file, the ε spent, the groups left out */
      message = g_strdup_printf (_("Saved %s: ε %.2g spent, %u small groups left out"), name,
                                 report->epsilon_spent, report->n_suppressed);
    }
  else
    message = g_strdup_printf (_("Could not export: %s"), error->message);
  sd_page_host_toast (e->page, message);
}

static void
chooser_response_cb (GtkNativeDialog *chooser,
                     int              response,
                     gpointer         user_data)
{
  Export *e = user_data;

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GTask) task = g_task_new (NULL, NULL, release_done_cb, NULL);

      e->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_task_set_task_data (task, e, export_free);
      g_task_set_name (task, "private export");
      sd_job_run_task_in_thread (task, release_thread);
    }
  else
    export_free (e);
  g_object_unref (chooser);
}

static void
update_spent (Export *e)
{
  double epsilon = gtk_spin_button_get_value (e->epsilon_spin);
  g_autofree char *text = NULL;

  /* Three histogram queries (customers, orders, revenue per group), as sd-dp-report.c does. */
  text = g_strdup_printf (_("ε spent: %.2g in all, %.2g on each of 3 figures. Noise on a group's customer count: "
                            "about ±%.0f; groups under %.0f customers are left out."),
                          epsilon, epsilon / 3, 3 / epsilon, gtk_spin_button_get_value (e->threshold_spin));
  gtk_label_set_text (e->spent_label, text);
}

static void
dialog_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  Export *e = user_data;
  GtkRoot *root = gtk_widget_get_root (e->page);
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter;

  if (g_strcmp0 (response, "export") != 0)
    {
      export_free (e);
      return;
    }
  e->options.epsilon = gtk_spin_button_get_value (e->epsilon_spin);
  e->options.threshold = gtk_spin_button_get_value (e->threshold_spin);
  chooser = gtk_file_chooser_native_new (_("Export with Differential Privacy"),
                                         GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("JSON files"));
  gtk_file_filter_add_pattern (filter, "*.json");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), e->suggested_name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), e);
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static GtkWidget *
spin_row (const char     *label,
          GtkSpinButton **spin,
          double          lo,
          double          hi,
          double          step,
          double          value,
          guint           digits)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *caption = gtk_label_new_with_mnemonic (label);

  *spin = GTK_SPIN_BUTTON (gtk_spin_button_new_with_range (lo, hi, step));
  gtk_spin_button_set_digits (*spin, digits);
  gtk_spin_button_set_value (*spin, value);
  gtk_label_set_mnemonic_widget (GTK_LABEL (caption), GTK_WIDGET (*spin));
  gtk_label_set_xalign (GTK_LABEL (caption), 0);
  gtk_widget_set_hexpand (caption, TRUE);
  gtk_box_append (GTK_BOX (box), caption);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (*spin));
  return box;
}

GtkWidget *
sd_dp_export_epsilon_help (void)
{
  GtkWidget *label = gtk_label_new (_("ε (epsilon) limits how much the file can give away about any one customer. "
                                      "At 1 or less the figures come out much the same whether or not any one customer is in them; "
                                      "a larger ε gives figures nearer the truth and hides people less. "
                                      "Each export spends it again."));

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_widget_add_css_class (label, "caption");
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

void
sd_dp_export_start (GtkWidget         *page,
                    const char        *db_path,
                    const char        *suggested_name,
                    SdDpExportCompute  compute,
                    gpointer           data,
                    GDestroyNotify     data_destroy)
{
  Export *e = g_new0 (Export, 1);
  GtkRoot *root = gtk_widget_get_root (page);
  GtkWidget *dialog, *box;

  e->page = g_object_ref (page);
  e->db_path = g_strdup (db_path);
  e->suggested_name = g_strdup (suggested_name);
  e->compute = compute;
  e->data = data;
  e->data_destroy = data_destroy;
  sd_dp_options_init (&e->options);

  dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                   _("Export with Differential Privacy"),
                                   _("Customers, orders and revenue per group are released with random noise, "
                                     "each customer's part capped, so that no one customer can be told from the "
                                     "file. A smaller ε hides people better and blurs the figures more."));
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  gtk_box_append (GTK_BOX (box), spin_row (_("Privacy budget _ε"), &e->epsilon_spin, 0.05, 10, 0.05, e->options.epsilon, 2));
  gtk_box_append (GTK_BOX (box), sd_dp_export_epsilon_help ());
  gtk_box_append (GTK_BOX (box), spin_row (_("Customers a group _needs"), &e->threshold_spin, 0, 1000, 1,
                                           e->options.threshold, 0));
  e->spent_label = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (e->spent_label, TRUE);
  gtk_label_set_xalign (e->spent_label, 0);
  gtk_widget_add_css_class (GTK_WIDGET (e->spent_label), "dim-label");
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (e->spent_label));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  g_signal_connect_swapped (e->epsilon_spin, "value-changed", G_CALLBACK (update_spent), e);
  g_signal_connect_swapped (e->threshold_spin, "value-changed", G_CALLBACK (update_spent), e);
  update_spent (e);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"), "export", _("_Export…"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "export");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (dialog_response_cb), e);
  gtk_window_present (GTK_WINDOW (dialog));
}
