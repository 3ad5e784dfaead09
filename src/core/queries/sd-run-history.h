/* sd-run-history.h — the shop's training runs, their curves and summaries
 *
 * What the Training page asks of the `runs` and `run_points` tables: the recent runs
 * (newest first, imports left out), one run, a run's curve of one metric, the newest run
 * of a kind, each recommender's newest validated run for the comparison table, and
 * whether the shop has anything to learn from at all. Every answer is a plain struct;
 * every function reads only through @store, so a worker calls them on its own connection.
 * The queries are capped, so the main thread may call them too.
 */
#pragma once

#include <glib.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64    id;
  char     *kind;          /* "recommender", "chatbot", … */
  char     *model;         /* the model's name; NULL if the run named none */
  gint64    started_at;    /* unix seconds */
  gint64    finished_at;   /* unix seconds; 0 while it runs */
  char     *status;        /* "running", "finished", "cancelled" or "failed" */
  char     *summary;       /* JSON text, or NULL */
  gboolean  has_loss;      /* it recorded at least one "loss" point */
  double    last_loss;     /* "loss" at its highest step; NAN without a loss curve */
} SdRunInfo;

void      sd_run_info_free               (SdRunInfo       *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdRunInfo, sd_run_info_free)

/* The number @name in the run's summary (e.g. "ndcg@10", "fit_seconds",
 * "valid_accuracy"); NAN when the summary lacks it, is not a number or is no JSON. */
double    sd_run_info_get_summary_number (const SdRunInfo *info,
                                          const char      *name);

/* One point of a run's curve. */
typedef struct {
  int    step;
  double value;
} SdRunPoint;

/* The newest @limit runs other than imports, newest first (SdRunInfo *). */
GPtrArray *sd_run_history_list_training_runs     (SdStore     *store,
                                                  guint        limit,
                                                  GError     **error);
/* Run @run_id; NULL with SD_ERROR_NOT_FOUND when there is none. */
SdRunInfo *sd_run_history_get_run                (SdStore     *store,
                                                  gint64       run_id,
                                                  GError     **error);
/* Run @run_id's points of the metric @metric ("loss", "ndcg@10", …) by step, at most
 * @limit of them (SdRunPoint). Empty when the run recorded none. */
GArray    *sd_run_history_get_curve              (SdStore     *store,
                                                  gint64       run_id,
                                                  const char  *metric,
                                                  guint        limit,
                                                  GError     **error);
/* The id of the newest run of @kind ("chatbot", …), whatever its status; 0 when there is
 * none, -1 with @error set when the query failed. */
gint64     sd_run_history_newest_run_id          (SdStore     *store,
                                                  const char  *kind,
                                                  GError     **error);
/* Each recommender's newest finished run whose summary has "ndcg@10" (it was validated),
 * by model name, at most @limit (SdRunInfo *): the rows of the comparison table. */
GPtrArray *sd_run_history_newest_validated_runs  (SdStore     *store,
                                                  guint        limit,
                                                  GError     **error);
/* Whether the shop has events or order lines for a model to learn from. FALSE with
 * @error set when the query failed. */
gboolean   sd_run_history_shop_has_training_data (SdStore     *store,
                                                  GError     **error);

G_END_DECLS
