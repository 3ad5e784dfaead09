/* sd-model-runs.h — training runs as records: their names and notes, what they saw, the
 * model they made, whether it is live, whether the shop moved on since, and deleting them
 *
 * The Training page's runs list and its comparison of runs ask these. A run's name and note
 * live in `run_labels`; what it saw is the "shop" object its training job wrote into the
 * run's summary. Reads and writes only through @store; capped, so the main thread may
 * call them.
 */
#pragma once

#include <glib.h>

#include "sd-store.h"

G_BEGIN_DECLS

typedef struct {
  gint64   run_id;
  char    *kind;           /* "recommender", "chatbot" */
  char    *model;          /* "ease", "intent" */
  char    *label;          /* the name given to it, or NULL */
  char    *note;           /* or NULL */
  char    *params;         /* JSON object text, or NULL */
  char    *summary;        /* JSON object text, or NULL */
  char    *status;
  gint64   started_at, finished_at;
  /* What it saw; -1 when the run did not record it (runs before these records). */
  gint64   customers, products, interactions, orders, newest_event;
  gint64   model_id;       /* the model it stored, 0: none */
  guint    live_mask;      /* bit (1 << SdModelPurpose) per purpose its model is live for */
} SdRunRecord;

void         sd_run_record_free     (SdRunRecord *record);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SdRunRecord, sd_run_record_free)

/* Run @run_id as a record; NULL with SD_ERROR_NOT_FOUND when there is none. */
SdRunRecord *sd_model_runs_get      (SdStore     *store,
                                     gint64       run_id,
                                     GError     **error);
/* The name people gave the run, else NULL. */
char        *sd_model_runs_get_label (SdStore    *store,
                                      gint64      run_id);
/* A name and a note (NULL or "" clears either). */
gboolean     sd_model_runs_set_label (SdStore    *store,
                                      gint64      run_id,
                                      const char *label,
                                      const char *note,
                                      GError    **error);
/* Deletes the run with its points and its model, in one transaction; refused
 * (SD_ERROR_INVALID_INPUT) while its model is live for a purpose. */
gboolean     sd_model_runs_delete    (SdStore    *store,
                                      gint64      run_id,
                                      GError    **error);
/* Orders the shop holds now beyond those it held when @record was trained; -1 when the
 * run did not record them. */
gint64       sd_model_runs_new_orders (SdStore          *store,
                                       const SdRunRecord *record,
                                       GError          **error);
/* The run that made the model live for @purpose (an SdModelPurpose); 0 when none is live or
 * it came from no run. */
gint64       sd_model_runs_live_run   (SdStore    *store,
                                       guint       purpose,
                                       GError    **error);

/* The hyperparameters of several runs side by side: the union of their keys, sorted, and
 * for each key whether the runs differ on it. @records are SdRunRecord *. Returns the keys
 * (char *); *@differs gets a gboolean per key (free with g_free). */
GPtrArray   *sd_model_runs_param_keys (GPtrArray   *records,
                                       gboolean   **differs);
/* The value of @key in a record's parameters as text ("64", "cg"), or NULL. */
char        *sd_run_record_param      (const SdRunRecord *record,
                                       const char        *key);

/* The record's hyperparameters as KEY=VALUE (a NULL-terminated array for
 * sd_train_job_new()), to train again with the same settings. */
char       **sd_run_record_params_as_args (const SdRunRecord *record);
/* The number @key in a JSON object's text (a model's metrics), or NAN. */
double       sd_model_runs_json_number (const char *json,
                                        const char *key);

G_END_DECLS
