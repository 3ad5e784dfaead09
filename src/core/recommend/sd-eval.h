/* sd-eval.h — offline evaluation of a recommender on held-out interactions
 *
 * Protocol: for every user with at least one held-out item, the whole catalogue is
 * ranked with the user's training items excluded, and the top of the list is compared
 * with the held-out items (binary relevance). Accuracy metrics per cutoff K, and beyond
 * accuracy: catalogue coverage, intra-list diversity, novelty; each also per segment.
 */
#pragma once

#include <gio/gio.h>

#include "sd-json-writer.h"
#include "sd-recommender.h"
#include "sd-store.h"

G_BEGIN_DECLS

/* Metrics of one ranked list. @ranked holds item indices best first (@n_ranked of them);
 * @relevant is sorted ascending. Binary relevance; K cuts the list.
 *   precision = hits@K / K          recall = hits@K / |relevant|
 *   hit       = 1 if hits@K > 0     ndcg   = DCG@K / ideal DCG@K, DCG = Σ 1 / log2(rank + 1)
 *   ap        = Σ over hit ranks r ≤ K of precision@r, / min(K, |relevant|)            */
double sd_metric_precision (const guint *ranked, guint n_ranked, const guint *relevant, guint n_relevant, guint k);
double sd_metric_recall    (const guint *ranked, guint n_ranked, const guint *relevant, guint n_relevant, guint k);
double sd_metric_hit       (const guint *ranked, guint n_ranked, const guint *relevant, guint n_relevant, guint k);
double sd_metric_ndcg      (const guint *ranked, guint n_ranked, const guint *relevant, guint n_relevant, guint k);
double sd_metric_ap        (const guint *ranked, guint n_ranked, const guint *relevant, guint n_relevant, guint k);

#define SD_EVAL_MAX_KS 6

typedef struct {
  guint  k;
  double precision;
  double recall;
  double ndcg;
  double hit;
  double map;
} SdEvalAtK;

typedef struct {
  guint      n_users;        /* users evaluated: those with a held-out item */
  guint      n_ks;
  SdEvalAtK  at[SD_EVAL_MAX_KS];
  double     coverage;       /* share of the catalogue in anyone's top-@list_k */
  double     diversity;      /* mean of 1 − mean pairwise item similarity of a top-@list_k; NaN without a catalog */
  double     novelty;        /* mean −log2(share of training users who have the item) over top-@list_k */
} SdEvalMetrics;

typedef struct {
  char          *label;
  SdEvalMetrics  metrics;
} SdEvalSegment;

typedef struct {
  SdEvalMetrics  overall;
  guint          list_k;
  double         seconds;
  GPtrArray     *segments;   /* SdEvalSegment *, sorted by label; empty without segments */
  double         latency_median_ms;  /* one user's score + filter + top-K, over the users evaluated */
  double         latency_p99_ms;
} SdEvalResult;

typedef struct {
  const guint        *ks;             /* cutoffs; NULL = {5, 10, 20} */
  guint               n_ks;
  guint               list_k;         /* list length for coverage, diversity, novelty; 0 = 10 */
  const char * const *user_segments;  /* per dense user (n_users entries, NULL = none) or NULL */
  guint               n_threads;      /* 0 = 2 (the machine class has two cores) */
  guint               max_users;      /* evaluate at most this many users (evenly spaced); 0 = all */
  SdJob              *job;            /* nullable: progress */
  GCancellable       *cancellable;
} SdEvalOptions;

void           sd_eval_result_free (SdEvalResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdEvalResult, sd_eval_result_free)

/* @model is fitted on a matrix aligned with @test (same users and items). */
SdEvalResult  *sd_eval_run         (SdRecommender       *model,
                                    SdInteractions      *test,
                                    const SdEvalOptions *options,
                                    GError             **error);
/* The value of a metric by its name: "ndcg@10", "recall@20", "precision@10", "hit@10",
 * "map@10", "coverage", "diversity", "novelty". NaN when absent. */
double         sd_eval_metrics_get (const SdEvalMetrics *metrics,
                                    const char          *name);
/* One JSON object: "ndcg@10": …, … "coverage", "novelty", "diversity", "users_evaluated",
 * and "segments": {label: {…}} when there are segments. No braces, so callers can add
 * their own fields: `{` + this + `}`. */
/* The result's figures as members of an object the caller has begun. */
void           sd_eval_result_write_json     (const SdEvalResult *result,
                                              SdJsonWriter       *writer);
char          *sd_eval_result_to_json_fields (const SdEvalResult *result);

/* Per dense user of @users (a matrix built from @store), the customer's "country",
 * "segment" or "taste-group" (the demo shop's planted group, as "group N"), for
 * SdEvalOptions.user_segments. NULL entries for customers without one, so the array is
 * freed with sd_eval_segments_free(), not g_strfreev(). */
char         **sd_eval_segments_from_store (SdStore        *store,
                                            SdInteractions *users,
                                            const char     *by,
                                            GError        **error);
void           sd_eval_segments_free       (char          **segments,
                                            guint           n_users);

/* ---- validation during training ---------------------------------------------------- */

/* After each epoch, NDCG@k on a validation split, sent as sd_job_metric (job, epoch,
 * "ndcg@10", v) next to the loss, so curves show both. */
typedef struct _SdEvalMonitor SdEvalMonitor;

SdEvalMonitor *sd_eval_monitor_new     (SdInteractions *validation,
                                        SdJob          *job,
                                        guint           k,
                                        guint           max_users);
/* Points @context's epoch_done at the monitor (user_data = monitor). */
void           sd_eval_monitor_install (SdEvalMonitor  *monitor,
                                        SdFitContext   *context);
/* The values so far, one per epoch (double). */
GArray        *sd_eval_monitor_get_values (SdEvalMonitor *monitor);
void           sd_eval_monitor_free    (SdEvalMonitor  *monitor);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdEvalMonitor, sd_eval_monitor_free)

G_END_DECLS
