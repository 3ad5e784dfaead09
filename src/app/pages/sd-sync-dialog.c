/* sd-sync-dialog.c — “Sync from a Database…”
 *
 * The form is the shop's connection settings (kept in the shop as a URI without password);
 * Test Connection and Sync Now each run an sd_sync_job (connecting, reading and, for the
 * keyring, asking D-Bus all happen in the worker), listed in the window's task list and
 * followed here with a progress bar and Cancel. The report appears below the form.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-format.h"
#include "sd-page-host.h"
#include "sd-sync-dialog.h"
#include "sd-sync.h"
#include "sd-list-rows.h"

struct _SdSyncDialog
{
  AdwWindow       parent_instance;

  AdwComboRow    *kind_row;
  AdwEntryRow    *host_row;
  AdwEntryRow    *port_row;
  AdwEntryRow    *socket_row;
  AdwEntryRow    *database_row;
  AdwEntryRow    *user_row;
  AdwEntryRow    *password_row;
  GtkSwitch      *remember_switch;
  AdwComboRow    *tls_row;
  AdwEntryRow    *namespace_row;
  AdwActionRow   *last_row;
  GtkSwitch      *on_open_switch;
  GtkWidget      *progress_box;
  GtkLabel       *progress_label;
  GtkProgressBar *progress_bar;
  GtkLabel       *result_label;
  GtkListBox     *result_list;

  GtkWindow      *host;       /* the main window: weak */
  SdStore        *store;
  SdJob          *job;        /* the running one */
};

#define MAX_REJECTS_SHOWN 50

G_DEFINE_FINAL_TYPE (SdSyncDialog, sd_sync_dialog, ADW_TYPE_WINDOW)

/* The TLS row's choices, as libpq names them (the MariaDB source maps them). */
static const char *const tls_modes[] = { NULL, "disable", "require", "verify-ca", "verify-full" };

static void
update_namespace_title (SdSyncDialog *self)
{
  gboolean woo = adw_combo_row_get_selected (self->kind_row) == SD_SYNC_KIND_WOOCOMMERCE;

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->namespace_row),
                                 woo ? _("Table _Prefix (empty: wp_)") : _("_Schema of the Views (empty: shopdesk, or the database)"));
}

static void
update_last (SdSyncDialog *self)
{
  g_autofree char *summary = NULL;
  gint64 at = sd_sync_settings_get_last (self->store, &summary);

  if (at == 0)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->last_row), _("Never synced"));
      adw_action_row_set_subtitle (self->last_row, "");
      return;
    }
  {
    g_autofree char *when = sd_format_time (at);
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->last_row), when);
    adw_action_row_set_subtitle (self->last_row, summary ? summary : "");
  }
}

static void
show_error (SdSyncDialog *self,
            const char   *message)
{
  gtk_label_set_text (self->result_label, message);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
}

static void
fill_form (SdSyncDialog *self)
{
  g_autofree char *uri = sd_sync_settings_get_uri (self->store);
  SdSyncConnection conn = { SD_SYNC_KIND_POSTGRESQL, 0 };

  if (uri && sd_sync_connection_from_uri (uri, &conn, NULL))
    {
      g_autofree char *port = conn.port > 0 ? g_strdup_printf ("%d", conn.port) : g_strdup ("");

      adw_combo_row_set_selected (self->kind_row, conn.kind);
      gtk_editable_set_text (GTK_EDITABLE (self->host_row), conn.host ? conn.host : "");
      gtk_editable_set_text (GTK_EDITABLE (self->port_row), port);
      gtk_editable_set_text (GTK_EDITABLE (self->socket_row), conn.socket ? conn.socket : "");
      gtk_editable_set_text (GTK_EDITABLE (self->database_row), conn.database ? conn.database : "");
      gtk_editable_set_text (GTK_EDITABLE (self->user_row), conn.user ? conn.user : "");
      gtk_editable_set_text (GTK_EDITABLE (self->namespace_row), conn.namespace ? conn.namespace : "");
      for (guint i = 1; i < G_N_ELEMENTS (tls_modes); i++)
        if (g_strcmp0 (conn.tls, tls_modes[i]) == 0)
          adw_combo_row_set_selected (self->tls_row, i);
    }
  sd_sync_connection_clear (&conn);
  update_namespace_title (self);
  update_last (self);
  gtk_switch_set_active (self->on_open_switch, sd_sync_settings_get_on_open (self->store));
  gtk_widget_set_sensitive (GTK_WIDGET (self->on_open_switch), uri != NULL);
}

