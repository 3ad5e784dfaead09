/* sd-cli-import.c — `shopdesk-cli import`: a shop export into the shop */
#include "config.h"

#include <glib/gi18n.h>

#include <string.h>
#include <signal.h>

#include "sd-cli.h"
#include "sd-error.h"
#include "sd-import.h"

static void
on_progress (guint64  bytes_done,
             guint64  bytes_total,
             guint64  rows,
             gpointer user_data)
{
  g_autofree char *text = sd_import_rows_to_text (rows);

  sd_cli_progress (bytes_total ? (double) bytes_done / bytes_total : 0.0, text);
}

/* How many rejected rows --json lists; the count is always whole, and --rejects saves all. */
#define JSON_REJECTS 100

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

static void
print_report_json (SdImportReport *report)
{
  g_autoptr(SdJsonWriter) w = sd_json_writer_new ();
  g_autoptr(GPtrArray) names = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer key;

  sd_json_writer_begin_object (w);
  sd_json_writer_member_string (w, "file", report->file);
  sd_json_writer_member_string (w, "format", sd_import_format_to_string (report->format));
  sd_json_writer_member_int (w, "rows_read", report->rows_read);
  sd_json_writer_member_int (w, "rows_imported", report->rows_imported);
  sd_json_writer_member_int (w, "rows_rejected", report->rows_rejected);
  sd_json_writer_key (w, "handled");
  sd_json_writer_begin_object (w);
  g_hash_table_iter_init (&iter, report->counts);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (names, key);
  g_ptr_array_sort (names, compare_names);
  for (guint i = 0; i < names->len; i++)
    sd_json_writer_member_int (w, names->pdata[i], sd_import_report_get_count (report, names->pdata[i]));
  sd_json_writer_end_object (w);
  sd_json_writer_key (w, "rejects");
  sd_json_writer_begin_array (w);
  for (guint i = 0; i < MIN (report->rejects->len, JSON_REJECTS); i++)
    {
      SdImportReject *r = report->rejects->pdata[i];
      sd_json_writer_begin_object (w);
      sd_json_writer_member_int (w, "line", r->line);
      sd_json_writer_member_string (w, "reason", r->reason);
      sd_json_writer_end_object (w);
    }
  sd_json_writer_end_array (w);
  sd_json_writer_member_bool (w, "rejects_truncated", report->rejects->len > JSON_REJECTS);
  sd_json_writer_member_fixed (w, "elapsed_seconds", report->elapsed_us / 1e6, 3);
  sd_json_writer_key (w, "cpu_seconds");
  sd_json_writer_begin_object (w);
  for (int p = 0; p < SD_IMPORT_N_PHASES; p++)
    sd_json_writer_member_fixed (w, sd_import_phase_to_string (p), report->cpu_us[p] / 1e6, 3);
  sd_json_writer_end_object (w);
  sd_json_writer_end_object (w);
  sd_cli_print_json (g_steal_pointer (&w));
}

static void
shown_reject_free (gpointer data)
{
  SdImportReject *r = data;

  g_free (r->reason);
  g_free (r);
}

/* The report's text, with the file's name and every reason (which quote the file's fields)
 * shown with sd_cli_printable(): the text is made from a copy holding those. */
static char *
report_to_shown_text (SdImportReport *report)
{
  SdImportReport shown = *report;
  g_autoptr(GPtrArray) rejects = g_ptr_array_new_full (report->rejects->len, shown_reject_free);
  g_autofree char *file = sd_cli_printable (report->file);

  for (guint i = 0; i < report->rejects->len; i++)
    {
      const SdImportReject *r = report->rejects->pdata[i];
      SdImportReject *copy = g_new0 (SdImportReject, 1);

      copy->line = r->line;
      copy->reason = sd_cli_printable (r->reason);
      g_ptr_array_add (rejects, copy);
    }
  shown.file = file;
  shown.rejects = rejects;
  return sd_import_report_to_text (&shown);
}

static GString *
format_names (void)
{
  GString *names = g_string_new (NULL);

  for (guint i = 0; i < SD_N_IMPORT_FORMATS; i++)
    g_string_append_printf (names, "%s%s", i ? "|" : "", sd_import_format_to_string (i));
  return names;
}

int
sd_cli_import (SdCliGlobal  *global,
               int           argc,
               char        **argv)
{
  g_autofree char *format_name = NULL;
  g_autofree char *rejects = NULL;
  gboolean hash = FALSE, json = FALSE;
  g_autoptr(GString) names = format_names ();
  g_autofree char *format_help = g_strdup_printf (_("The file's format: %s (default: auto)"), names->str);
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, format_help, "FORMAT" },
    { "hash-identities", 0, 0, G_OPTION_ARG_NONE, &hash, N_("Store customer names and e-mails as keyed hashes (pseudonymised; the shop hashes from then on)"), NULL },
    { "rejects", 0, 0, G_OPTION_ARG_FILENAME, &rejects, N_("Save the rejected rows (line, reason, row) as CSV"), "OUT.csv" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the report as one JSON object"), NULL },
    { NULL }
  };
  SdImportOptions options = { SD_IMPORT_AUTO, FALSE };
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GCancellable *cancellable;

  if (!sd_cli_parse ("import", _("import a shop export (CSV, plain or gzip; FILE may be - for standard input) FILE"), entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, _("shopdesk-cli import: %s\nRun “shopdesk-cli import --help” for its options.\n"),
               argc < 2 ? _("which file? Give one FILE to import") : _("give exactly one FILE"));
      return SD_EXIT_USAGE;
    }
  if (format_name && !sd_import_format_from_string (format_name, &options.format))
    {
      fprintf (stderr, _("shopdesk-cli import: unknown format “%s” (one of %s)\n"), format_name, names->str);
      return SD_EXIT_USAGE;
    }
  options.hash_identities = hash;
  /* Past the file size limit (ulimit -f) a write should fail with EFBIG and be reported,
   * not kill the import with SIGXFSZ. */
  signal (SIGXFSZ, SIG_IGN);

  cancellable = sd_cli_cancel_on_signals ();
  if (!(store = sd_cli_open_store_for_writing (global, SD_STORE_OPEN_CREATE)))
    return SD_EXIT_FAILED;

  report = sd_import_file (store, argv[1], &options, on_progress, NULL, cancellable, &error);
  sd_cli_progress_done ();
  if (report == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      fprintf (stderr, _("shopdesk-cli import: cancelled, nothing changed.\n"));
      return sd_cli_cancelled_status ();
    }
  if (report == NULL)
    {
      sd_cli_print_error ("import", error);
      fprintf (stderr, _("Nothing was imported.\n"));
      return SD_EXIT_FAILED;
    }

  if (json)
    print_report_json (report);
  else
    {
      text = report_to_shown_text (report);
      fputs (text, stderr);
    }
  if (rejects)
    {
      gsize length;
      g_autofree char *csv = sd_import_report_rejects_to_csv (report, &length);
      g_autofree char *shown = sd_cli_printable (rejects);

      if (!sd_cli_save_file (rejects, csv, length, &error))
        {
          g_autofree char *message = sd_cli_printable (error->message);
          fprintf (stderr, _("shopdesk-cli import: could not save the rejected rows: %s\n"), message);
        }
      else if (!json)
        fprintf (stderr, _("Rejected rows saved to “%s”.\n"), shown);
    }
  return report->rows_rejected > 0 ? SD_EXIT_PARTIAL : SD_EXIT_OK;
}
