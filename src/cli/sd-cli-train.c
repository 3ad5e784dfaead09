/* sd-cli-train.c — `shopdesk-cli train`: a model trained on the shop and stored as a run, on
 * this machine or over MPI */
#include "config.h"

#include <inttypes.h>

#include "sd-cli-recommend-private.h"
#include "sd-train-job.h"

void
sd_cli_on_job_progress (SdJob      *job,
                        GParamSpec *pspec,
                        gpointer    user_data)
{
  sd_cli_progress (sd_job_get_fraction (job), sd_job_get_text (job));
}

/* From the signal watcher's thread: cancelling is thread-safe. */
static void
cancel_job (GCancellable *cancellable,
            SdJob        *job)
{
  sd_job_cancel (job);
}

/* The shop's path for the training job: rank 0 (or a local run) opens it for writing,
 * which migrates it and refuses a read-only one, before any other rank reads it. */
static char *
train_shop_path (SdCliGlobal *global,
                 int          rank,
                 gboolean     distributed)
{
  g_autoptr(SdStore) store = NULL;

  if (rank == 0)
    store = sd_cli_open_store_for_writing (global, SD_STORE_OPEN_EXISTING);
#if HAVE_MPI
  /* Rank 0 could not open it: nobody goes on. */
  if (distributed && !sd_cli_mpi_all_ok (store != NULL || rank != 0))
    return NULL;
#endif
  if (rank != 0)
    store = sd_cli_open_store (global);
#if HAVE_MPI
  /* Nor when another rank could not. */
  if (distributed && !sd_cli_mpi_all_ok (store != NULL))
    return NULL;
#endif
  return store ? g_strdup (sd_store_get_path (store)) : NULL;
}

