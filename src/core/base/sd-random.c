/* sd-random.c — the project's one seeded, deterministic random number generator */
#include "config.h"

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
