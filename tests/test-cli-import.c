/* test-cli-import.c — `shopdesk-cli import`: exit statuses, report, rejects file */
#include "config.h"

#include <glib/gstdio.h>
#include <locale.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sd-import.h"
#include "sd-json.h"
#include "sd-number-format.h"
#include <sys/resource.h>
#include "cli-run.h"
#include "temp-folder.h"

typedef TempShop Fixture;

static char *
fixture_file (const char *name)
{
  return g_build_filename (g_getenv ("SD_FIXTURES_DIR"), name, NULL);
}

/* The environment of the next runs; NULL: this process's. */
static char **child_env;

#define run_cli(f, out, err, ...) \
  cli_run_full ((f)->db, (const char * const *) child_env, (out), (err), __VA_ARGS__)

/* Runs @script under sh with SD_CLI, DB, DIR and FIX (the fixtures) set; returns its
 * exit status. Pipes are made by the shell, as a user makes them. */
static int
run_sh (Fixture     *f,
        const char  *script,
        char       **out,
        char       **err)
{
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  const char *argv[] = { "/bin/sh", "-c", script, NULL };
  int status = -1;

  env = g_environ_setenv (env, "DB", f->db, TRUE);
  env = g_environ_setenv (env, "DIR", f->dir, TRUE);
  env = g_environ_setenv (env, "FIX", g_getenv ("SD_FIXTURES_DIR"), TRUE);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL,
                               out, err, &status, &error));
  g_assert_no_error (error);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}

/* Issue 10, item 8: a pipe was opened once per look at it, so detection used up the
 * stream (“the file is empty”), or the import hung on a FIFO. */
static void
test_pipes (Fixture       *f,
            gconstpointer  data)
{
  static const struct {
    const char *script;
    const char *words;
  } cases[] = {
    { "cat \"$FIX/customers.csv\" | timeout 20 \"$SD_CLI\" --db \"$DB\" import -", "Imported 2 of 2 rows from “standard input”" },
    { "cat \"$FIX/products.csv\" | timeout 20 \"$SD_CLI\" --db \"$DB\" import /dev/stdin", "Imported 2 of 2 rows" },
    { "mkfifo \"$DIR/fifo\" && (cat \"$FIX/orders.csv\" > \"$DIR/fifo\" &) && "
      "timeout 20 \"$SD_CLI\" --db \"$DB\" import \"$DIR/fifo\"", "Imported 3 of 3 rows" },
    { "gzip -c \"$FIX/events.csv\" | timeout 20 \"$SD_CLI\" --db \"$DB\" import -", "Imported 3 of 3 rows" },
    /* Shopify orders read the dates twice (day or month first): from a pipe, the first block. */
    { "cat \"$FIX/shopify-orders.csv\" | timeout 20 \"$SD_CLI\" --db \"$DB\" import -", "Shopify orders" },
    { "gzip -c \"$FIX/shopify-customers.csv\" > \"$DIR/c.gz\" && timeout 20 \"$SD_CLI\" --db \"$DB\" import \"$DIR/c.gz\"", "Shopify customers" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *out = NULL, *err = NULL;
      int status = run_sh (f, cases[i].script, &out, &err);

      if (status != 0 || !strstr (err, cases[i].words))
        g_error ("%s: exit %d, “%s” lacks “%s”", cases[i].script, status, err, cases[i].words);
    }
}

static void
limit_file_size (gpointer data)
{
  struct rlimit limit = { 512 * 1024, 512 * 1024 };

  setrlimit (RLIMIT_FSIZE, &limit);
}

/* Issue 10, item 9: past the file size limit the rejects file killed the CLI (SIGXFSZ);
 * now the limit is named. */
static void
test_file_size_limit (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *path = g_build_filename (f->dir, "bad.csv", NULL);
  g_autofree char *rejects = g_build_filename (f->dir, "rejects.csv", NULL);
  g_autofree char *out = NULL, *err = NULL;
  GString *text = g_string_new ("customer_id,name\n");
  const CliRun limited = { .db = f->db, .setup = limit_file_size };
  int status;

  for (guint i = 0; i < 3000; i++)
    g_string_append_printf (text, "\"c%u\"x,%0300u\n", i, i);
  g_assert_true (g_file_set_contents (path, text->str, text->len, NULL));
  g_string_free (text, TRUE);

  status = cli_run_argv (&limited, &out, &err, (const char *[]) { "import", "--rejects", rejects, path, NULL });
  g_assert_cmpint (status, ==, 3);
  /* the count as the environment's locale groups it ("3,000", "3.000" under de_DE) */
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));
  setlocale (LC_ALL, "");
  g_autofree char *count = sd_format_count (3000);
  setlocale (LC_ALL, saved);
  g_autofree char *rejected = g_strdup_printf ("Rejected %s rows", count);
  g_assert_nonnull (strstr (err, rejected));
  g_assert_nonnull (strstr (err, "file size limit"));

  /* The shop itself at the limit: SQLite's “disk I/O error” gets the reason. */
  {
    g_autofree char *big = g_build_filename (f->dir, "big.csv", NULL);
    g_autofree char *db = g_build_filename (f->dir, "big.sqlite", NULL);
    g_autofree char *out2 = NULL, *err2 = NULL;
    const CliRun limited_new = { .db = db, .setup = limit_file_size };

    text = g_string_new ("customer_id,name\n");
    for (guint i = 0; i < 20000; i++)
      g_string_append_printf (text, "c%u,%0100u\n", i, i);
    g_assert_true (g_file_set_contents (big, text->str, text->len, NULL));
    g_string_free (text, TRUE);
    status = cli_run_argv (&limited_new, &out2, &err2, (const char *[]) { "import", big, NULL });
    g_assert_cmpint (status, ==, 1);
    g_assert_nonnull (strstr (err2, "file size limit"));
  }
}

