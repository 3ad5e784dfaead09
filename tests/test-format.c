/* test-format.c — numbers, money, dates and ratings as the pages show them */
#include "config.h"

#include "sd-format.h"

static void
check (char       *got,
       const char *expected)
{
  g_assert_cmpstr (got, ==, expected);
  g_free (got);
}

static void
test_count (void)
{
  check (sd_format_count (0), "0");
  check (sd_format_count (999), "999");
  check (sd_format_count (1000), "1,000");
  check (sd_format_count (541909), "541,909");
  check (sd_format_count (-1234567), "-1,234,567");
  check (sd_format_count (G_MININT64), "-9,223,372,036,854,775,808");
}

static void
test_money (void)
{
  check (sd_format_money (0, NULL), "0.00");
  check (sd_format_money (5, NULL), "0.05");
  check (sd_format_money (123456, NULL), "1,234.56");
  check (sd_format_money (-250, "GBP"), "-£2.50");
  check (sd_format_money (100, "SEK"), "1.00 SEK");
  /* Headline figures: cents only where they matter, millions shortened. */
  check (sd_format_money_short (123456, "USD"), "$1,234.56");
  check (sd_format_money_short (12345678, "EUR"), "€123,457");
  check (sd_format_money_short (123456789, "EUR"), "€1.23 M");
  check (sd_format_money_short (1333667000, "GBP"), "£13.34 M");
}

static void
test_time_and_kinds (void)
{
  check (sd_format_time (1291191960), "2010-12-01 08:26");
  check (sd_format_time (0), "—");
  g_assert_cmpstr (sd_format_stars (4), ==, "★★★★☆");
  g_assert_cmpstr (sd_format_stars (0), ==, "");
  g_assert_cmpstr (sd_format_stars (6), ==, "");
  for (SdEventKind k = 0; k < SD_N_EVENT_KINDS; k++)
    g_assert_cmpstr (sd_format_event_kind (k), !=, "");
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/format/count", test_count);
  g_test_add_func ("/format/money", test_money);
  g_test_add_func ("/format/time-and-kinds", test_time_and_kinds);
  return g_test_run ();
}
