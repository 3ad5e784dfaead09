/* test-random.c — the one splitmix64: its sequence is fixed (seeded outputs depend on it) */
#include "config.h"

#include "sd-random.h"

static void
test_sequence (void)
{
  /* The reference outputs of splitmix64 (Vigna's splitmix64.c) for seeds 0 and 42: the
   * demo shop, data splits and model initialisations stay the same only while these do. */
  static const guint64 from_0[] = {
    G_GUINT64_CONSTANT (0xE220A8397B1DCDAF),
    G_GUINT64_CONSTANT (0x6E789E6AA1B965F4),
    G_GUINT64_CONSTANT (0x06C45D188009454F),
  };
  static const guint64 from_42[] = {
    G_GUINT64_CONSTANT (0xBDD732262FEB6E95),
    G_GUINT64_CONSTANT (0x28EFE333B266F103),
    G_GUINT64_CONSTANT (0x47526757130F9F52),
  };
  guint64 state = 0;

  for (guint i = 0; i < G_N_ELEMENTS (from_0); i++)
    g_assert_cmphex (sd_splitmix64 (&state), ==, from_0[i]);
  state = 42;
  for (guint i = 0; i < G_N_ELEMENTS (from_42); i++)
    g_assert_cmphex (sd_splitmix64 (&state), ==, from_42[i]);
}

static void
test_float (void)
{
  guint64 state = 1;
  double sum = 0;

  g_assert_cmpfloat (sd_splitmix64_float (&state), ==, 9505325.0f / 16777216.0f);
  for (guint i = 0; i < 100000; i++)
    {
      float u = sd_splitmix64_float (&state);
      g_assert_cmpfloat (u, >=, 0.0f);
      g_assert_cmpfloat (u, <, 1.0f);
      sum += u;
    }
  g_assert_cmpfloat_with_epsilon (sum / 100000, 0.5, 0.01);
}

static void
test_shuffle (void)
{
  static const guint expected[] = { 8, 1, 5, 9, 0, 4, 3, 2, 6, 7 };
  guint values[10];
  guint64 state = 7;

  for (guint i = 0; i < 10; i++)
    values[i] = i;
  sd_splitmix64_shuffle (&state, values, 10);
  for (guint i = 0; i < 10; i++)
    g_assert_cmpuint (values[i], ==, expected[i]);

  /* Nothing to do for none or one; no reads past the end. */
  sd_splitmix64_shuffle (&state, values, 1);
  sd_splitmix64_shuffle (&state, NULL, 0);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/random/sequence", test_sequence);
  g_test_add_func ("/random/float", test_float);
  g_test_add_func ("/random/shuffle", test_shuffle);
  return g_test_run ();
}
