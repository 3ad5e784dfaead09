/* cli-run.h — the CLI tests' one way of running shopdesk-cli ($SD_CLI): with or without a
 * shop, in another environment, with something on its standard input, as another user */
#pragma once

#include <gio/gio.h>
#include <string.h>

#include "temp-folder.h"

/* How to run it; zeroed, as the test itself runs, with an empty standard input. */
typedef struct {
  const char          *db;     /* given first as `--db DB`; NULL: no --db */
  const char * const  *envp;   /* the child's whole environment; NULL: this process's */
  const char          *input;  /* its standard input; NULL: empty */
  GSpawnChildSetupFunc setup;  /* run in the child before it starts the CLI */
} CliRun;

/* A pipe's bytes as a string, into *@text where @text is not NULL. */
static void
cli_run_take_text (GBytes  *bytes,
                   char   **text)
{
  gsize size = 0;
  const char *data = bytes ? g_bytes_get_data (bytes, &size) : NULL;

  if (text)
    *text = g_strndup (data ? data : "", size);
}

/* Runs `shopdesk-cli [--db DB] @args…` as @how says (NULL: the defaults). Its stdout goes to
 * *@out, its stderr to *@err or, where @err is NULL, to the test's log; either pointer may
 * be NULL. Returns its exit status; a crash or a signal fails the test. */
static G_GNUC_UNUSED int
cli_run_argv (const CliRun        *how,
              char               **out,
              char               **err,
              const char * const  *args)
{
  static const CliRun defaults = { 0 };
  const char *cli = g_getenv ("SD_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                               G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GBytes) input = NULL, out_bytes = NULL, err_bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *logged = NULL;

  if (how == NULL)
    how = &defaults;
  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  if (how->db)
    {
      g_ptr_array_add (argv, (char *) "--db");
      g_ptr_array_add (argv, (char *) how->db);
    }
  for (guint i = 0; args[i]; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  if (how->envp)
    g_subprocess_launcher_set_environ (launcher, (char **) how->envp);
  if (how->setup)
    g_subprocess_launcher_set_child_setup (launcher, how->setup, NULL, NULL);
  process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  input = g_bytes_new (how->input ? how->input : "", how->input ? strlen (how->input) : 0);
  g_assert_true (g_subprocess_communicate (process, input, NULL, &out_bytes, &err_bytes, &error));
  g_assert_no_error (error);
  cli_run_take_text (out_bytes, out);
  cli_run_take_text (err_bytes, err ? err : &logged);
  if (logged && *logged)
    g_test_message ("stderr: %s", logged);
  g_assert_true (g_subprocess_get_if_exited (process));
  return g_subprocess_get_exit_status (process);
}

/* cli_run_argv() with the arguments of a `…, NULL` list. */
static G_GNUC_UNUSED int
cli_run_valist (const CliRun  *how,
                char         **out,
                char         **err,
                va_list        args)
{
  g_autoptr(GPtrArray) list = g_ptr_array_new ();
  const char *arg;

  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (list, (char *) arg);
  g_ptr_array_add (list, NULL);
  return cli_run_argv (how, out, err, (const char * const *) list->pdata);
}

/* cli_run_argv() with the arguments given as `ARGS…, NULL`. */
static G_GNUC_UNUSED G_GNUC_NULL_TERMINATED int
cli_run_as (const CliRun  *how,
            char         **out,
            char         **err,
            ...)
{
  va_list args;
  int status;

  va_start (args, err);
  status = cli_run_valist (how, out, err, args);
  va_end (args);
  return status;
}

/* Runs `shopdesk-cli --db SHOP ARGS…, NULL` in ENV (NULL: this process's environment), its
 * stdout in *OUT and stderr in *ERR (NULL: to the test's log); returns its exit status. */
#define cli_run_full(shop, env, out, err, ...) \
  cli_run_as (&(CliRun) { .db = (shop), .envp = (env) }, (out), (err), __VA_ARGS__)

/* Runs `shopdesk-cli --db SHOP ARGS…, NULL`, its stdout in *OUT; returns its exit status
 * (stderr goes to the test's log). */
#define cli_run(shop, out, ...) cli_run_full ((shop), NULL, (out), NULL, __VA_ARGS__)

/* The main of a test program whose tests share one demo shop of @size customers, made
 * once in a new folder (the folder in *@dir, the shop in *@db meanwhile): runs the tests
 * added, then removes the folder. Returns g_test_run()'s status. */
static G_GNUC_UNUSED int
cli_run_tests_on_demo (const char  *size,
                       char       **dir,
                       char       **db)
{
  g_autofree char *out = NULL;
  int status;

  *dir = g_dir_make_tmp ("sd-cli-demo-XXXXXX", NULL);
  g_assert_nonnull (*dir);
  *db = g_build_filename (*dir, "shop.sqlite", NULL);
  g_assert_cmpint (cli_run (*db, &out, "demo", "--size", size, NULL), ==, 0);
  status = g_test_run ();
  temp_folder_remove (*dir);
  g_clear_pointer (db, g_free);
  g_clear_pointer (dir, g_free);
  return status;
}