static void
on_open_toggled_cb (SdSyncDialog *self)
{
  g_autoptr(GError) error = NULL;
  gboolean active = gtk_switch_get_active (self->on_open_switch);

  if (active != sd_sync_settings_get_on_open (self->store) &&
      !sd_sync_settings_set_on_open (self->store, active, &error))
    {
      show_error (self, error->message);
      gtk_switch_set_active (self->on_open_switch, !active);
    }
}

/* The form as a URI, or NULL after telling what is wrong. */
static char *
form_uri (SdSyncDialog *self)
{
  SdSyncConnection conn = { 0 };
  const char *port = gtk_editable_get_text (GTK_EDITABLE (self->port_row));
  guint64 port_number = 0;
  char *uri;

  if (*port && !g_ascii_string_to_unsigned (port, 10, 1, 65535, &port_number, NULL))
    {
      gtk_label_set_text (self->result_label, _("The port is a number from 1 to 65535."));
      gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->port_row));
      return NULL;
    }
  if (!*gtk_editable_get_text (GTK_EDITABLE (self->database_row)))
    {
      gtk_label_set_text (self->result_label, _("Which database? Fill in its name."));
      gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
      gtk_widget_grab_focus (GTK_WIDGET (self->database_row));
      return NULL;
    }
  conn.kind = adw_combo_row_get_selected (self->kind_row);
  conn.host = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->host_row)));
  conn.port = port_number;
  conn.socket = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->socket_row)));
  conn.database = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->database_row)));
  conn.user = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->user_row)));
  conn.tls = g_strdup (tls_modes[MIN (adw_combo_row_get_selected (self->tls_row), G_N_ELEMENTS (tls_modes) - 1)]);
  conn.namespace = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->namespace_row)));
  uri = sd_sync_connection_to_uri (&conn);
  sd_sync_connection_clear (&conn);
  return uri;
}

static void
set_busy (SdSyncDialog *self,
          gboolean      busy)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.run", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.test", !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sync.cancel", busy);
  gtk_widget_set_visible (self->progress_box, busy);
}

static void
job_notify_cb (SdSyncDialog *self)
{
  const char *text = sd_job_get_text (self->job);

  gtk_progress_bar_set_fraction (self->progress_bar, sd_job_get_fraction (self->job));
  gtk_label_set_text (self->progress_label, text ? text : "");
}

static void
end_job (SdSyncDialog *self)
{
  if (self->job)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  set_busy (self, FALSE);
}

static void
clear_result_list (SdSyncDialog *self)
{
  sd_list_box_remove_all (self->result_list);
  gtk_widget_set_visible (GTK_WIDGET (self->result_list), FALSE);
}

static void
add_result_row (SdSyncDialog *self,
                const char   *title,
                const char   *subtitle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  gtk_list_box_append (self->result_list, row);
  gtk_widget_set_visible (GTK_WIDGET (self->result_list), TRUE);
}

/* @text's first line as the headline, each further line a row (“title: detail”). */
static void
show_result (SdSyncDialog *self,
             const char   *text)
{
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);

  clear_result_list (self);
  gtk_label_set_text (self->result_label, lines[0]);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
  for (guint i = 1; lines[i]; i++)
    {
      char *colon = strstr (lines[i], ": ");

      if (*g_strstrip (lines[i]) == '\0')
        continue;
      if (colon)
        {
          *colon = '\0';
          add_result_row (self, lines[i], colon + 2);
        }
      else
        add_result_row (self, lines[i], "");
    }
}

