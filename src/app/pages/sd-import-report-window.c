/* sd-import-report-window.c — what an import did: a window built from its report
 *
 * A plain AdwWindow assembled in code rather than a type of its own: it has no state
 * beyond the job it shows, and AdwMessageDialog is too narrow for a list of rejects.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <string.h>

#include "sd-format.h"
#include "sd-import-report-window.h"
#include "sd-import.h"

#define MAX_REJECTS_SHOWN 50

static GtkWidget *
fact_row (const char *title,
          const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (value);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (label, "numeric");
  gtk_widget_add_css_class (label, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  return row;
}

static GtkWidget *
count_row (const char *title,
           gint64      n)
{
  g_autofree char *value = sd_format_count (n);
  return fact_row (title, value);
}

/* A handled case's label as a row title: "rows without a customer" → "Rows without a customer";
 * a name this version has no label for loses its dashes. */
static char *
humanise (const char *name)
{
  char *text = g_strdup (sd_import_count_get_label (name));

  if (g_str_equal (text, name))
    for (char *p = text; *p; p++)
      if (*p == '-' || *p == '_')
        *p = ' ';
  if (*text)
    text[0] = g_ascii_toupper (text[0]);
  return text;
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char **) a, *(const char **) b);
}

static void
save_response_cb (GtkNativeDialog *chooser,
                  int              response,
                  gpointer         user_data)
{
  GtkWindow *window = user_data;
  SdJob *job = g_object_get_data (G_OBJECT (window), "sd-job");
  AdwToastOverlay *toasts = g_object_get_data (G_OBJECT (window), "sd-toasts");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;
      g_autofree char *message = NULL;

      if (sd_import_report_save_rejects (sd_import_job_get_report (job), path, &error))
        {
          g_autofree char *base = g_path_get_basename (path);
          message = g_strdup_printf (_("Rejected rows saved to “%s”"), base);
        }
      else
        message = g_strdup_printf (_("Could not save the rejected rows: %s"), error->message);
      adw_toast_overlay_add_toast (toasts, adw_toast_new (message));
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (window);
}

static void
save_clicked_cb (GtkButton *button,
                 GtkWindow *window)
{
  SdJob *job = g_object_get_data (G_OBJECT (window), "sd-job");
  SdImportReport *report = sd_import_job_get_report (job);
  g_autofree char *base = g_path_get_basename (report->file);
  g_autofree char *name = NULL;
  GtkFileChooserNative *chooser;
  char *dot;

  if ((dot = strchr (base, '.')) != NULL && dot != base)
    *dot = '\0';
  /* TRANSLATORS: file name for the rejected rows of an import; %s is the imported file's name */
  name = g_strdup_printf (_("%s-rejected.csv"), base);
  chooser = gtk_file_chooser_native_new (_("Save Rejected Rows"), window,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (save_response_cb), g_object_ref (window));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static GtkWidget *
build_heading (SdImportReport *report)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
  GtkWidget *icon, *title, *body;
  g_autofree char *imported = sd_format_count (report->rows_imported);
  g_autofree char *rejected = sd_format_count (report->rows_rejected);
  g_autofree char *base = g_path_get_basename (report->file);
  g_autofree char *text = NULL;

  if (report->rows_rejected > 0)
    text = g_strdup_printf (_("%s rows of “%s” were imported and %s rejected. Each rejected row is listed below with its line and reason; save them to fix and import them again."),
                            imported, base, rejected);
  else
    text = g_strdup_printf (_("All %s rows of “%s” were imported."), imported, base);

  icon = gtk_image_new_from_icon_name (report->rows_rejected > 0 ? "dialog-warning-symbolic"
                                                                 : "emblem-ok-symbolic");
  gtk_image_set_pixel_size (GTK_IMAGE (icon), 64);
  gtk_widget_add_css_class (icon, report->rows_rejected > 0 ? "warning" : "success");
  gtk_box_append (GTK_BOX (box), icon);

  title = gtk_label_new (report->rows_rejected > 0 ? _("Imported with Rejected Rows")
                                                   : _("Import Finished"));
  gtk_widget_add_css_class (title, "title-2");
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_box_append (GTK_BOX (box), title);

  body = gtk_label_new (text);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_justify (GTK_LABEL (body), GTK_JUSTIFY_CENTER);
  gtk_box_append (GTK_BOX (box), body);
  return box;
}