static void
test_usage (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autofree char *out2 = NULL;
  g_autofree char *err2 = NULL;
  g_autofree char *out3 = NULL;
  g_autofree char *err3 = NULL;
  g_autofree char *good = fixture_file ("customers.csv");

  g_assert_cmpint (run_cli (f, &out, &err, "import", "--help", NULL), ==, 0);
  g_assert_nonnull (strstr (out, "--format"));
  g_assert_nonnull (strstr (out, "shopify-orders"));
  g_assert_nonnull (strstr (out, "--rejects"));
  g_assert_cmpint (run_cli (f, &out2, &err2, "import", NULL), ==, 2);
  g_assert_nonnull (strstr (err2, "FILE"));
  g_assert_cmpint (run_cli (f, &out3, &err3, "import", "--format", "excel", good, NULL), ==, 2);
  g_assert_nonnull (strstr (err3, "excel"));
  /* Bad usage changes nothing: the shop was never even opened. */
  g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
}

static void
test_exit_statuses (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *good = fixture_file ("online-retail.csv");
  g_autofree char *bad = fixture_file ("online-retail-bad.csv");
  g_autofree char *other = fixture_file ("shopify-orders.csv");
  g_autofree char *rejects = g_build_filename (f->dir, "rejects.csv", NULL);
  g_autofree char *empty = g_build_filename (f->dir, "empty.csv", NULL);
  g_autofree char *saved = NULL;
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autofree char *out4 = NULL, *err4 = NULL;
  g_autofree char *out5 = NULL, *err5 = NULL;
  g_autofree char *out6 = NULL, *err6 = NULL;

  g_assert_cmpint (run_cli (f, &out, &err, "import", good, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "Imported 10 of 10 rows"));

  g_assert_cmpint (run_cli (f, &out2, &err2, "import", "--format", "online-retail", "--rejects", rejects, bad, NULL), ==, 3);
  g_assert_nonnull (strstr (err2, "Imported 4 of 10 rows"));
  g_assert_nonnull (strstr (err2, "line 7: unbalanced quote"));
  g_assert_true (g_file_get_contents (rejects, &saved, NULL, NULL));
  g_assert_true (g_str_has_prefix (saved, "line,reason,raw\n3,"));

  g_assert_true (g_file_set_contents (empty, "", 0, NULL));
  g_assert_cmpint (run_cli (f, &out3, &err3, "import", empty, NULL), ==, 1);
  g_assert_nonnull (strstr (err3, "empty.csv"));
  g_assert_nonnull (strstr (err3, "Nothing was imported"));

  g_assert_cmpint (run_cli (f, &out4, &err4, "import", "--format=online-retail", other, NULL), ==, 1);
  g_assert_nonnull (strstr (err4, "Shopify orders"));

  /* The failures changed nothing: the counts are those of the two imports before.
   * The second file states invoice 536365 again with one line, and the latest import
   * of an order defines its lines: 8 + 3 orders, 10 - 3 + 1 + 3 lines. */
  g_assert_cmpint (run_cli (f, &out5, &err5, "stats", "--json", NULL), ==, 0);
  g_assert_nonnull (strstr (out5, "\"orders\":11,"));
  g_assert_nonnull (strstr (out5, "\"order_lines\":11,"));

  g_assert_cmpint (run_cli (f, &out6, &err6, "import", "--hash-identities", other, NULL), ==, 0);
  g_assert_nonnull (strstr (err6, "Shopify orders"));
}

