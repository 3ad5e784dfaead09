/* sd-tune.h — hyperparameter search on a validation split cut from the training data
 *
 * Never looks at a test split: the caller passes its training matrix, and the search
 * holds out part of it (random per-user holdout) to score each candidate. Run it in an
 * SdJob: each trial reports progress and a metric point (step = trial number), and the
 * search stops between trials when cancelled.
 */
#pragma once

#include <gio/gio.h>

#include "sd-catalog.h"
#include "sd-interactions.h"
#include "sd-job.h"

G_BEGIN_DECLS

typedef struct {
  char   **assignments;   /* KEY=VALUE of the parameters the search varied */
  char    *params_json;   /* all of the model's parameters */
  double   value;         /* the target metric on the validation split */
  double   fit_seconds;
} SdTuneTrial;

typedef struct {
  char      *model;
  char      *metric;
  GPtrArray *trials;      /* SdTuneTrial *, in the order they ran */
  guint      best;        /* index of the best trial */
  guint      validation_users;
  guint      n_planned;   /* trials the search meant to run */
  gboolean   out_of_time; /* it stopped at max_seconds before running them all */
} SdTuneResult;

/* Called in the search's thread after each trial, with its index. */
typedef void (*SdTuneTrialFunc) (const SdTuneTrial *trial,
                                 guint              index,
                                 gpointer           user_data);

SdTuneTrial *sd_tune_trial_copy (const SdTuneTrial *trial);
void         sd_tune_trial_free (SdTuneTrial       *trial);

typedef struct {
  const char         *model;
  const char * const *grid;              /* "lambda=100,200,500", one per parameter; NULL: the model's default */
  const char * const *fixed;             /* KEY=VALUE set on every trial; may be NULL */
  guint               n_random;          /* 0: the whole grid; else this many random grid points */
  guint32             seed;              /* of the validation split and the random points */
  double              validation_ratio;  /* share of each user's items held out; 0 = 0.2 */
  const char         *metric;            /* NULL = "ndcg@10" */
  SdCatalog          *catalog;           /* nullable */
  /* The budget: at most this many trials (0: no cap; a grid larger than it is sampled at
   * random), and no trial started after this many seconds (0: no limit; the first trial
   * always runs). */
  guint               max_trials;
  double              max_seconds;
  SdTuneTrialFunc     trial_done;        /* nullable */
  gpointer            trial_data;
} SdTuneOptions;

/* The grid searched when none is given ("lambda=…" for EASE, …); NULL when there is none. */
const char * const *sd_tune_default_grid (const char *model);

SdTuneResult *sd_tune_run         (SdInteractions       *train,
                                   const SdTuneOptions  *options,
                                   SdJob                *job,
                                   GCancellable         *cancellable,
                                   GError              **error);
void          sd_tune_result_free (SdTuneResult         *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdTuneResult, sd_tune_result_free)

/* For the app: a job that opens its own connection to the shop at @db_path, builds its
 * matrix (default weights) and catalog, and runs the search (options are copied; their
 * catalog is ignored). Each trial is a metric point (step = trial) and a log line. */
SdJob        *sd_tune_job_new        (const char           *db_path,
                                      const SdTuneOptions  *options);
/* The result once the job finished (owned by the job), or NULL. */
SdTuneResult *sd_tune_job_get_result (SdJob                *job);

G_END_DECLS
