/* sd-cli-sync.c — `shopdesk-cli sync`: the shop brought in step with a live shop database */
#include "config.h"

#include <glib/gi18n.h>

#include <glib/gstdio.h>
#include <string.h>

#include "sd-cli.h"
#include "sd-sync.h"

static void
on_progress (double      fraction,
             const char *text,
             gpointer    user_data)
{
  sd_cli_progress (fraction, text);
}

static SdSyncSource *
open_source (const char    *uri,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autofree char *password = sd_sync_password_lookup (uri, NULL);

  return sd_sync_source_open (uri, password, cancellable, error);
}

/* Ctrl+C while connecting or checking: said as a cancel, not as a failure. */
static gboolean
say_cancelled (GError *error)
{
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return FALSE;
  fprintf (stderr, _("shopdesk-cli sync: cancelled, nothing changed.\n"));
  return TRUE;
}

/* A shop this command made for a sync that failed: gone again, as if never made. */
static void
remove_shop (SdStore **store)
{
  g_autofree char *path = g_strdup (sd_store_get_path (*store));
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *shm = g_strconcat (path, "-shm", NULL);

  g_clear_object (store);
  g_unlink (path);
  g_unlink (wal);
  g_unlink (shm);
}

int
sd_cli_sync (SdCliGlobal  *global,
             int           argc,
             char        **argv)
{
  g_autofree char *from = NULL;
  gboolean json = FALSE, check = FALSE;
  GOptionEntry entries[] = {
    { "from", 0, 0, G_OPTION_ARG_STRING, &from,
      N_("The database: postgresql://USER@HOST:PORT/DB?host=/SOCKET/DIR&schema=shopdesk or mysql://USER@HOST:PORT/DB?socket=/PATH&prefix=wp_&flavour=woocommerce|generic (default: the shop's last one)"), "URI" },
    { "check", 0, 0, G_OPTION_ARG_NONE, &check, N_("Only connect, check the tables and say what the database holds"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print the counts per table as one JSON object"), NULL },
    { NULL }
  };
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdSyncSource) source = NULL;
  g_autoptr(SdSyncReport) report = NULL;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;
  gboolean created;
  guint64 rejected = 0;

  if (!sd_cli_parse ("sync", _("sync the shop from a shop database (read-only; the password from SHOPDESK_DB_PASSWORD or the keyring)"), entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc != 1)
    {
      fprintf (stderr, _("shopdesk-cli sync: unexpected “%s”\nRun “shopdesk-cli sync --help” for its options.\n"), argv[1]);
      return SD_EXIT_USAGE;
    }
  cancellable = sd_cli_cancel_on_signals ();
  /* With --from, a shop that is not there yet is made (like an import), but only once the
   * database answered; it is removed again when the sync fails. */
  created = from && !check && global->db_path && !g_file_test (global->db_path, G_FILE_TEST_EXISTS);
  if (from && !(source = open_source (from, cancellable, &error)))
    {
      if (say_cancelled (error))
        return sd_cli_cancelled_status ();
      sd_cli_print_error ("sync", error);
      return SD_EXIT_FAILED;
    }
  if (!(store = check ? sd_cli_open_store (global)
                      : sd_cli_open_store_for_writing (global, created ? SD_STORE_OPEN_CREATE : SD_STORE_OPEN_EXISTING)))
    return SD_EXIT_FAILED;
  if (from == NULL && (from = sd_sync_settings_get_uri (store)) == NULL)
    {
      fprintf (stderr, _("shopdesk-cli sync: which database? Give --from URI (the shop has never been synced)\n"));
      return SD_EXIT_USAGE;
    }
  if (source == NULL && !(source = open_source (from, cancellable, &error)))
    {
      if (say_cancelled (error))
        return sd_cli_cancelled_status ();
      sd_cli_print_error ("sync", error);
      return SD_EXIT_FAILED;
    }
  if (check)
    {
      g_autofree char *text = sd_sync_source_describe (source, cancellable, &error);
      g_autofree char *shown = NULL;

      if (text == NULL && say_cancelled (error))
        return sd_cli_cancelled_status ();
      if (text == NULL)
        {
          sd_cli_print_error ("sync", error);
          return SD_EXIT_FAILED;
        }
      shown = sd_cli_printable_lines (text);
      printf ("%s\n", shown);
      return SD_EXIT_OK;
    }

  report = sd_sync_run (store, source, on_progress, NULL, cancellable, &error);
  sd_cli_progress_done ();
  if (report == NULL && created)
    remove_shop (&store);
  if (report == NULL && say_cancelled (error))
    return sd_cli_cancelled_status ();
  if (report == NULL)
    {
      sd_cli_print_error ("sync", error);
      fprintf (stderr, _("Nothing was changed.\n"));
      return SD_EXIT_FAILED;
    }
  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_sync_report_to_json (report, w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else
    {
      g_autofree char *text = sd_sync_report_to_text (report);
      g_autofree char *shown = sd_cli_printable_lines (text);

      fputs (shown, stderr);
    }
  for (guint t = 0; t < SD_SYNC_N_TABLES; t++)
    rejected += report->tables[t].rejected;
  return rejected > 0 ? SD_EXIT_PARTIAL : SD_EXIT_OK;
}
