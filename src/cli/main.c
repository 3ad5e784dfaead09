/* shopdesk-cli — Shopdesk from a terminal */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>
#include <string.h>

#include "sd-cli.h"

typedef struct {
  const char   *name;
  SdCliCommand  run;
  const char   *summary;
} Command;

static const Command commands[] = {
  { "stats", sd_cli_stats, N_("Count what the shop holds") },
  { "eval", sd_cli_eval, N_("Train on one file and evaluate on another") },
  { "train", sd_cli_train, N_("Train a recommender on the shop and keep it") },
  { "recommend", sd_cli_recommend, N_("The best products for a customer, with reasons") },
  { "similar", sd_cli_similar, N_("Products like a product (item kNN)") },
  { "tune", sd_cli_tune, N_("Search a model's hyperparameters on a validation split") },
  { "models", sd_cli_models, N_("Stored models: list, promote one to live, roll back, history") },
  { "import", sd_cli_import, N_("Import a shop export (CSV, plain or .gz)") },
  { "demo", sd_cli_demo, N_("Make a demo shop (deterministic, English and Chinese)") },
  { "coupons", sd_cli_coupons, N_("Coupon rules: list, add, preview, apply") },
  { "fairness", sd_cli_fairness, N_("Quality per customer group and exposure of items, before and after a re-ranking") },
  { "segments", sd_cli_segments, N_("Customer segments: profiles, names, audiences, RFM") },
  { "chat", sd_cli_chat, N_("Talk to the chatbot (stdin; --explain shows what it understood)") },
  { "chat-train", sd_cli_chat_train, N_("Train the intent classifier on a CSV or JSON data set") },
  { "chat-eval", sd_cli_chat_eval, N_("Train and evaluate the intent classifier on test data") },
  { "customers", sd_cli_customers, N_("One customer's data: export it (JSON) or forget them") },
  { "sync", sd_cli_sync, N_("Sync the shop from a live shop database (WooCommerce, PostgreSQL)") },
  { "sentiment-train", sd_cli_sentiment_train, N_("Train the shipped sentiment model on review data") },
};

static void
usage (FILE *out)
{
  fprintf (out,
           _("Usage: shopdesk-cli [--db SHOP.sqlite] COMMAND [OPTION…]\n\n"
           "Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
  fprintf (out,
           _("\nWithout --db the demo shop in the user data directory is used.\n"
           "Run “shopdesk-cli COMMAND --help” for a command's options.\n"));
}

int
main (int    argc,
      char **argv)
{
  SdCliGlobal global = { NULL };
  int i = 1;

  setlocale (LC_ALL, "");
  /* The core's messages in the user's language; SHOPDESK_LOCALEDIR lets an uninstalled
   * build use the translations compiled into its build directory. */
  {
    const char *localedir = g_getenv ("SHOPDESK_LOCALEDIR");
    bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
    bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
    textdomain (GETTEXT_PACKAGE);
  }

  /* Global options come before the command; the command parses the rest itself. */
  while (i < argc && argv[i][0] == '-')
    {
      if (strcmp (argv[i], "--db") == 0 && i + 1 < argc)
        {
          global.db_path = argv[i + 1];
          i += 2;
        }
      else if (g_str_has_prefix (argv[i], "--db="))
        global.db_path = argv[i++] + strlen ("--db=");
      else if (strcmp (argv[i], "--help") == 0 || strcmp (argv[i], "-h") == 0)
        {
          usage (stdout);
          return SD_EXIT_OK;
        }
      else if (strcmp (argv[i], "--version") == 0)
        {
          printf ("shopdesk-cli %s\n", VERSION);
          return SD_EXIT_OK;
        }
      else
        {
          fprintf (stderr, _("shopdesk-cli: unknown option “%s”\n\n"), argv[i]);
          usage (stderr);
          return SD_EXIT_USAGE;
        }
    }

  if (i >= argc)
    {
      usage (stderr);
      return SD_EXIT_USAGE;
    }

  for (guint c = 0; c < G_N_ELEMENTS (commands); c++)
    if (strcmp (argv[i], commands[c].name) == 0)
      return commands[c].run (&global, argc - i, argv + i);

  fprintf (stderr, _("shopdesk-cli: unknown command “%s”\n\n"), argv[i]);
  usage (stderr);
  return SD_EXIT_USAGE;
}
