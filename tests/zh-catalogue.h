/* zh-catalogue.h — for tests that read Shopdesk in Chinese: the build's compiled zh_CN
 * catalogue bound as the process's text domain, or the test skipped where there is none
 * (po/ is built only with the GUI). */
#pragma once

#include <glib.h>
#include <libintl.h>

static inline gboolean
use_build_zh_catalogue (void)
{
  g_autofree char *localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  g_autofree char *mo = g_build_filename (localedir, "zh_CN", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);

  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no compiled zh_CN catalogue in the build");
      return FALSE;
    }
  bindtextdomain (GETTEXT_PACKAGE, localedir);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
  return TRUE;
}
