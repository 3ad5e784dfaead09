/* sd-model-compare.c — a candidate recommender against the live one, on the same data */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "sd-customer-query.h"
#include "sd-error.h"
#include "sd-eval.h"
#include "sd-model-compare.h"
#include "sd-model-registry.h"
#include "sd-model-store.h"
#include "sd-split.h"

/* The seed of the Training page's validation split, so the figures read alike. */
#define HOLDOUT_SEED 1
#define TOP_N 10

void
sd_model_comparison_free (SdModelComparison *comparison)
{
  if (comparison == NULL)
    return;
  g_free (comparison->candidate.algorithm);
  g_free (comparison->candidate.label);
  g_free (comparison->live.algorithm);
  g_free (comparison->live.label);
  for (guint i = 0; comparison->customers && i < comparison->customers->len; i++)
    g_free (g_array_index (comparison->customers, SdModelCompareCustomer, i).external_id);
  g_clear_pointer (&comparison->customers, g_array_unref);
  g_free (comparison);
}

/* Refit stored model @id (its own hyperparameters) on @split's training part and measure
 * it on the held-out part. */
static gboolean
measure (SdStore            *store,
         gint64              id,
         SdSplit            *split,
         SdModelCompareSide *side,
         SdJob              *job,
         double              from,
         double              to,
         GCancellable       *cancellable,
         GError            **error)
{
  const guint ks[] = { 10, 20 };
  SdEvalOptions options = { ks, 2, 10, NULL, 0, 2000, NULL, cancellable };
  SdFitContext context = { NULL, cancellable, NULL, NULL };
  g_autoptr(SdModelInfo) info = sd_model_registry_get (store, id, error);
  g_autoptr(SdRecommender) model = NULL;
  g_autoptr(SdEvalResult) result = NULL;

  if (info == NULL)
    return FALSE;
  side->model_id = id;
  side->algorithm = g_strdup (info->algorithm);
  side->label = g_strdup (info->label);
  if (job)
    sd_job_set_progress (job, from, _("Refitting the model on the training part"));
  if (!(model = sd_model_store_load_id (store, id, split->train, error)) ||
      !sd_recommender_fit (model, split->train, &context, error))
    return FALSE;
  if (job)
    sd_job_set_progress (job, (from + to) / 2, _("Measuring on the held-out part"));
  if (!(result = sd_eval_run (model, split->test, &options, error)))
    return FALSE;
  side->ndcg10 = result->overall.at[0].ndcg;
  side->hit10 = result->overall.at[0].hit;
  side->recall20 = result->overall.at[1].recall;
  side->coverage = result->overall.coverage;
  return TRUE;
}

static GArray *
top_items (SdRecommender *model,
           int            user)
{
  return sd_recommender_recommend (model, (guint) user, TOP_N, NULL);
}

SdModelComparison *
sd_model_compare (SdStore       *store,
                  gint64         candidate_id,
                  gint64         live_id,
                  guint          n_customers,
                  SdJob         *job,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(SdModelComparison) c = g_new0 (SdModelComparison, 1);
  g_autoptr(SdInteractions) all = NULL;
  g_autoptr(SdRecommender) cand = NULL;
  g_autoptr(SdRecommender) live = NULL;
  g_autoptr(GPtrArray) active = NULL;
  SdSplit split = { NULL };
  double overlap_sum = 0;
  gboolean ok;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  c->customers = g_array_new (FALSE, TRUE, sizeof (SdModelCompareCustomer));
  if (job)
    sd_job_set_progress (job, 0.0, _("Reading the shop"));
  if (!(all = sd_interactions_from_store (store, NULL, cancellable, error)))
    return NULL;
  sd_split_random_holdout (all, 0.2, HOLDOUT_SEED, &split);
  c->n_test_users = 0;
  for (guint u = 0; u < split.test->n_users; u++)
    if (split.test->indptr[u + 1] > split.test->indptr[u])
      c->n_test_users++;
  ok = measure (store, candidate_id, &split, &c->candidate, job, 0.05, 0.45, cancellable, error) &&
       measure (store, live_id, &split, &c->live, job, 0.45, 0.85, cancellable, error);
  sd_split_clear (&split);
  if (!ok)
    return NULL;

  /* The stored models as they serve, on the shop as it is. */
  if (job)
    sd_job_set_progress (job, 0.9, _("Comparing what customers would see"));
  if (!(cand = sd_model_store_load_id (store, candidate_id, all, error)) ||
      !(live = sd_model_store_load_id (store, live_id, all, error)) ||
      !(active = sd_customer_query_most_active (store, n_customers, cancellable, error)))
    return NULL;
  for (guint i = 0; i < active->len; i++)
    {
      SdCustomerMatch *m = g_ptr_array_index (active, i);
      int user = sd_interactions_user_index (all, m->id);
      g_autoptr(GArray) a = NULL;
      g_autoptr(GArray) b = NULL;
      SdModelCompareCustomer row = { m->id, NULL, 0, 0 };

      if (user < 0)
        continue;
      a = top_items (cand, user);
      b = top_items (live, user);
      row.n = MIN (a->len, b->len);
      for (guint x = 0; x < a->len; x++)
        for (guint y = 0; y < b->len; y++)
          if (g_array_index (a, SdScoredItem, x).item == g_array_index (b, SdScoredItem, y).item)
            row.overlap++;
      row.external_id = g_strdup (m->external_id);
      overlap_sum += row.n ? (double) row.overlap / row.n : 0;
      g_array_append_val (c->customers, row);
    }
  c->mean_overlap = c->customers->len ? overlap_sum / c->customers->len : NAN;
  if (job)
    sd_job_set_progress (job, 1.0, NULL);
  return g_steal_pointer (&c);
}
