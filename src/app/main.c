/* shopdesk — the GTK application */
#include "config.h"

#include <glib/gi18n.h>
#include <locale.h>

#include "sd-application.h"

int
main (int    argc,
      char **argv)
{
  g_autoptr(SdApplication) app = NULL;

  const char *localedir = g_getenv ("SHOPDESK_LOCALEDIR");

  setlocale (LC_ALL, "");
  /* SHOPDESK_LOCALEDIR lets an uninstalled build (tests, screenshots) use the
   * translations compiled into its build directory. */
  bindtextdomain (GETTEXT_PACKAGE, localedir && *localedir ? localedir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  app = sd_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
