/* sd-cli-customers.c — `shopdesk-cli customers`: a customer's rights (export, forget) */
#include "config.h"

#include <inttypes.h>

#include <glib/gi18n.h>
#include <string.h>
#include <unistd.h>

#include "sd-cli.h"
#include "sd-customer-privacy.h"
#include "sd-error.h"

static void
print_report (const SdErasureReport *r)
{
  printf (_("Forgotten. Orders kept without them: %" PRId64 "; events removed: %" PRId64
          "; chat tests removed: %" PRId64 "; chat corrections removed: %" PRId64 "\n"),
          r->orders_unlinked, r->events, r->chat_tests, r->chat_corrections);
  printf (_("Audience memberships removed: %" PRId64 "; texts their name, e-mail or id was cut out of: %"
          PRId64 "\n"), r->audience_memberships, r->texts_scrubbed);
  printf (_("Stored models with their rows dropped: %" PRId64 "; marked for retraining: %" PRId64 "\n"),
          r->models_scrubbed, r->models_marked);
  if (!r->vacuumed)
    printf (_("The shop file could not be rewritten (another program has it open): close it and run "
            "“sqlite3 SHOP 'VACUUM'” so no freed page keeps their data.\n"));
}

int
sd_cli_customers (SdCliGlobal *global,
                  int          argc,
                  char       **argv)
{
  g_autofree char *customer = NULL;
  g_autofree char *out = NULL;
  gboolean json = FALSE, yes = FALSE;
  GOptionEntry entries[] = {
    { "customer", 0, 0, G_OPTION_ARG_STRING, &customer, N_("The customer: their external id or row id"), "ID" },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("export: write the JSON to FILE (default: standard output)"), "FILE" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("forget: print the report as JSON"), NULL },
    { "yes", 0, 0, G_OPTION_ARG_NONE, &yes, N_("forget: do not ask on a terminal"), NULL },
    { NULL }
  };
  g_autoptr(SdStore) store = NULL;
  g_autoptr(GError) error = NULL;
  const char *action;
  gint64 id;

  if (!sd_cli_parse ("customers", _("export | forget: what the shop holds about one customer, and forgetting them"),
                     entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (argc != 2 || !g_strv_contains ((const char *[]) { "export", "forget", NULL }, argv[1]))
    {
      fprintf (stderr, _("shopdesk-cli customers: say what to do: export or forget\n"
                       "Run “shopdesk-cli customers --help” for its options.\n"));
      return SD_EXIT_USAGE;
    }
  action = argv[1];
  if (customer == NULL || *customer == '\0')
    {
      fprintf (stderr, _("shopdesk-cli customers %s: which customer? Give --customer ID\n"), action);
      return SD_EXIT_USAGE;
    }
  if (!(store = strcmp (action, "forget") == 0 ? sd_cli_open_store_for_writing (global, SD_STORE_OPEN_EXISTING)
                                               : sd_cli_open_store (global)))
    return SD_EXIT_FAILED;
  if ((id = sd_store_find_customer (store, customer, &error)) < 0)
    {
      sd_cli_print_error (action, error);
      return SD_EXIT_FAILED;
    }

  if (strcmp (action, "export") == 0)
    {
      g_autofree char *text = sd_customer_export_json (store, id, &error);

      if (text == NULL)
        {
          sd_cli_print_error ("customers export", error);
          return SD_EXIT_FAILED;
        }
      if (out && strcmp (out, "-") != 0)
        {
          g_autofree char *with_newline = g_strconcat (text, "\n", NULL);

          if (!sd_cli_save_file (out, with_newline, strlen (with_newline), &error))
            {
              sd_cli_print_error ("customers export", error);
              return SD_EXIT_FAILED;
            }
        }
      else
        printf ("%s\n", text);
      return SD_EXIT_OK;
    }

  {
    SdErasureReport report;
    GCancellable *cancellable = sd_cli_cancel_on_signals ();

    if (!yes && isatty (STDIN_FILENO) && isatty (STDOUT_FILENO))
      {
        char answer[16] = "";

        printf (_("Forget customer %s? Their name, e-mail, events, chat logs and model rows are removed "
                "for good. [y/N] "), customer);
        fflush (stdout);
        if (fgets (answer, sizeof answer, stdin) == NULL || (answer[0] != 'y' && answer[0] != 'Y'))
          {
            printf (_("Nothing changed.\n"));
            return SD_EXIT_FAILED;
          }
      }
    if (!sd_customer_forget (store, id, NULL, cancellable, &report, &error))
      {
        if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
          {
            fprintf (stderr, _("shopdesk-cli customers forget: cancelled; nothing changed\n"));
            return sd_cli_cancelled_status ();
          }
        sd_cli_print_error ("customers forget", error);
        return SD_EXIT_FAILED;
      }
    if (json)
      {
        g_autofree char *text = sd_erasure_report_to_json (&report);
        printf ("%s\n", text);
      }
    else
      print_report (&report);
  }
  return SD_EXIT_OK;
}