static gint64
member_int (SdJsonNode *node,
            const char *name)
{
  SdJsonNode *member = sd_json_node_get_member (node, name);

  g_assert_nonnull (member);
  g_assert_cmpint (sd_json_node_get_node_type (member), ==, SD_JSON_NUMBER);
  return (gint64) sd_json_node_get_number (member);
}

/* --json of import and demo, in the C locale and in one that writes 0,5. */
static void
check_json (Fixture    *f,
            const char *locale)
{
  g_autofree char *bad = fixture_file ("online-retail-bad.csv");
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autoptr(SdJsonNode) report = NULL;
  g_autoptr(SdJsonNode) demo = NULL;
  g_autoptr(GError) error = NULL;
  SdJsonNode *rejects, *handled, *elapsed;

  g_strfreev (child_env);
  child_env = g_environ_setenv (g_get_environ (), "LC_ALL", locale, TRUE);

  g_assert_cmpint (run_cli (f, &out2, &err2, "demo", "--size", "100", "--seed", "7", "--json", NULL), ==, 0);
  demo = sd_json_parse (out2, -1, "demo --json", &error);
  g_assert_no_error (error);
  g_assert_cmpint (member_int (demo, "seed"), ==, 7);
  g_assert_cmpint (member_int (demo, "customers"), ==, 100);
  g_assert_cmpint (member_int (demo, "products"), >, 0);
  g_assert_cmpint (member_int (sd_json_node_get_member (demo, "events"), "view"), >, 0);
  g_assert_cmpfloat (sd_json_node_get_number (sd_json_node_get_member (demo, "elapsed_seconds")), >=, 0);
  g_assert_cmpstr (sd_json_node_get_member_string (demo, "shop"), ==, f->db);

  g_assert_cmpint (run_cli (f, &out, &err, "import", "--json", "--format", "online-retail", bad, NULL), ==, 3);
  report = sd_json_parse (out, -1, "import --json", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_json_node_get_member_string (report, "file"), ==, bad);
  g_assert_cmpstr (sd_json_node_get_member_string (report, "format"), ==, "online-retail");
  g_assert_cmpint (member_int (report, "rows_read"), ==, 10);
  g_assert_cmpint (member_int (report, "rows_imported"), ==, 4);
  g_assert_cmpint (member_int (report, "rows_rejected"), ==, 6);
  handled = sd_json_node_get_member (report, "handled");
  g_assert_cmpint (sd_json_node_get_node_type (handled), ==, SD_JSON_OBJECT);
  rejects = sd_json_node_get_member (report, "rejects");
  g_assert_cmpint (sd_json_node_get_length (rejects), ==, 6);
  g_assert_cmpint (member_int (sd_json_node_get_element (rejects, 0), "line"), ==, 3);
  g_assert_nonnull (sd_json_node_get_member_string (sd_json_node_get_element (rejects, 0), "reason"));
  elapsed = sd_json_node_get_member (report, "elapsed_seconds");
  g_assert_cmpint (sd_json_node_get_node_type (elapsed), ==, SD_JSON_NUMBER);
  g_assert_cmpfloat (sd_json_node_get_number (elapsed), >=, 0);
  /* CPU time per phase, each named, for bench/import.sh. */
  {
    SdJsonNode *cpu = sd_json_node_get_member (report, "cpu_seconds");

    g_assert_cmpint (sd_json_node_get_node_type (cpu), ==, SD_JSON_OBJECT);
    for (int p = 0; p < SD_IMPORT_N_PHASES; p++)
      {
        SdJsonNode *seconds = sd_json_node_get_member (cpu, sd_import_phase_to_string (p));

        g_assert_nonnull (seconds);
        g_assert_cmpfloat (sd_json_node_get_number (seconds), >=, 0);
      }
  }
  /* The report is the JSON; the text report is not printed as well. */
  g_assert_null (strstr (err, "Imported"));

  g_clear_pointer (&child_env, g_strfreev);
}

static void
test_json (Fixture       *f,
           gconstpointer  data)
{
  check_json (f, "C.UTF-8");
}

static void
test_json_comma_locale (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *saved = g_strdup (setlocale (LC_ALL, NULL));

  if (setlocale (LC_ALL, "de_DE.UTF-8") == NULL)
    {
      g_test_skip ("the locale de_DE.UTF-8 is not installed");
      return;
    }
  setlocale (LC_ALL, saved);
  check_json (f, "de_DE.UTF-8");
}

