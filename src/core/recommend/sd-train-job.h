/* sd-train-job.h — training a recommender on a shop, as a background job
 *
 * The job opens its own connection to the shop, builds the interaction matrix and the
 * catalog, records a run (parameters, a "loss" point per epoch and, with validation,
 * "ndcg@10" per epoch), fits, and stores the model in the `models` table. On failure or
 * cancellation the run is marked so and no model is stored.
 */
#pragma once

#include <gio/gio.h>

#include "sd-interactions.h"
#include "sd-job.h"
#include "sd-recommender.h"

G_BEGIN_DECLS

typedef struct {
  const char           *db_path;
  const char           *model;           /* "ease", … */
  const char * const   *params;          /* KEY=VALUE, may be NULL */
  gboolean              validate;        /* hold out 20 % of each customer's items: NDCG@10 per epoch and at the end */
  gboolean              store_model;     /* keep the model in the models table */
  SdInteractionWeights  weights;         /* sd_interactions_weights_default() unless changed */
  /* Fit only: read the shop and fit, but write nothing to it (no run, no model, no
   * validation report): the other ranks of a distributed fit, whose rank 0 records. */
  gboolean              fit_only;
  /* Called on the model before it is fitted, e.g. to make it one rank of a distributed
   * fit (sd_als_set_exchange); may be NULL. */
  void                (*prepare_model) (SdRecommender *model,
                                        gpointer       user_data);
  gpointer              prepare_data;
} SdTrainOptions;

void     sd_train_options_init     (SdTrainOptions *options);

/* Checks the model name and parameters at once (so a bad value is refused before any
 * work starts) and returns the job, or NULL with @error. */
SdJob   *sd_train_job_new          (const SdTrainOptions *options,
                                    GError              **error);

/* After the job finished: */
gint64       sd_train_job_get_run_id    (SdJob *job);
gint64       sd_train_job_get_model_id  (SdJob *job);   /* -1 when not stored */
/* {"ndcg@10": …, "recall@20": …, …, "fit_seconds": …}: the validation metrics (only
 * fit_seconds without validation). */
const char  *sd_train_job_get_metrics   (SdJob *job);
double       sd_train_job_get_fit_seconds (SdJob *job);

G_END_DECLS
