/* sd-cli-util.c — what the subcommands share: option parsing, the store, progress */
#include "config.h"

#include <unistd.h>

#include "sd-cli.h"

gboolean
sd_cli_parse (const char    *command,
              const char    *summary,
              GOptionEntry  *entries,
              int           *argc,
              char        ***argv)
{
  g_autofree char *param = g_strdup_printf ("— %s", summary);
  g_autoptr(GOptionContext) context = g_option_context_new (param);
  g_autoptr(GError) error = NULL;
  g_autofree char *prgname = g_strdup_printf ("shopdesk-cli %s", command);

  g_set_prgname (prgname);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      fprintf (stderr, "shopdesk-cli %s: %s\nRun “shopdesk-cli %s --help” for its options.\n",
               command, error->message, command);
      return FALSE;
    }
  return TRUE;
}

SdStore *
sd_cli_open_store (SdCliGlobal *global)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fallback = NULL;
  const char *path = global->db_path;
  SdStore *store;

  if (path == NULL)
    {
      g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "shopdesk", NULL);
      g_mkdir_with_parents (dir, 0700);
      fallback = g_build_filename (dir, "demo-shop.sqlite", NULL);
      path = fallback;
    }

  /* As the window does: another application's database is refused, not taken over. */
  store = sd_store_check_file (path, &error) ? sd_store_open (path, &error) : NULL;
  if (store == NULL)
    fprintf (stderr, "shopdesk-cli: %s\n", error->message);
  return store;
}

static gboolean progress_shown;

void
sd_cli_progress (double      fraction,
                 const char *text)
{
  static gint64 last_us;
  gint64 now = g_get_monotonic_time ();

  if (!isatty (STDERR_FILENO))
    return;
  /* Ten lines a second is as fast as anyone reads. */
  if (now - last_us < G_USEC_PER_SEC / 10 && fraction < 1.0)
    return;
  last_us = now;
  fprintf (stderr, "\r\033[K%3.0f%%  %s", fraction * 100.0, text ? text : "");
  fflush (stderr);
  progress_shown = TRUE;
}

void
sd_cli_progress_done (void)
{
  if (progress_shown)
    fprintf (stderr, "\r\033[K");
  progress_shown = FALSE;
}

void
sd_cli_json_string (FILE       *out,
                    const char *str)
{
  fputc ('"', out);
  for (const char *p = str ? str : ""; *p; p++)
    {
      unsigned char c = *p;
      if (c == '"' || c == '\\')
        fprintf (out, "\\%c", c);
      else if (c == '\n')
        fputs ("\\n", out);
      else if (c == '\t')
        fputs ("\\t", out);
      else if (c < 0x20)
        fprintf (out, "\\u%04x", c);
      else
        fputc (c, out);
    }
  fputc ('"', out);
}