static void
show_report (SdSyncDialog *self,
             SdSyncReport *report)
{
  g_autofree char *seconds = g_strdup_printf ("%.1f", report->elapsed_us / 1e6);
  g_autofree char *headline = g_strdup_printf (report->full ? _("Loaded everything from %s in %s s.")
                                                            : _("Synced what changed in %s in %s s."),
                                               report->label, seconds);

  clear_result_list (self);
  gtk_label_set_text (self->result_label, headline);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
  for (guint t = 0; t < SD_SYNC_N_TABLES; t++)
    {
      const SdSyncCounts *c = &report->tables[t];
      g_autofree char *ins = sd_format_count (c->inserted), *upd = sd_format_count (c->updated);
      g_autofree char *del = sd_format_count (c->deleted), *rej = sd_format_count (c->rejected);
      g_autofree char *same = sd_format_count (c->unchanged);
      g_autofree char *counts = g_strdup_printf (_("%s inserted · %s updated · %s deleted · %s rejected · %s unchanged"),
                                                 ins, upd, del, rej, same);

      add_result_row (self, sd_sync_table_label (t), counts);
    }
  for (guint i = 0; i < MIN (report->rejects->len, MAX_REJECTS_SHOWN); i++)
    {
      const SdSyncReject *r = report->rejects->pdata[i];
      g_autofree char *title = g_strdup_printf (_("Rejected: %s %s"), sd_sync_table_label (r->table), r->key);

      add_result_row (self, title, r->reason);
    }
}

static void
job_done_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(SdSyncDialog) self = user_data;
  SdJob *job = SD_JOB (object);
  g_autoptr(GError) error = NULL;

  if (!sd_job_run_finish (job, result, &error))
    {
      g_autofree char *text = g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED)
                              ? g_strdup (_("Cancelled: nothing in the shop changed."))
                              : g_strdup_printf (_("%s\n\nNothing in the shop changed."), error->message);

      clear_result_list (self);
      gtk_label_set_text (self->result_label, text);
      gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
    }
  else if (sd_sync_job_get_report (job))
    {
      show_report (self, sd_sync_job_get_report (job));
      gtk_widget_set_sensitive (GTK_WIDGET (self->on_open_switch), TRUE);
      /* The worker wrote through its own connection; every page reloads from it. */
      sd_store_notify_changed_detail (self->store, SD_STORE_CHANGED_DATA);
      update_last (self);
    }
  else if (sd_sync_job_get_description (job))
    show_result (self, sd_sync_job_get_description (job));
  if (self->job == job)
    end_job (self);
}

static void
start_job (SdSyncDialog   *self,
           SdSyncJobFlags  flags)
{
  g_autofree char *uri = NULL;
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));

  if (self->job || !(uri = form_uri (self)))
    return;
  if (gtk_switch_get_active (self->remember_switch))
    flags |= SD_SYNC_JOB_REMEMBER_PASSWORD;
  self->job = sd_sync_job_new (sd_store_get_path (self->store), uri, *password ? password : NULL, flags);
  g_signal_connect_swapped (self->job, "notify::fraction", G_CALLBACK (job_notify_cb), self);
  g_signal_connect_swapped (self->job, "notify::text", G_CALLBACK (job_notify_cb), self);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);
  clear_result_list (self);
  gtk_progress_bar_set_fraction (self->progress_bar, 0.0);
  gtk_label_set_text (self->progress_label, _("Connecting…"));
  set_busy (self, TRUE);
  sd_job_set_ask_before_quit (self->job, !(flags & SD_SYNC_JOB_TEST_ONLY));
  if (self->host)
    sd_page_host_run_job (GTK_WIDGET (self->host), self->job, job_done_cb, g_object_ref (self));
  else
    sd_job_run_async (self->job, job_done_cb, g_object_ref (self));
}

