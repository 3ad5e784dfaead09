/* test-cli-chinese.c — shopdesk-cli for a Chinese user: the demo shop made under zh_CN
 * names its coupon rules in Chinese (stored, so they stay Chinese in any language later),
 * `coupons list` sums rules up in the user's language, and what is for machines (--json)
 * keeps its English words */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>
#include "temp-folder.h"

typedef TempShop Fixture;

/* Runs shopdesk-cli --db DB ARGS… in Chinese (@chinese) or in the C locale; returns its
 * exit status, its output in @out. */
static int
run_cli (Fixture    *f,
         gboolean    chinese,
         char      **out,
         ...)
{
  g_autofree char *localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_auto(GStrv) env = g_get_environ ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = -1;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) g_getenv ("SD_CLI"));
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, f->db);
  va_start (args, out);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  /* gettext ignores LANGUAGE under the "C" locale; C.UTF-8 is built into glibc. */
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  env = g_environ_setenv (env, "SHOPDESK_LOCALEDIR", localedir, TRUE);
  if (chinese)
    env = g_environ_setenv (env, "LANGUAGE", "zh_CN", TRUE);
  else
    env = g_environ_unsetenv (env, "LANGUAGE");
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, env, G_SPAWN_DEFAULT, NULL, NULL,
                               out, &err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

static gboolean
have_catalogue (void)
{
  g_autofree char *mo = g_test_build_filename (G_TEST_BUILT, "..", "po", "zh_CN", "LC_MESSAGES",
                                               GETTEXT_PACKAGE ".mo", NULL);

  if (g_file_test (mo, G_FILE_TEST_EXISTS))
    return TRUE;
  g_test_skip ("no compiled zh_CN catalogue in the build");
  return FALSE;
}

static void
test_demo_coupons (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *made = NULL, *zh = NULL, *en = NULL, *json = NULL, *help = NULL;

  if (!have_catalogue ())
    return;
  g_assert_cmpint (run_cli (f, TRUE, &made, "demo", "--size", "20", NULL), ==, 0);

  /* In Chinese: the names as the demo stored them, the rules summed up in Chinese. */
  g_assert_cmpint (run_cli (f, TRUE, &zh, "coupons", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (zh, "召回流失客户"));
  g_assert_nonnull (strstr (zh, "已停用"));
  g_assert_nonnull (strstr (zh, "客户群为 vip 且 购物车金额 >= 50.00"));
  g_assert_null (strstr (zh, "Win back"));

  /* In English later: the same stored names, the summaries in English. */
  g_assert_cmpint (run_cli (f, FALSE, &en, "coupons", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (en, "召回流失客户"));
  g_assert_nonnull (strstr (en, "segment is vip and cart >= 50.00"));

  /* For machines: the stored name, the English summary, whatever the language. */
  g_assert_cmpint (run_cli (f, TRUE, &json, "coupons", "list", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (json, "\"name\":\"召回流失客户\""));
  g_assert_nonnull (strstr (json, "segment is vip and cart >= 50.00"));
  g_assert_null (strstr (json, "客户群为"));

  g_assert_cmpint (run_cli (f, TRUE, &help, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (help, "  stats      统计店铺中的数据\n"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  if (g_getenv ("SD_CLI") == NULL || !g_file_test (g_getenv ("SD_CLI"), G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_message ("SD_CLI does not name shopdesk-cli");
      return 77;
    }
  g_test_add ("/cli-chinese/demo-coupons", Fixture, NULL, temp_shop_set_up, test_demo_coupons, temp_shop_tear_down);
  return g_test_run ();
}
