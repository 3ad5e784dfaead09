/* sd-random.c — the project's one seeded, deterministic random number generator */
#include "config.h"

#include <errno.h>
#include <sys/random.h>

#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#include "sd-random.h"

guint64
sd_splitmix64 (guint64 *state)
{
  guint64 z = (*state += G_GUINT64_CONSTANT (0x9E3779B97F4A7C15));

  z = (z ^ (z >> 30)) * G_GUINT64_CONSTANT (0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * G_GUINT64_CONSTANT (0x94D049BB133111EB);
  return z ^ (z >> 31);
}

float
sd_splitmix64_float (guint64 *state)
{
  return (sd_splitmix64 (state) >> 40) * (1.0f / 16777216.0f);
}

void
sd_splitmix64_shuffle (guint64 *state,
                       guint   *values,
                       guint    n)
{
  for (guint i = n; i > 1; i--)
    {
      guint j = sd_splitmix64 (state) % i;
      guint t = values[i - 1];

      values[i - 1] = values[j];
      values[j] = t;
    }
}

gboolean
sd_secure_random (guint8  *out,
                  gsize    len,
                  GError **error)
{
  gsize got = 0;

  while (got < len)
    {
      ssize_t n = getrandom (out + got, len - got, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        break;
      got += n;
    }
  if (got < len)
    {
      /* A kernel before 3.17, or a sandbox that forbids the call. */
      g_autoptr(GFile) urandom = g_file_new_for_path ("/dev/urandom");
      g_autoptr(GFileInputStream) in = g_file_read (urandom, NULL, error);
      gsize read = 0;

      if (in == NULL ||
          !g_input_stream_read_all (G_INPUT_STREAM (in), out + got, len - got, &read, NULL, error))
        return FALSE;
      if (read < len - got)
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("/dev/urandom ended early"));
          return FALSE;
        }
    }
  return TRUE;
}
