/* summary-check.h — asserting that a shop's summary tables agree with its base tables
 *
 * What `shopdesk-cli stats --verify` checks, for tests that change a shop in some way
 * (an import, a sync, an edit) and must leave its figures right. */
#pragma once

#include "sd-shop-summary.h"
#include "sd-summary.h"

static G_GNUC_UNUSED void
summary_check_agree (SdStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = NULL;

  /* Every writer folds its changes in before it commits: nothing may be left pending. */
  g_assert_cmpint (sd_summary_state (store), ==, SD_SUMMARY_READY);
  found = sd_shop_summary_verify (store, 20, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < found->len; i++)
    g_test_message ("summary difference: %s", (const char *) g_ptr_array_index (found, i));
  g_assert_cmpuint (found->len, ==, 0);
}
