/* cli-run.h — the CLI tests' way of running shopdesk-cli ($SD_CLI) on their shop */
#pragma once

#include <glib.h>
#include <sys/wait.h>

/* Runs `shopdesk-cli --db @db ARGS… NULL`, its stdout in *@out; returns its exit status
 * (stderr goes to the test's log). */
static G_GNUC_UNUSED G_GNUC_NULL_TERMINATED int
cli_run (const char  *db,
         char       **out,
         ...)
{
  const char *cli = g_getenv ("SD_CLI");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = -1;
  const char *arg;
  va_list args;

  g_assert_nonnull (cli);
  g_ptr_array_add (argv, (char *) cli);
  g_ptr_array_add (argv, (char *) "--db");
  g_ptr_array_add (argv, (char *) db);
  va_start (args, out);
  while ((arg = va_arg (args, const char *)))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                               out, &err, &status, &error));
  g_assert_no_error (error);
  if (err && *err)
    g_test_message ("stderr: %s", err);
  g_assert_true (WIFEXITED (status));
  return WEXITSTATUS (status);
}