static void
test_rejects_targets (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *bad = fixture_file ("online-retail-bad.csv");
  g_autofree char *fifo = g_build_filename (f->dir, "pipe", NULL);
  g_autofree char *device = g_build_filename (f->dir, "null", NULL);
  g_autofree char *folder = g_build_filename (f->dir, "folder", NULL);
  g_autofree char *target = g_build_filename (f->dir, "target.csv", NULL);
  g_autofree char *link = g_build_filename (f->dir, "link.csv", NULL);
  g_autofree char *saved = NULL;
  GStatBuf st;

  /* A named pipe is neither replaced by a file nor written into (nobody reads it). */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  {
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (run_cli (f, &out, &err, "import", "--format", "online-retail", "--rejects", fifo, bad, NULL), ==, 3);
    g_assert_nonnull (strstr (err, "is not a regular file"));
    g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
    g_assert_true (S_ISFIFO (st.st_mode));
  }

  /* A device like /dev/null (made here, so the real one is never at stake). */
  if (mknod (device, S_IFCHR | 0666, makedev (1, 3)) == 0)
    {
      g_autofree char *out = NULL, *err = NULL;
      g_assert_cmpint (run_cli (f, &out, &err, "import", "--format", "online-retail", "--rejects", device, bad, NULL), ==, 3);
      g_assert_nonnull (strstr (err, "is not a regular file"));
      g_assert_cmpint (g_lstat (device, &st), ==, 0);
      g_assert_true (S_ISCHR (st.st_mode));
      g_assert_cmpint (st.st_rdev, ==, makedev (1, 3));
    }
  else
    g_test_message ("no device node could be made here (%s): that case is not checked", g_strerror (errno));

  g_assert_cmpint (g_mkdir (folder, 0700), ==, 0);
  {
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (run_cli (f, &out, &err, "import", "--format", "online-retail", "--rejects", folder, bad, NULL), ==, 3);
    g_assert_nonnull (strstr (err, "is a folder"));
    g_assert_true (g_file_test (folder, G_FILE_TEST_IS_DIR));
  }

  /* A link stays a link, and the file it names gets the rejects. */
  g_assert_true (g_file_set_contents (target, "old\n", -1, NULL));
  g_assert_cmpint (symlink ("target.csv", link), ==, 0);
  {
    g_autofree char *out = NULL, *err = NULL;
    g_assert_cmpint (run_cli (f, &out, &err, "import", "--format", "online-retail", "--rejects", link, bad, NULL), ==, 3);
    g_assert_nonnull (strstr (err, "Rejected rows saved"));
    g_assert_cmpint (g_lstat (link, &st), ==, 0);
    g_assert_true (S_ISLNK (st.st_mode));
    g_assert_true (g_file_get_contents (target, &saved, NULL, NULL));
    g_assert_true (g_str_has_prefix (saved, "line,reason,raw\n3,"));
  }
  g_unlink (link);
  g_unlink (target);
  g_unlink (fifo);
  g_unlink (device);
  g_rmdir (folder);
}

/* What a terminal would act on: ESC, BEL, and the one-byte CSI of C1. */
static void
assert_no_controls (const char *text)
{
  g_assert_null (strchr (text, '\033'));
  g_assert_null (strchr (text, '\a'));
  g_assert_null (strstr (text, "\xc2\x9b"));
}

#define EVIL "\033]0;pwned\a\033[2J\xc2\x9b"