static int
train_run (SdCliGlobal        *global,
           SdTrainOptions     *options,
           int                 rank,
           int                 n_ranks,
           gboolean            distributed,
           gboolean            json)
{
  g_autoptr(SdJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  GArray *points;
  gulong handler;
  gboolean ok;

  if (!(path = train_shop_path (global, rank, distributed)))
    return SD_EXIT_FAILED;
  sd_cli_cap_blas_threads ();

  options->db_path = path;
  if (!(job = sd_train_job_new (options, &error)))
    {
      sd_cli_print_error ("train", error);
      return SD_EXIT_USAGE;
    }
  if (rank == 0)
    {
      g_signal_connect (job, "notify::fraction", G_CALLBACK (sd_cli_on_job_progress), NULL);
      g_signal_connect (job, "notify::text", G_CALLBACK (sd_cli_on_job_progress), NULL);
    }
  handler = g_cancellable_connect (sd_cli_cancel_on_signals (), G_CALLBACK (cancel_job), job, NULL);
  ok = sd_job_run_sync (job, &error);
  g_cancellable_disconnect (sd_cli_cancel_on_signals (), handler);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  if (rank == 0)
    sd_cli_progress_done ();
  if (!ok && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Rank 0 says it for the job. */
      if (rank == 0)
        fprintf (stderr, _("shopdesk-cli train: cancelled, no model was stored "
                 "(the run is kept in the shop's history as cancelled).\n"));
      return sd_cli_cancelled_status ();
    }
  if (!ok)
    {
      if (distributed)
        fprintf (stderr, _("shopdesk-cli train: rank %d of %d:\n"), rank, n_ranks);
      sd_cli_print_error ("train", error);
      return SD_EXIT_FAILED;
    }
  /* The other ranks only fitted; rank 0 recorded the run and reports it. */
  if (rank != 0)
    return SD_EXIT_OK;

  points = sd_job_get_points (job);
  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "model", options->model);
#if HAVE_MPI
      if (distributed)
        {
          sd_json_writer_member_int (w, "ranks", n_ranks);
          sd_json_writer_member_int (w, "exchanged_bytes", (gint64) sd_cli_mpi_exchanged_bytes ());
          sd_json_writer_member_fixed (w, "exchange_seconds", sd_cli_mpi_exchange_seconds (), 3);
          sd_json_writer_member_fixed (w, "cpu_seconds", sd_cli_mpi_cpu_seconds (), 3);
        }
#endif
      sd_json_writer_member_int (w, "run_id", sd_train_job_get_run_id (job));
      sd_json_writer_member_int (w, "model_id", sd_train_job_get_model_id (job));
      sd_json_writer_member_fixed (w, "train_seconds", sd_train_job_get_fit_seconds (job), 3);
      sd_json_writer_key (w, "metrics");
      sd_json_writer_raw (w, sd_train_job_get_metrics (job));
      sd_json_writer_key (w, "points");
      sd_json_writer_begin_array (w);
      for (guint p = 0; p < points->len; p++)
        {
          SdMetricPoint *pt = &g_array_index (points, SdMetricPoint, p);
          sd_json_writer_begin_object (w);
          sd_json_writer_member_int (w, "step", pt->step);
          sd_json_writer_member_string (w, "name", pt->name);
          sd_json_writer_member_double (w, "value", pt->value);
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_array (w);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else
    {
      for (guint p = 0; p < points->len; p++)
        {
          SdMetricPoint *pt = &g_array_index (points, SdMetricPoint, p);
          /* TRANSLATORS: `train`: a metric after an epoch, "epoch  15  loss     83865.7" */
          printf (_("epoch %3d  %-8s %.6g\n"), pt->step, pt->name, pt->value);
        }
      printf (_("Trained %s in %.2f s"), options->model, sd_train_job_get_fit_seconds (job));
#if HAVE_MPI
      if (distributed)
        printf (_(" on %d rank%s, %.1f MB exchanged"), n_ranks, n_ranks == 1 ? "" : "s",
                sd_cli_mpi_exchanged_bytes () / 1e6);
#endif
      printf (_(" (run %" PRId64), sd_train_job_get_run_id (job));
      if (sd_train_job_get_model_id (job) > 0)
        printf (_(", stored as model %" PRId64), sd_train_job_get_model_id (job));
      /* TRANSLATORS: `train`: the end of "Trained als in 0.48 s (run 5, stored as model 5)" */
      printf (_(")\n"));
      if (options->validate)
        printf (_("Validation: %s\n"), sd_train_job_get_metrics (job));
    }
  return SD_EXIT_OK;
}

int
sd_cli_train (SdCliGlobal  *global,
              int           argc,
              char        **argv)
{
  g_autofree char *model_name = NULL;
  g_auto(GStrv) params = NULL;
  gboolean validate = FALSE, no_store = FALSE, json = FALSE, distributed = FALSE;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name, N_("The model to train"), "NAME" },
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &params, N_("A hyperparameter (repeatable)"), "KEY=VALUE" },
    /* xgettext:no-c-format */
    { "validate", 0, 0, G_OPTION_ARG_NONE, &validate, N_("Hold out 20 % of each customer's items and report NDCG@10 per epoch"), NULL },
    { "no-store", 0, 0, G_OPTION_ARG_NONE, &no_store, N_("Do not keep the model in the shop"), NULL },
    { "distributed", 0, 0, G_OPTION_ARG_NONE, &distributed,
      N_("ALS only: train across the ranks of an MPI job (mpirun -np N shopdesk-cli … train --distributed); every rank reads the shop, rank 0 alone writes. One rank outside mpirun"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { NULL }
  };
  SdTrainOptions options;
  int rank = 0, n_ranks = 1;

  if (!sd_cli_parse ("train", _("train a recommender on the shop and keep it"), entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (!model_name)
    {
      g_autofree char *names = g_strjoinv (", ", (char **) sd_recommender_list_names ());
      fprintf (stderr, _("shopdesk-cli train: --model is required (one of %s)\n"), names);
      return SD_EXIT_USAGE;
    }

  sd_train_options_init (&options);
  options.model = model_name;
  options.params = (const char * const *) params;
  options.validate = validate;
  options.store_model = !no_store;
  if (!distributed)
    return train_run (global, &options, rank, n_ranks, FALSE, json);

  if (g_strcmp0 (model_name, "als") != 0)
    {
      fprintf (stderr, _("shopdesk-cli train: --distributed trains ALS only, not “%s”\n"), model_name);
      return SD_EXIT_USAGE;
    }
#if HAVE_MPI
  {
    g_autoptr(GError) error = NULL;

    if (!sd_cli_mpi_init (&argc, &argv, &rank, &n_ranks, &error))
      {
        sd_cli_print_error ("train", error);
        return SD_EXIT_FAILED;
      }
  }
  options.fit_only = rank != 0;
  options.prepare_model = sd_cli_mpi_prepare_model;
  {
    int status = train_run (global, &options, rank, n_ranks, TRUE, json);

    sd_cli_mpi_finish (status);
    return status;
  }
#else
  fprintf (stderr, _("shopdesk-cli train: this shopdesk-cli was built without MPI, so it cannot "
           "train --distributed. Install Open MPI (Debian: libopenmpi-dev openmpi-bin) and "
           "build again (meson configure -Dmpi=enabled).\n"));
  return SD_EXIT_FAILED;
#endif
}
