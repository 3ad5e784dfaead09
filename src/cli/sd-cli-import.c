/* sd-cli-import.c — `shopdesk-cli import`: a shop export into the shop */
#include "config.h"

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
  gboolean hash = FALSE;
  g_autoptr(GString) names = format_names ();
  g_autofree char *format_help = g_strdup_printf ("The file's format: %s (default: auto)", names->str);
  GOptionEntry entries[] = {
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format_name, format_help, "FORMAT" },
    { "hash-identities", 0, 0, G_OPTION_ARG_NONE, &hash, "Store customer names and e-mails as keyed hashes (pseudonymised; the shop hashes from then on)", NULL },
    { "rejects", 0, 0, G_OPTION_ARG_FILENAME, &rejects, "Save the rejected rows (line, reason, row) as CSV", "OUT.csv" },
    { NULL }
  };
  SdImportOptions options = { SD_IMPORT_AUTO, FALSE };
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdImportReport) report = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GCancellable *cancellable;

  if (!sd_cli_parse ("import", "import a shop export (CSV, plain or gzip; FILE may be - for standard input) FILE", entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc != 2)
    {
      fprintf (stderr, "shopdesk-cli import: %s\nRun “shopdesk-cli import --help” for its options.\n",
               argc < 2 ? "which file? Give one FILE to import" : "give exactly one FILE");
      return SD_EXIT_USAGE;
    }
  if (format_name && !sd_import_format_from_string (format_name, &options.format))
    {
      fprintf (stderr, "shopdesk-cli import: unknown format “%s” (one of %s)\n", format_name, names->str);
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
      fprintf (stderr, "shopdesk-cli import: cancelled, nothing changed.\n");
      return sd_cli_cancelled_status ();
    }
  if (report == NULL)
    {
      fprintf (stderr, "shopdesk-cli import: %s\nNothing was imported.\n", error->message);
      return SD_EXIT_FAILED;
    }

  text = sd_import_report_to_text (report);
  fputs (text, stderr);
  if (rejects && !sd_import_report_save_rejects (report, rejects, &error))
    fprintf (stderr, "shopdesk-cli import: %s\n", error->message);
  else if (rejects)
    fprintf (stderr, "Rejected rows saved to “%s”.\n", rejects);
  return report->rows_rejected > 0 ? SD_EXIT_PARTIAL : SD_EXIT_OK;
}