static void
test_control_characters (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *csv = g_build_filename (f->dir, "customers.csv", NULL);
  g_autofree char *evil_name = g_build_filename (f->dir, "x" EVIL ".csv", NULL);
  g_autofree char *out = NULL, *err = NULL;
  g_autofree char *out2 = NULL, *err2 = NULL;
  g_autofree char *out3 = NULL, *err3 = NULL;
  g_autofree char *out4 = NULL, *err4 = NULL;
  g_autofree char *out5 = NULL, *err5 = NULL;
  g_autoptr(SdJsonNode) similar = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;

  /* A rejected row quoting the field. */
  g_assert_true (g_file_set_contents (csv, "customer_id,name,created_at\nC1,Ann,2020-01-01\n"
                                      "C2,Bob,\"" EVIL "\"\n", -1, NULL));
  g_assert_cmpint (run_cli (f, &out, &err, "import", csv, NULL), ==, 3);
  assert_no_controls (err);
  g_assert_nonnull (strstr (err, "\\x1b]0;pwned\\a\\x1b[2J\\u009b"));

  /* A message naming the file. */
  g_assert_true (g_file_set_contents (evil_name, "", 0, NULL));
  g_assert_cmpint (run_cli (f, &out2, &err2, "import", evil_name, NULL), ==, 1);
  assert_no_controls (err2);
  g_assert_nonnull (strstr (err2, "x\\x1b]0;pwned"));

  /* Titles from the shop, in a table; --json keeps them exact. */
  g_assert_cmpint (run_cli (f, &out3, &err3, "demo", "--size", "100", "--force", NULL), ==, 0);
  g_assert_cmpint (sqlite3_open (f->db, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "UPDATE products SET title = 'Mug " EVIL "', category = '" EVIL "'"
                                 " WHERE id = (SELECT min(id) FROM products)", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_cmpint (run_cli (f, &out4, &err4, "similar", "--product", "1", NULL), ==, 0);
  assert_no_controls (out4);
  assert_no_controls (err4);
  g_assert_nonnull (strstr (out4, "Mug \\x1b]0;pwned"));
  g_assert_cmpint (run_cli (f, &out5, &err5, "similar", "--product", "1", "--json", NULL), ==, 0);
  similar = sd_json_parse (out5, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sd_json_node_get_member_string (sd_json_node_get_member (similar, "product"), "title"),
                   ==, "Mug " EVIL);
}

/* A Chinese user reads the import's report and its failures in Chinese: the handled cases by
 * their labels (they were the report's keys, "rows-without-customer"), and the CLI's own
 * lines ("Nothing was imported.") as well as the core's. */
static void
test_chinese (Fixture       *f,
              gconstpointer  data)
{
  g_autofree char *localedir = g_test_build_filename (G_TEST_BUILT, "..", "po", NULL);
  g_autofree char *mo = g_build_filename (localedir, "zh_CN", "LC_MESSAGES", GETTEXT_PACKAGE ".mo", NULL);
  g_autofree char *retail = fixture_file ("online-retail.csv");
  g_autofree char *missing = g_build_filename (f->dir, "missing.csv", NULL);
  g_autofree char *out = NULL, *err = NULL, *out2 = NULL, *err2 = NULL;

  if (!g_file_test (mo, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no compiled zh_CN catalogue in the build");
      return;
    }
  child_env = g_get_environ ();
  child_env = g_environ_setenv (child_env, "LANGUAGE", "zh_CN", TRUE);
  /* gettext ignores LANGUAGE under the "C" locale; C.UTF-8 is built into glibc. */
  child_env = g_environ_setenv (child_env, "LC_ALL", "C.UTF-8", TRUE);
  child_env = g_environ_setenv (child_env, "SHOPDESK_LOCALEDIR", localedir, TRUE);

  g_assert_cmpint (run_cli (f, &out, &err, "import", retail, NULL), ==, 0);
  g_assert_nonnull (strstr (err, "已处理：取消 1，负数量 2，没有客户的行 3\n"));
  g_assert_null (strstr (err, "rows-without-customer"));

  g_assert_cmpint (run_cli (f, &out2, &err2, "import", missing, NULL), ==, 1);
  g_assert_nonnull (strstr (err2, "未导入任何内容。"));
  g_assert_null (strstr (err2, "Nothing"));

  g_clear_pointer (&child_env, g_strfreev);
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

  g_test_add ("/cli-import/usage", Fixture, NULL, temp_shop_set_up, test_usage, temp_shop_tear_down);
  g_test_add ("/cli-import/file-size-limit", Fixture, NULL, temp_shop_set_up, test_file_size_limit, temp_shop_tear_down);
  g_test_add ("/cli-import/pipes", Fixture, NULL, temp_shop_set_up, test_pipes, temp_shop_tear_down);
  g_test_add ("/cli-import/exit-statuses", Fixture, NULL, temp_shop_set_up, test_exit_statuses, temp_shop_tear_down);
  g_test_add ("/cli-import/rejects-targets", Fixture, NULL, temp_shop_set_up, test_rejects_targets, temp_shop_tear_down);
  g_test_add ("/cli-import/control-characters", Fixture, NULL, temp_shop_set_up, test_control_characters, temp_shop_tear_down);
  g_test_add ("/cli-import/json", Fixture, NULL, temp_shop_set_up, test_json, temp_shop_tear_down);
  g_test_add ("/cli-import/chinese", Fixture, NULL, temp_shop_set_up, test_chinese, temp_shop_tear_down);
  g_test_add ("/cli-import/json-comma-locale", Fixture, NULL, temp_shop_set_up, test_json_comma_locale, temp_shop_tear_down);

  return g_test_run ();
}
