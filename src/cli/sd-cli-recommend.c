/* sd-cli-recommend.c — `shopdesk-cli eval | train | recommend | similar | tune`:
 * the recommendation models from a terminal */
#include "config.h"

#include <cblas.h>
#include <math.h>
#include <string.h>

#include "sd-cli.h"
#include "sd-error.h"
#include "sd-eval.h"
#include "sd-recommender.h"
#include "sd-split.h"

/* Two cores on the machine class: BLAS may use both, as the CLI has no main loop to keep free. */
static void
cap_blas_threads (void)
{
  if (!g_getenv ("OPENBLAS_NUM_THREADS"))
    openblas_set_num_threads (2);
}

static SdRecommender *
new_model (const char  *command,
           const char  *name,
           char       **params)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRecommender) model = NULL;

  if (!name)
    {
      g_autofree char *names = g_strjoinv (", ", (char **) sd_recommender_list_names ());
      fprintf (stderr, "shopdesk-cli %s: --model is required (one of %s)\n", command, names);
      return NULL;
    }
  if (!(model = sd_recommender_new (name, &error)))
    {
      fprintf (stderr, "shopdesk-cli %s: %s\n", command, error->message);
      return NULL;
    }
  for (guint i = 0; params && params[i]; i++)
    {
      const char *eq = strchr (params[i], '=');
      g_autofree char *key = NULL;

      if (!eq)
        {
          fprintf (stderr, "shopdesk-cli %s: --param takes KEY=VALUE, got “%s”\n", command, params[i]);
          return NULL;
        }
      key = g_strndup (params[i], eq - params[i]);
      if (!sd_recommender_set_param (model, key, eq + 1, &error))
        {
          fprintf (stderr, "shopdesk-cli %s: %s\n", command, error->message);
          return NULL;
        }
    }
  return g_steal_pointer (&model);
}

typedef struct {
  SdRecommender  *model;
  SdInteractions *train;
} FitWork;

static gboolean
fit_func (SdJob         *job,
          gpointer       data,
          GCancellable  *cancellable,
          GError       **error)
{
  FitWork *work = data;
  SdFitContext context = { job, cancellable, NULL, NULL };
  return sd_recommender_fit (work->model, work->train, &context, error);
}

static void
on_progress (SdJob      *job,
             GParamSpec *pspec,
             gpointer    user_data)
{
  sd_cli_progress (sd_job_get_fraction (job), sd_job_get_text (job));
}

