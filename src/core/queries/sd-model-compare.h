/* sd-model-compare.h — a candidate recommender against the live one, before promoting it
 *
 * Stored models may have been trained on different data (the whole shop, or its training
 * part when validated), so their stored scores do not compare. This refits both, each with
 * its own hyperparameters, on the same training part of the shop as it is now (a seeded
 * 20 % holdout per customer) and measures both on the same held-out part; then, with the
 * stored models as they would serve, it lists a few of the most active customers with how
 * much of their top 10 the two share. Slow (two fits): run it in a job.
 */
#pragma once

#include <gio/gio.h>

#include "sd-job.h"
#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64  model_id;
  char   *algorithm;     /* "ease" */
  char   *label;         /* the run's name, else "ease #12" */
  double  ndcg10;
  double  recall20;
  double  hit10;
  double  coverage;
} SdModelCompareSide;

typedef struct {
  gint64  customer_id;
  char   *external_id;
  guint   overlap;       /* items in both top 10s */
  guint   n;             /* the length of the shorter top list (10 unless the catalogue is smaller) */
} SdModelCompareCustomer;

typedef struct {
  SdModelCompareSide  candidate;
  SdModelCompareSide  live;
  guint               n_test_users;     /* customers with a held-out item */
  GArray             *customers;        /* SdModelCompareCustomer */
  double              mean_overlap;     /* over @customers, 0..1 */
} SdModelComparison;

void               sd_model_comparison_free (SdModelComparison *comparison);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdModelComparison, sd_model_comparison_free)

/* Stored recommenders @candidate_id and @live_id compared as above on @n_customers of
 * the most active customers. @job (nullable) gets progress; cancellable. */
SdModelComparison *sd_model_compare (SdStore       *store,
                                     gint64         candidate_id,
                                     gint64         live_id,
                                     guint          n_customers,
                                     SdJob         *job,
                                     GCancellable  *cancellable,
                                     GError       **error);

G_END_DECLS