static void
run_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  start_job (SD_SYNC_DIALOG (widget), SD_SYNC_JOB_SYNC);
}

static void
test_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  start_job (SD_SYNC_DIALOG (widget), SD_SYNC_JOB_TEST_ONLY);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdSyncDialog *self = SD_SYNC_DIALOG (widget);

  if (self->job)
    {
      gtk_label_set_text (self->progress_label, _("Cancelling…"));
      sd_job_cancel (self->job);
    }
}

static gboolean
close_request_cb (SdSyncDialog *self)
{
  /* Closing the dialog does not stop a sync: the window's task list still has it. */
  if (self->job)
    g_signal_handlers_disconnect_by_data (self->job, self);
  return FALSE;
}

static void
sd_sync_dialog_dispose (GObject *object)
{
  SdSyncDialog *self = SD_SYNC_DIALOG (object);

  if (self->job)
    g_signal_handlers_disconnect_by_data (self->job, self);
  g_clear_object (&self->job);
  g_clear_object (&self->store);
  g_clear_weak_pointer (&self->host);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_SYNC_DIALOG);
  G_OBJECT_CLASS (sd_sync_dialog_parent_class)->dispose (object);
}

static void
sd_sync_dialog_class_init (SdSyncDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_sync_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/shopdesk/Shopdesk/ui/sd-sync-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, kind_row);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, host_row);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, port_row);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, socket_row);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, database_row);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, user_row);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, password_row);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, remember_switch);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, tls_row);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, namespace_row);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, last_row);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, on_open_switch);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, progress_box);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, progress_label);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, result_label);
  gtk_widget_class_bind_template_child (widget_class, SdSyncDialog, result_list);

  gtk_widget_class_install_action (widget_class, "sync.run", NULL, run_action);
  gtk_widget_class_install_action (widget_class, "sync.test", NULL, test_action);
  gtk_widget_class_install_action (widget_class, "sync.cancel", NULL, cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
sd_sync_dialog_init (SdSyncDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_swapped (self->kind_row, "notify::selected", G_CALLBACK (update_namespace_title), self);
  g_signal_connect_swapped (self->on_open_switch, "notify::active", G_CALLBACK (on_open_toggled_cb), self);
  g_signal_connect (self, "close-request", G_CALLBACK (close_request_cb), NULL);
  set_busy (self, FALSE);
}

GtkWindow *
sd_sync_dialog_new (GtkWindow *parent,
                    SdStore   *store)
{
  SdSyncDialog *self = g_object_new (SD_TYPE_SYNC_DIALOG, "transient-for", parent, NULL);

  g_set_weak_pointer (&self->host, parent);
  self->store = g_object_ref (store);
  fill_form (self);
  return GTK_WINDOW (self);
}

static void
on_open_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SdStore) store = user_data;
  SdJob *job = SD_JOB (object);
  g_autoptr(GError) error = NULL;
  GtkWindow *host = g_object_get_data (object, "sd-sync-host");

  if (!sd_job_run_finish (job, result, &error))
    {
      if (host && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_autofree char *message = g_strdup_printf (_("The sync on opening failed: %s"), error->message);
          sd_page_host_toast (GTK_WIDGET (host), message);
        }
      return;
    }
  sd_store_notify_changed_detail (store, SD_STORE_CHANGED_DATA);
}

void
sd_sync_dialog_sync_on_open (GtkWindow *host,
                             SdStore   *store)
{
  g_autofree char *uri = NULL;
  g_autoptr(SdJob) job = NULL;

  if (!sd_sync_settings_get_on_open (store) || !(uri = sd_sync_settings_get_uri (store)))
    return;
  job = sd_sync_job_new (sd_store_get_path (store), uri, NULL, SD_SYNC_JOB_SYNC);
  g_object_set_data (G_OBJECT (job), "sd-sync-host", host);
  sd_page_host_run_job (GTK_WIDGET (host), job, on_open_done_cb, g_object_ref (store));
}