static GtkWidget *
build_summary (SdImportReport *report)
{
  GtkWidget *group = adw_preferences_group_new ();
  g_autofree char *seconds = g_strdup_printf (_("%.1f s"), report->elapsed_us / 1e6);
  g_autofree char *rate = NULL;
  GtkWidget *file_row = adw_action_row_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Summary"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (file_row), _("File"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (file_row), report->file);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (file_row), FALSE);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), file_row);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                             fact_row (_("Format"), sd_import_format_get_label (report->format)));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), count_row (_("Rows read"), report->rows_read));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), count_row (_("Rows imported"), report->rows_imported));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), count_row (_("Rows rejected"), report->rows_rejected));
  if (report->elapsed_us > 0)
    {
      g_autofree char *per_second = sd_format_count ((gint64) (report->rows_read / (report->elapsed_us / 1e6)));
      rate = g_strdup_printf (_("%s (%s rows/s)"), seconds, per_second);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), fact_row (_("Time"), rate ? rate : seconds));
  return group;
}

static GtkWidget *
build_handled (SdImportReport *report)
{
  GtkWidget *group;
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  if (report->counts == NULL || g_hash_table_size (report->counts) == 0)
    return NULL;
  g_hash_table_iter_init (&iter, report->counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_names);

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Handled"));
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                         _("Rows that needed care and were kept"));
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *title = humanise (names->pdata[i]);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group),
                                 count_row (title, sd_import_report_get_count (report, names->pdata[i])));
    }
  return group;
}

static GtkWidget *
build_rejects (SdImportReport *report,
               GtkWindow      *window)
{
  GtkWidget *group, *save;
  guint shown;

  if (report->rows_rejected == 0)
    return NULL;

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Rejected Rows"));
  save = gtk_button_new_with_mnemonic (_("_Save Rejected Rows…"));
  gtk_widget_set_valign (save, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (save, "suggested-action");
  g_signal_connect (save, "clicked", G_CALLBACK (save_clicked_cb), window);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), save);

  shown = MIN (report->rejects->len, MAX_REJECTS_SHOWN);
  for (guint i = 0; i < shown; i++)
    {
      SdImportReject *reject = report->rejects->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *title = g_strdup_printf (_("Line %lu"), (unsigned long) reject->line);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reject->reason);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_widget_set_tooltip_text (row, reject->raw);
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  if (shown < report->rows_rejected)
    {
      g_autofree char *more = sd_format_count (report->rows_rejected - shown);
      g_autofree char *text = g_strdup_printf (_("… and %s more: save the rejected rows to see them all"), more);
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
      gtk_widget_add_css_class (row, "dim-label");
      adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
    }
  return group;
}

GtkWindow *
sd_import_report_window_new (GtkWindow *parent,
                             SdJob     *job)
{
  SdImportReport *report = sd_import_job_get_report (job);
  GtkWidget *window, *toasts, *outer, *header, *scroller, *clamp, *box, *part;
  GtkEventController *keys;

  g_return_val_if_fail (report != NULL, NULL);

  window = adw_window_new ();
  gtk_window_set_title (GTK_WINDOW (window), _("Import Report"));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  gtk_window_set_transient_for (GTK_WINDOW (window), parent);
  gtk_window_set_destroy_with_parent (GTK_WINDOW (window), TRUE);
  gtk_window_set_default_size (GTK_WINDOW (window), 560, 640);
  g_object_set_data_full (G_OBJECT (window), "sd-job", g_object_ref (job), g_object_unref);

  outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  header = adw_header_bar_new ();
  adw_header_bar_set_title_widget (ADW_HEADER_BAR (header),
                                   adw_window_title_new (_("Import Report"), NULL));
  gtk_box_append (GTK_BOX (outer), header);

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 24);
  gtk_widget_set_margin_top (box, 24);
  gtk_widget_set_margin_bottom (box, 24);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_box_append (GTK_BOX (box), build_heading (report));
  gtk_box_append (GTK_BOX (box), build_summary (report));
  if ((part = build_handled (report)))
    gtk_box_append (GTK_BOX (box), part);
  if ((part = build_rejects (report, GTK_WINDOW (window))))
    gtk_box_append (GTK_BOX (box), part);

  clamp = adw_clamp_new ();
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 600);
  adw_clamp_set_child (ADW_CLAMP (clamp), box);
  scroller = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_widget_set_vexpand (scroller, TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), clamp);
  gtk_box_append (GTK_BOX (outer), scroller);

  toasts = adw_toast_overlay_new ();
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (toasts), outer);
  g_object_set_data (G_OBJECT (window), "sd-toasts", toasts);
  adw_window_set_content (ADW_WINDOW (window), toasts);

  /* Escape closes, as it does a dialog. */
  keys = GTK_EVENT_CONTROLLER (gtk_shortcut_controller_new ());
  gtk_shortcut_controller_add_shortcut (GTK_SHORTCUT_CONTROLLER (keys),
                                        gtk_shortcut_new (gtk_keyval_trigger_new (GDK_KEY_Escape, 0),
                                                          gtk_named_action_new ("window.close")));
  gtk_widget_add_controller (window, keys);
  return GTK_WINDOW (window);
}
