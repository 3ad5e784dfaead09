/* test-cli-chinese.c — shopdesk-cli for a Chinese user: the demo shop made under zh_CN
 * names its coupon rules in Chinese (stored, so they stay Chinese in any language later),
 * `coupons list` sums rules up in the user's language, and what is for machines (--json)
 * keeps its English words */
#include "config.h"

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <string.h>
#include "cli-run.h"
#include "temp-folder.h"

typedef TempShop Fixture;

/* Runs shopdesk-cli --db DB ARGS… in Chinese (@chinese) or in the C locale, with @input
 * (may be NULL) on its standard input; returns its exit status, its output in @out. */
static int
run_cli_input (Fixture     *f,
               gboolean     chinese,
               const char  *input,
               char       **out,
               va_list      args)
{
  g_autofree char *localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  g_auto(GStrv) env = g_get_environ ();

  /* gettext ignores LANGUAGE under the "C" locale; C.UTF-8 is built into glibc. */
  env = g_environ_setenv (env, "LC_ALL", "C.UTF-8", TRUE);
  env = g_environ_setenv (env, "SHOPDESK_LOCALEDIR", localedir, TRUE);
  if (chinese)
    env = g_environ_setenv (env, "LANGUAGE", "zh_CN", TRUE);
  else
    env = g_environ_unsetenv (env, "LANGUAGE");
  return cli_run_valist (&(CliRun) { .db = f->db, .envp = (const char * const *) env, .input = input },
                         out, NULL, args);
}

static int
chat_cli (Fixture    *f,
          gboolean    chinese,
          const char *input,
          char      **out,
          ...)
{
  va_list args;
  int status;

  va_start (args, out);
  status = run_cli_input (f, chinese, input, out, args);
  va_end (args);
  return status;
}

#define run_cli(f, chinese, out, ...) chat_cli ((f), (chinese), NULL, (out), __VA_ARGS__)

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
  /* amounts in the shop's currency, as the Coupons page writes them */
  g_assert_nonnull (strstr (zh, "客户群为 VIP 且 购物车金额 >= £50.00"));
  g_assert_null (strstr (zh, "Win back"));

  /* In English later: the same stored names, the summaries in English. */
  g_assert_cmpint (run_cli (f, FALSE, &en, "coupons", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (en, "召回流失客户"));
  g_assert_nonnull (strstr (en, "segment is VIP and cart >= £50.00"));

  /* For machines: the stored name, the English summary, whatever the language. */
  g_assert_cmpint (run_cli (f, TRUE, &json, "coupons", "list", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (json, "\"name\":\"召回流失客户\""));
  g_assert_nonnull (strstr (json, "segment is vip and cart >= 50.00"));
  g_assert_null (strstr (json, "客户群为"));

  g_assert_cmpint (run_cli (f, TRUE, &help, "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (help, "  stats      统计店铺中的数据\n"));
}

/* `chat --explain` explains in the user's language, like the rest of the CLI: its labels
 * and words (sentiment, the dialogue's step, the classifier) in Chinese, the names the
 * corpus and --json use (intents, templates, facts) as they are; --json keeps its English. */
static void
test_chat_explain (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *made = NULL, *zh = NULL, *en = NULL, *json = NULL;
  const char *input = "where is my order?\nthanks\n";

  if (!have_catalogue ())
    return;
  g_assert_cmpint (run_cli (f, FALSE, &made, "demo", "--size", "20", NULL), ==, 0);

  g_assert_cmpint (chat_cli (f, TRUE, input, &zh, "chat", "--customer", "1", "--explain", NULL), ==, 0);
  g_test_message ("%s", zh);
  g_assert_nonnull (strstr (zh, "  意图："));
  g_assert_nonnull (strstr (zh, "order_status（订单状态，"));
  g_assert_nonnull (strstr (zh, "  情绪："));
  g_assert_nonnull (strstr (zh, "  对话："));
  g_assert_nonnull (strstr (zh, "  来源：      模板 order_status"));
  g_assert_nonnull (strstr (zh, "备用线性分类器"));
  g_assert_nonnull (strstr (zh, "（CPU "));
  for (const char *const *word = (const char *const[]) { "intent:", "sentiment:", "neutral", "positive",
                                                         "template ", "misunderstandings", "classifier",
                                                         "lang:", "state:", NULL }; *word; word++)
    if (strstr (zh, *word))
      g_error ("English “%s” in the Chinese explanation:\n%s", *word, zh);

  g_assert_cmpint (chat_cli (f, FALSE, input, &en, "chat", "--customer", "1", "--explain", NULL), ==, 0);
  g_assert_nonnull (strstr (en, "  intent:     order_status (Order status, "));
  g_assert_nonnull (strstr (en, "  source:     template order_status"));
  g_assert_null (strstr (en, "意图"));

  g_assert_cmpint (chat_cli (f, TRUE, input, &json, "chat", "--customer", "1", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (json, "\"intent\":\"order_status\""));
  g_assert_nonnull (strstr (json, "\"sentiment\":{\"label\":\"neutral\""));
  g_assert_null (strstr (json, "意图"));
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
  g_test_add ("/cli-chinese/chat-explain", Fixture, NULL, temp_shop_set_up, test_chat_explain, temp_shop_tear_down);
  return g_test_run ();
}
