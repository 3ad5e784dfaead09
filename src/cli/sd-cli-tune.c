/* sd-cli-tune.c — `shopdesk-cli tune`: a model's settings searched on a validation split */
#include "config.h"

#include "sd-cli-recommend-private.h"
#include "sd-number-format.h"
#include "sd-split.h"
#include "sd-tune.h"

typedef struct {
  SdInteractions *train;
  SdTuneOptions  *options;
  SdTuneResult   *result;
} TuneWork;

static gboolean
tune_func (SdJob         *job,
           gpointer       data,
           GCancellable  *cancellable,
           GError       **error)
{
  TuneWork *work = data;
  work->result = sd_tune_run (work->train, work->options, job, cancellable, error);
  return work->result != NULL;
}

int
sd_cli_tune (SdCliGlobal  *global,
             int           argc,
             char        **argv)
{
  g_autofree char *model_name = NULL;
  g_auto(GStrv) grid = NULL;
  g_auto(GStrv) fixed = NULL;
  g_autofree char *metric = NULL;
  g_autofree char *train_path = NULL;
  g_autofree char *items_path = NULL;
  int n_random = 0, seed = 1, min_rating = 4, max_trials = 0;
  double max_minutes = 0;
  gboolean json = FALSE, csv = FALSE;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name, N_("The model to tune"), "NAME" },
    { "max-trials", 0, 0, G_OPTION_ARG_INT, &max_trials, N_("Budget: at most N trials (a larger grid is sampled at random)"), "N" },
    { "max-minutes", 0, 0, G_OPTION_ARG_DOUBLE, &max_minutes, N_("Budget: start no trial after this many minutes"), "M" },
    { "grid", 'g', 0, G_OPTION_ARG_STRING_ARRAY, &grid, N_("Values to try (repeatable; default: the model's grid)"), "KEY=V1,V2,…" },
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &fixed, N_("A fixed hyperparameter (repeatable)"), "KEY=VALUE" },
    { "random", 0, 0, G_OPTION_ARG_INT, &n_random, N_("Try N random grid points instead of all"), "N" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Seed of the validation split and the random points (default 1)"), "S" },
    { "metric", 0, 0, G_OPTION_ARG_STRING, &metric, N_("What to maximise (default ndcg@10)"), "NAME@K" },
    { "train", 0, 0, G_OPTION_ARG_FILENAME, &train_path, N_("Tune on a MovieLens file instead of the shop"), "FILE" },
    { "items", 0, 0, G_OPTION_ARG_FILENAME, &items_path, N_("The MovieLens item list (default: beside --train)"), "FILE" },
    { "positive-min-rating", 0, 0, G_OPTION_ARG_INT, &min_rating, N_("Ratings from this up are positives (default 4)"), "N" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("Print CSV: a header and one row per group (eval) or trial (tune)"), NULL },
    { NULL }
  };
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(SdJob) job = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdTuneResult) result = NULL;
  SdTuneOptions options = { NULL };
  TuneWork work = { NULL };
  SdTuneTrial *best;
  gboolean ok;

  if (!sd_cli_parse ("tune", _("search hyperparameters on a validation split cut from the training data"),
                     entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (!model_name)
    {
      fprintf (stderr, _("shopdesk-cli tune: --model is required\n"));
      return SD_EXIT_USAGE;
    }
  if (n_random < 0 || seed < 0 || max_trials < 0 || max_minutes < 0)
    {
      fprintf (stderr, _("shopdesk-cli tune: --random, --seed, --max-trials and --max-minutes must not be negative\n"));
      return SD_EXIT_USAGE;
    }
  if (!sd_cli_check_model ("tune", model_name, fixed) || !sd_cli_check_grid (model_name, grid) ||
      !sd_cli_check_metric (metric))
    return SD_EXIT_USAGE;
  sd_cli_cap_blas_threads ();

  if (train_path)
    {
      SdSplit split = { NULL };
      if (!items_path)
        items_path = sd_cli_sibling_file (train_path, "u.item");
      if (!sd_split_read_movielens (train_path, NULL, items_path, min_rating, &split, &error))
        {
          sd_cli_print_error ("tune", error);
          return SD_EXIT_FAILED;
        }
      train = g_steal_pointer (&split.train);
      if (items_path)
        catalog = sd_movielens_read_catalog (items_path, train, NULL);
    }
  else
    {
      g_autoptr(SdStore) store = sd_cli_open_store (global);
      if (!store)
        return SD_EXIT_FAILED;
      if (!(train = sd_interactions_from_store (store, NULL, NULL, &error)) ||
          !(catalog = sd_catalog_from_store (store, train, NULL, &error)))
        {
          sd_cli_print_error ("tune", error);
          return SD_EXIT_FAILED;
        }
    }

  options.model = model_name;
  options.grid = (const char * const *) grid;
  options.fixed = (const char * const *) fixed;
  options.n_random = (guint) n_random;
  options.seed = (guint32) seed;
  options.metric = metric;
  options.catalog = catalog;
  options.max_trials = (guint) max_trials;
  options.max_seconds = 60.0 * max_minutes;
  work.train = train;
  work.options = &options;
  job = sd_job_new ("Tuning", tune_func, &work, NULL);
  g_signal_connect (job, "notify::fraction", G_CALLBACK (sd_cli_on_job_progress), NULL);
  ok = sd_job_run_sync (job, &error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  sd_cli_progress_done ();
  result = work.result;
  if (!ok)
    {
      sd_cli_print_error ("tune", error);
      return SD_EXIT_FAILED;
    }

  if (result->validation_users == 0)
    {
      fprintf (stderr, _("shopdesk-cli tune: no customer has a held-out positive item in the validation "
               "split; there is nothing to compare the trials on\n"));
      return SD_EXIT_FAILED;
    }
  best = g_ptr_array_index (result->trials, result->best);
  if (json)
    {
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "model", result->model);
      sd_json_writer_member_string (w, "metric", result->metric);
      sd_json_writer_member_int (w, "validation_users", result->validation_users);
      sd_json_writer_key (w, "best");
      sd_json_writer_raw (w, best->params_json);
      sd_json_writer_member_fixed (w, "best_value", best->value, 6);
      sd_json_writer_member_int (w, "planned_trials", result->n_planned);
      sd_json_writer_member_bool (w, "out_of_time", result->out_of_time);
      sd_json_writer_key (w, "trials");
      sd_json_writer_begin_array (w);
      for (guint t = 0; t < result->trials->len; t++)
        {
          SdTuneTrial *trial = g_ptr_array_index (result->trials, t);
          sd_json_writer_begin_object (w);
          sd_json_writer_key (w, "params");
          sd_json_writer_raw (w, trial->params_json);
          sd_json_writer_member_fixed (w, "value", trial->value, 6);
          sd_json_writer_member_fixed (w, "fit_seconds", trial->fit_seconds, 3);
          sd_json_writer_end_object (w);
        }
      sd_json_writer_end_array (w);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else if (csv)
    {
      printf ("trial,params,%s,fit_seconds,best\n", result->metric);
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(SdCsvWriter) rows = sd_cli_csv_rows_new (out);

      for (guint t = 0; t < result->trials->len; t++)
        {
          SdTuneTrial *trial = g_ptr_array_index (result->trials, t);
          g_autofree char *what = g_strjoinv (" ", trial->assignments);
          sd_csv_writer_add_int (rows, t + 1);
          sd_csv_writer_add_string (rows, what);
          sd_csv_writer_add_double (rows, "%.6f", trial->value);
          sd_csv_writer_add_double (rows, "%.3f", trial->fit_seconds);
          sd_csv_writer_add_string (rows, t == result->best ? "yes" : "no");
          sd_csv_writer_end_row (rows);
        }
      fputs (out->str, stdout);
    }
  else
    {
      g_autofree char *users = sd_format_count (result->validation_users);
      g_autofree char *metric = sd_cli_metric_label (result->metric);
      g_autofree char *best_value = sd_cli_metric_for_people (result->metric, best->value);
      /* The hyperparameters as --param takes them, "k=400 shrink=50": machine figures. */
      g_autofree char *best_what = g_strjoinv (" ", best->assignments);

      printf (g_dngettext (GETTEXT_PACKAGE, "%s on a validation split of %s customer, by %s (higher is better):\n",
                           "%s on a validation split of %s customers, by %s (higher is better):\n",
                           result->validation_users),
              result->model, users, metric);
      for (guint t = 0; t < result->trials->len; t++)
        {
          SdTuneTrial *trial = g_ptr_array_index (result->trials, t);
          g_autofree char *what = g_strjoinv (" ", trial->assignments);
          g_autofree char *what_col = sd_cli_pad (what, 40);
          g_autofree char *value = sd_cli_metric_for_people (result->metric, trial->value);
          g_autofree char *value_col = sd_cli_column (value, -10);
          g_autofree char *seconds = sd_cli_seconds_for_people (trial->fit_seconds);

          printf ("%s %s %s  (%s)\n", t == result->best ? "*" : " ", what_col, value_col, seconds);
        }
      /* TRANSLATORS: tune's answer: the best hyperparameters and their figure, "Best: k=400
       * shrink=50 (NDCG@10 0.162)" */
      printf (_("Best: %s (%s %s)\n"), best_what, metric, best_value);
      if (result->out_of_time)
        printf (_("The time budget ran out after %u of %u planned trials.\n"), result->trials->len, result->n_planned);
    }
  return SD_EXIT_OK;
}