/* Fits in an SdJob (progress on a terminal), the way the app does in a thread. */
static gboolean
fit_with_progress (SdRecommender   *model,
                   SdInteractions  *train,
                   GError         **error)
{
  FitWork work = { model, train };
  g_autoptr(SdJob) job = sd_job_new ("Training", fit_func, &work, NULL);
  gboolean ok;

  g_signal_connect (job, "notify::fraction", G_CALLBACK (on_progress), NULL);
  ok = sd_job_run_sync (job, error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  sd_cli_progress_done ();
  return ok;
}

static char *
sibling_file (const char *path,
              const char *name)
{
  g_autofree char *dir = g_path_get_dirname (path);
  char *sibling = g_build_filename (dir, name, NULL);

  if (g_file_test (sibling, G_FILE_TEST_EXISTS))
    return sibling;
  g_free (sibling);
  return NULL;
}

/* ---- eval ---------------------------------------------------------------------------- */

int
sd_cli_eval (SdCliGlobal  *global,
             int           argc,
             char        **argv)
{
  g_autofree char *model_name = NULL;
  g_auto(GStrv) params = NULL;
  g_autofree char *train_path = NULL;
  g_autofree char *test_path = NULL;
  g_autofree char *items_path = NULL;
  g_autofree char *format = NULL;
  int min_rating = 4;
  int k = 10;
  gboolean json = FALSE;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name, "The model to train", "NAME" },
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &params, "A hyperparameter (repeatable)", "KEY=VALUE" },
    { "train", 0, 0, G_OPTION_ARG_FILENAME, &train_path, "Training interactions", "FILE" },
    { "test", 0, 0, G_OPTION_ARG_FILENAME, &test_path, "Held-out interactions", "FILE" },
    { "items", 0, 0, G_OPTION_ARG_FILENAME, &items_path, "The item list (MovieLens u.item; default: beside --train)", "FILE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, "File format (movielens)", "FORMAT" },
    { "positive-min-rating", 0, 0, G_OPTION_ARG_INT, &min_rating, "Ratings from this up are positives (default 4)", "N" },
    { "k", 'k', 0, G_OPTION_ARG_INT, &k, "List length for precision, NDCG, … (default 10; 20 is always added)", "K" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, "Print one JSON object", NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRecommender) model = NULL;
  g_autoptr(SdEvalResult) result = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  SdSplit split = { NULL };
  guint ks[3];
  guint n_ks = 0;
  SdEvalOptions options = { NULL };

  if (!sd_cli_parse ("eval", "train on one file, evaluate on another over the full catalogue",
                     entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (!train_path || !test_path)
    {
      fprintf (stderr, "shopdesk-cli eval: --train FILE and --test FILE are required\n");
      return SD_EXIT_USAGE;
    }
  if (k < 1 || k > 1000)
    {
      fprintf (stderr, "shopdesk-cli eval: --k must be between 1 and 1000, got %d\n", k);
      return SD_EXIT_USAGE;
    }
  if (format && g_ascii_strcasecmp (format, "movielens") != 0)
    {
      fprintf (stderr, "shopdesk-cli eval: format “%s” is not supported yet; this build reads "
               "movielens files (user<TAB>item<TAB>rating<TAB>time). Import other formats into a "
               "shop and use `shopdesk-cli tune`.\n", format);
      return SD_EXIT_USAGE;
    }
  if (!(model = new_model ("eval", model_name, params)))
    return SD_EXIT_USAGE;
  cap_blas_threads ();

  if (!items_path)
    items_path = sibling_file (train_path, "u.item");
  if (!sd_split_read_movielens (train_path, test_path, items_path, min_rating, &split, &error))
    {
      fprintf (stderr, "shopdesk-cli eval: %s\n", error->message);
      return SD_EXIT_FAILED;
    }
  if (items_path && (catalog = sd_movielens_read_catalog (items_path, split.train, NULL)))
    sd_recommender_set_catalog (model, catalog);

  if (!fit_with_progress (model, split.train, &error))
    {
      fprintf (stderr, "shopdesk-cli eval: %s\n", error->message);
      sd_split_clear (&split);
      return SD_EXIT_FAILED;
    }

  ks[n_ks++] = (guint) k;
  if (k != 10)
    ks[n_ks++] = 10;
  if (k != 20)
    ks[n_ks++] = 20;
  options.ks = ks;
  options.n_ks = n_ks;
  options.list_k = (guint) k;
  result = sd_eval_run (model, split.test, &options, &error);
  if (!result)
    {
      fprintf (stderr, "shopdesk-cli eval: %s\n", error->message);
      sd_split_clear (&split);
      return SD_EXIT_FAILED;
    }

  if (json)
    {
      g_autofree char *fields = sd_eval_result_to_json_fields (result);
      g_autofree char *p = sd_recommender_params_to_json (model);
      printf ("{\"model\": \"%s\", \"params\": %s, %s, \"train_seconds\": %.3f, "
              "\"eval_seconds\": %.3f, \"n_users\": %u, \"n_items\": %u, \"train_cells\": %" G_GSIZE_FORMAT
              ", \"test_cells\": %" G_GSIZE_FORMAT ", \"test_cells_dropped\": %" G_GSIZE_FORMAT "}\n",
              sd_recommender_get_name (model), p, fields,
              sd_recommender_get_fit_seconds (model), result->seconds,
              split.train->n_users, split.train->n_items, split.train->nnz, split.test->nnz,
              split.n_dropped);
    }
  else
    {
      const SdEvalMetrics *m = &result->overall;
      printf ("%s %s\n", sd_recommender_get_label (model), sd_recommender_params_to_json (model));
      printf ("users evaluated %u, items %u, trained in %.2f s, evaluated in %.2f s\n",
              m->n_users, split.train->n_items, sd_recommender_get_fit_seconds (model), result->seconds);
      printf ("%6s %10s %10s %10s %10s %10s\n", "K", "precision", "recall", "ndcg", "hit", "map");
      for (guint c = 0; c < m->n_ks; c++)
        printf ("%6u %10.4f %10.4f %10.4f %10.4f %10.4f\n", m->at[c].k, m->at[c].precision,
                m->at[c].recall, m->at[c].ndcg, m->at[c].hit, m->at[c].map);
      printf ("coverage@%u %.4f, novelty %.3f bits, diversity %.4f\n", result->list_k,
              m->coverage, m->novelty, m->diversity);
    }
  sd_split_clear (&split);
  return SD_EXIT_OK;
}
