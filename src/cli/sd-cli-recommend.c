/* sd-cli-recommend.c — `shopdesk-cli eval | train | recommend | similar | tune`:
 * the recommendation models from a terminal */
#include "config.h"

#include <glib/gi18n.h>

#include <inttypes.h>

#include <cblas.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "sd-cli.h"
#include "sd-product-text.h"
#include "sd-csv.h"
#include "sd-customer-profile.h"
#include "sd-ease.h"
#include "sd-error.h"
#include "sd-eval.h"
#include "sd-import.h"
#include "sd-content.h"
#include "sd-item-knn.h"
#include "sd-model-store.h"
#include "sd-number-format.h"
#include "sd-recommender.h"
#include "sd-rerank.h"
#include "sd-split.h"
#include "sd-train-job.h"
#include "sd-tune.h"

/* Two cores on the machine class: BLAS may use both, as the CLI has no main loop to keep free. */
/* Where a model or data came from, for people: the --json "source" stays as it is. */
static const char *
source_text (const char *source)
{
  static const struct { const char *key, *text; } sources[] = {
    { "live", NC_("where a model came from", "live") },
    { "stored", NC_("where a model came from", "stored") },
    { "trained", NC_("where a model came from", "trained") },
    { "popularity (the model has no opinion)", NC_("where a model came from", "popularity (the model has no opinion)") },
    { "popularity (no history)", NC_("where a model came from", "popularity (no history)") },
    { "movielens files", NC_("where the data came from", "movielens files") },
    { "imported files", NC_("where the data came from", "imported files") },
    { "the shop", NC_("where the data came from", "the shop") },
  };

  for (guint i = 0; source && i < G_N_ELEMENTS (sources); i++)
    if (g_str_equal (source, sources[i].key))
      return g_dpgettext2 (NULL, i < 5 ? "where a model came from" : "where the data came from", sources[i].text);
  return source;
}

/* A product's title as a person reads it: in the chosen language (the demo shop's have
 * Chinese ones), escaped for the terminal. */
static char *
shown_title (SdStore             *store,
             const SdCatalogItem *item)
{
  g_autofree char *title = store && item->id > 0 ? sd_product_text_title (store, item->id, item->title)
                                                  : g_strdup (item->title);

  return sd_cli_printable (title ? title : "?");
}

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
      fprintf (stderr, _("shopdesk-cli %s: --model is required (one of %s)\n"), command, names);
      return NULL;
    }
  if (!(model = sd_recommender_new (name, &error)))
    {
      sd_cli_print_error (command, error);
      return NULL;
    }
  for (guint i = 0; params && params[i]; i++)
    {
      const char *eq = strchr (params[i], '=');
      g_autofree char *key = NULL;

      if (!eq)
        {
          fprintf (stderr, _("shopdesk-cli %s: --param takes KEY=VALUE, got “%s”\n"), command, params[i]);
          return NULL;
        }
      key = g_strndup (params[i], eq - params[i]);
      if (!sd_recommender_set_param (model, key, eq + 1, &error))
        {
          sd_cli_print_error (command, error);
          return NULL;
        }
    }
  return g_steal_pointer (&model);
}

/* A model name and parameters that cannot work are bad usage (exit 2) in every command,
 * told before any data is read. */
static gboolean
check_model (const char  *command,
             const char  *name,
             char       **params)
{
  g_autoptr(SdRecommender) model = new_model (command, name, params);

  return model != NULL;
}

/* Each value of a --grid entry (or of the model's own grid) must be one the model takes. */
static gboolean
check_grid (const char  *name,
            char       **grid)
{
  const char * const *entries = grid ? (const char * const *) grid : sd_tune_default_grid (name);

  if (entries == NULL || entries[0] == NULL)
    {
      fprintf (stderr, _("shopdesk-cli tune: there is nothing to search for %s: give a grid such as "
               "--grid lambda=100,500\n"), name);
      return FALSE;
    }
  for (guint i = 0; entries[i]; i++)
    {
      const char *eq = strchr (entries[i], '=');
      g_auto(GStrv) values = NULL;
      g_autofree char *key = NULL;

      if (eq == NULL || eq[1] == '\0')
        {
          fprintf (stderr, _("shopdesk-cli tune: a --grid entry is KEY=V1,V2,…; got “%s”\n"), entries[i]);
          return FALSE;
        }
      key = g_strndup (entries[i], eq - entries[i]);
      values = g_strsplit (eq + 1, ",", -1);
      for (guint v = 0; values[v]; v++)
        {
          g_autofree char *param = g_strdup_printf ("%s=%s", key, g_strstrip (values[v]));
          char *one[] = { param, NULL };

          if (!check_model ("tune", name, one))
            return FALSE;
        }
    }
  return TRUE;
}

/* A metric as a person reads it, in the user's marks: a share of a list, of the held-out
 * items or of the catalogue as a percentage ("7.9 %"), NDCG, MAP and diversity as a
 * fraction ("0.160"), novelty in bits. --json and --csv keep the raw figure. */
static char *
metric_for_people (const char *name,
                   double      value)
{
  static const char * const shares[] = { "precision", "recall", "hit", "coverage", NULL };
  const char *at = strchr (name, '@');
  g_autofree char *base = at ? g_strndup (name, at - name) : g_strdup (name);

  if (isnan (value))
    return g_strdup ("-");
  if (g_strv_contains (shares, base))
    return sd_format_percent (value, 1);
  if (g_str_equal (base, "novelty"))
    {
      g_autofree char *bits = sd_format_decimal (value, 2);
      /* TRANSLATORS: novelty of recommendations, in bits of self-information */
      return g_strdup_printf (_("%s bits"), bits);
    }
  return sd_format_decimal (value, 3);
}

/* "ndcg@10" as the tables head it: "NDCG@10", "hit rate@10". */
static char *
metric_label (const char *name)
{
  static const struct { const char *key, *label; } labels[] = {
    { "precision", N_("precision") }, { "recall", N_("recall") }, { "ndcg", N_("NDCG") },
    { "hit", N_("hit rate") }, { "map", N_("MAP") }, { "coverage", N_("coverage") },
    { "novelty", N_("novelty") }, { "diversity", N_("diversity") },
  };
  const char *at = strchr (name, '@');
  g_autofree char *base = at ? g_strndup (name, at - name) : g_strdup (name);

  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_str_equal (base, labels[i].key))
      return g_strconcat (_(labels[i].label), at ? at : "", NULL);
  return g_strdup (name);
}

/* Seconds as a person reads them: "0.04 s" ("0,04 s"). */
static char *
seconds_for_people (double seconds)
{
  g_autofree char *number = sd_format_decimal (seconds, 2);
  /* TRANSLATORS: a duration in seconds, "0.04 s" */
  return g_strdup_printf (_("%s s"), number);
}

static gboolean
check_metric (const char *metric)
{
  static const char * const at_k[] = { "precision", "recall", "ndcg", "hit", "map", NULL };
  const char *at = metric ? strchr (metric, '@') : NULL;
  g_autofree char *name = at ? g_strndup (metric, at - metric) : NULL;
  guint64 k;

  if (metric == NULL ||
      g_strv_contains ((const char * const[]) { "coverage", "diversity", "novelty", NULL }, metric) ||
      (at && g_strv_contains (at_k, name) && g_ascii_string_to_unsigned (at + 1, 10, 1, 1000, &k, NULL)))
    return TRUE;
  fprintf (stderr, _("shopdesk-cli tune: unknown metric “%s”; use e.g. ndcg@10, recall@20, precision@10, "
           "hit@10, map@10 (K from 1 to 1000)\n"), metric);
  return FALSE;
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

/* Rows of CSV for stdout: text fields quoted (as this command has always written them),
 * numbers without the locale. The header is written plain before them. */
static SdCsvWriter *
csv_rows_new (GString *out)
{
  SdCsvWriter *csv = sd_csv_writer_new (out);

  sd_csv_writer_set_quote_all (csv, TRUE);
  return csv;
}

/* ---- eval ---------------------------------------------------------------------------- */

typedef struct {
  SdSplit    split;
  SdCatalog *catalog;
  char     **segments;   /* per dense user, or NULL */
} EvalData;

static void
eval_data_clear (EvalData *d)
{
  if (d->segments && d->split.train)
    sd_eval_segments_free (d->segments, d->split.train->n_users);
  d->segments = NULL;
  sd_split_clear (&d->split);
  g_clear_pointer (&d->catalog, sd_catalog_unref);
}

/* MovieLens users by u.user's gender, age band or occupation. */
static char **
movielens_segments (const char      *users_path,
                    SdInteractions  *train,
                    const char      *by,
                    GError         **error)
{
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  int field;
  char **labels;

  if (g_strcmp0 (by, "gender") == 0)
    field = 2;
  else if (g_strcmp0 (by, "age") == 0)
    field = 1;
  else if (g_strcmp0 (by, "occupation") == 0)
    field = 3;
  else
    {
      g_set_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT,
                   _("MovieLens users can be grouped by gender, age or occupation, not “%s”"), by);
      return NULL;
    }
  if (!users_path)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("--segment-by needs u.user beside the training file"));
      return NULL;
    }
  if (!g_file_get_contents (users_path, &contents, NULL, error))
    return NULL;
  labels = g_new0 (char *, (gsize) train->n_users + 1);
  lines = g_strsplit (contents, "\n", -1);
  for (guint l = 0; lines[l]; l++)
    {
      g_auto(GStrv) f = g_strsplit (lines[l], "|", -1);
      gint64 id, age;
      int u;
      if (g_strv_length (f) < 4 || !g_ascii_string_to_signed (f[0], 10, 0, G_MAXINT64, &id, NULL))
        continue;
      if ((u = sd_interactions_user_index (train, id)) < 0)
        continue;
      if (field == 1 && g_ascii_string_to_signed (f[1], 10, 0, 200, &age, NULL))
        labels[u] = g_strdup (age < 25 ? "under 25" : age < 35 ? "25-34" : age < 50 ? "35-49" : "50+");
      else if (field != 1)
        labels[u] = g_strdup (f[field]);
    }
  return labels;
}

/* The store id → external id of every row of @table. */
static GHashTable *
external_of (SdStore *store, SdStoreKeyed table, GError **error)
{
  g_autoptr(GHashTable) by_ext = sd_store_ids_by_external (store, table, error);
  GHashTable *by_id;
  GHashTableIter iter;
  gpointer ext, id;

  if (by_ext == NULL)
    return NULL;
  by_id = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);
  g_hash_table_iter_init (&iter, by_ext);
  while (g_hash_table_iter_next (&iter, &ext, &id))
    g_hash_table_insert (by_id, g_memdup2 (id, sizeof (gint64)), g_strdup (ext));
  return by_id;
}

/* Each file imported into its own throw-away shop, the test side mapped onto the training
 * side's customers and products by their external ids. */
static gboolean
import_pair (const char                  *train_path,
             const char                  *test_path,
             SdImportFormat               format,
             const SdInteractionWeights  *weights,
             EvalData                    *d,
             GError                     **error)
{
  g_autofree char *dir = g_dir_make_tmp ("shopdesk-eval-XXXXXX", error);
  g_autofree char *train_db = NULL;
  g_autofree char *test_db = NULL;
  g_autoptr(SdStore) train_store = NULL;
  g_autoptr(SdStore) test_store = NULL;
  g_autoptr(SdInteractions) test = NULL;
  g_autoptr(GHashTable) train_customers = NULL;   /* external id → id */
  g_autoptr(GHashTable) train_products = NULL;
  g_autoptr(GHashTable) test_customers = NULL;    /* id → external id */
  g_autoptr(GHashTable) test_products = NULL;
  SdImportOptions options = { format, FALSE };
  SdInteractionsBuilder *builder;
  gboolean ok = FALSE;

  if (!dir)
    return FALSE;
  train_db = g_build_filename (dir, "train.sqlite", NULL);
  test_db = g_build_filename (dir, "test.sqlite", NULL);
  if (!(train_store = sd_store_open (train_db, error)) || !(test_store = sd_store_open (test_db, error)))
    goto out;
  {
    g_autoptr(SdImportReport) a = sd_import_file (train_store, train_path, &options, NULL, NULL, NULL, error);
    if (!a)
      goto out;
  }
  {
    g_autoptr(SdImportReport) b = sd_import_file (test_store, test_path, &options, NULL, NULL, NULL, error);
    if (!b)
      goto out;
  }
  if (!(d->split.train = sd_interactions_from_store (train_store, weights, NULL, error)) ||
      !(d->catalog = sd_catalog_from_store (train_store, d->split.train, NULL, error)) ||
      !(test = sd_interactions_from_store (test_store, weights, NULL, error)))
    goto out;

  if (!(train_customers = sd_store_ids_by_external (train_store, SD_STORE_CUSTOMERS, error)) ||
      !(train_products = sd_store_ids_by_external (train_store, SD_STORE_PRODUCTS, error)) ||
      !(test_customers = external_of (test_store, SD_STORE_CUSTOMERS, error)) ||
      !(test_products = external_of (test_store, SD_STORE_PRODUCTS, error)))
    goto out;

  builder = sd_interactions_builder_new ();
  for (guint u = 0; u < test->n_users; u++)
    {
      const char *cust = g_hash_table_lookup (test_customers, &test->user_ids[u]);
      gint64 *train_u = cust ? g_hash_table_lookup (train_customers, cust) : NULL;
      for (gsize k = test->indptr[u]; k < test->indptr[u + 1]; k++)
        {
          const char *prod = g_hash_table_lookup (test_products, &test->item_ids[test->indices[k]]);
          gint64 *train_i = prod ? g_hash_table_lookup (train_products, prod) : NULL;
          /* -1 ids are in no matrix, so the aligned build drops and counts them. */
          sd_interactions_builder_add (builder, train_u ? *train_u : -1, train_i ? *train_i : -1,
                                       test->values[k], test->times[k]);
        }
    }
  d->split.test = sd_interactions_builder_build_aligned (builder, d->split.train, &d->split.n_dropped);
  ok = TRUE;

out:
  g_clear_object (&train_store);
  g_clear_object (&test_store);
  if (train_db)
    {
      const char *suffixes[] = { "", "-wal", "-shm" };
      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *a = g_strconcat (train_db, suffixes[i], NULL);
          g_autofree char *b = g_strconcat (test_db, suffixes[i], NULL);
          g_remove (a);
          g_remove (b);
        }
    }
  g_rmdir (dir);
  return ok;
}

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
  g_autofree char *split_kind = NULL;
  g_autofree char *segment_by = NULL;
  int min_rating = 4;
  int k = 10;
  int seed = 1;
  int threads = 2;
  double ratio = 0.2;
  gboolean json = FALSE, csv = FALSE;
  GOptionEntry entries[] = {
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name, N_("The model to train"), "NAME" },
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &params, N_("A hyperparameter (repeatable)"), "KEY=VALUE" },
    { "threads", 0, 0, G_OPTION_ARG_INT, &threads, N_("Threads scoring users (default 2)"), "N" },
    { "train", 0, 0, G_OPTION_ARG_FILENAME, &train_path, N_("Training interactions (without: the shop, split)"), "FILE" },
    { "test", 0, 0, G_OPTION_ARG_FILENAME, &test_path, N_("Held-out interactions"), "FILE" },
    { "items", 0, 0, G_OPTION_ARG_FILENAME, &items_path, N_("The item list (MovieLens u.item; default: beside --train)"), "FILE" },
    { "format", 'f', 0, G_OPTION_ARG_STRING, &format, N_("File format: movielens (default) or any importer format (online-retail, events, …)"), "FORMAT" },
    { "positive-min-rating", 0, 0, G_OPTION_ARG_INT, &min_rating, N_("Ratings from this up are positives (default 4)"), "N" },
    { "k", 'k', 0, G_OPTION_ARG_INT, &k, N_("List length for precision, NDCG, … (default 10; 20 is always added)"), "K" },
    { "split", 0, 0, G_OPTION_ARG_STRING, &split_kind, N_("Without --train: holdout (default) or last"), "KIND" },
    { "ratio", 0, 0, G_OPTION_ARG_DOUBLE, &ratio, N_("Without --train: share of each customer's items held out (default 0.2)"), "R" },
    { "seed", 0, 0, G_OPTION_ARG_INT, &seed, N_("Seed of the holdout split (default 1)"), "S" },
    { "segment-by", 0, 0, G_OPTION_ARG_STRING, &segment_by, N_("Metrics per group: country, segment, taste-group (shop); gender, age, occupation (MovieLens)"), "WHAT" },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("Print CSV: a header and one row per group (eval) or trial (tune)"), NULL },
    { NULL }
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRecommender) model = NULL;
  g_autoptr(SdEvalResult) result = NULL;
  EvalData d = { { NULL } };
  SdImportFormat import_format = SD_IMPORT_MOVIELENS;
  SdInteractionWeights weights;
  guint ks[3];
  guint n_ks = 0;
  SdEvalOptions options = { NULL };
  const char *source;
  int status = SD_EXIT_FAILED;

  if (!sd_cli_parse ("eval", _("train on one file (or part of the shop), evaluate on the rest over the full catalogue"),
                     entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (!train_path != !test_path)
    {
      fprintf (stderr, _("shopdesk-cli eval: give both --train FILE and --test FILE, or neither (to split the shop)\n"));
      return SD_EXIT_USAGE;
    }
  if (k < 1 || k > 1000)
    {
      fprintf (stderr, _("shopdesk-cli eval: --k must be between 1 and 1000, got %d\n"), k);
      return SD_EXIT_USAGE;
    }
  if (threads < 1 || threads > 64)
    {
      fprintf (stderr, _("shopdesk-cli eval: --threads must be between 1 and 64, got %d\n"), threads);
      return SD_EXIT_USAGE;
    }
  if (!(ratio > 0.0 && ratio < 1.0) || seed < 0)
    {
      fprintf (stderr, _("shopdesk-cli eval: --ratio must be between 0 and 1 and --seed not negative\n"));
      return SD_EXIT_USAGE;
    }
  if (split_kind && strcmp (split_kind, "holdout") != 0 && strcmp (split_kind, "last") != 0)
    {
      fprintf (stderr, _("shopdesk-cli eval: --split is holdout or last, not “%s”\n"), split_kind);
      return SD_EXIT_USAGE;
    }
  if (format && !sd_import_format_from_string (format, &import_format))
    {
      fprintf (stderr, _("shopdesk-cli eval: unknown format “%s”; use movielens or an importer format "
               "(see shopdesk-cli import --help)\n"), format);
      return SD_EXIT_USAGE;
    }
  if (!(model = new_model ("eval", model_name, params)))
    return SD_EXIT_USAGE;
  cap_blas_threads ();
  sd_interactions_weights_default (&weights);
  weights.positive_min_rating = min_rating;

  if (train_path && import_format == SD_IMPORT_MOVIELENS)
    {
      g_autofree char *users_path = sibling_file (train_path, "u.user");
      source = "movielens files";
      if (!items_path)
        items_path = sibling_file (train_path, "u.item");
      if (!sd_split_read_movielens (train_path, test_path, items_path, min_rating, &d.split, &error))
        goto fail;
      if (items_path)
        d.catalog = sd_movielens_read_catalog (items_path, d.split.train, NULL);
      if (segment_by && !(d.segments = movielens_segments (users_path, d.split.train, segment_by, &error)))
        goto fail;
    }
  else if (train_path)
    {
      source = "imported files";
      if (segment_by)
        {
          fprintf (stderr, _("shopdesk-cli eval: --segment-by works on the shop and on MovieLens files\n"));
          return SD_EXIT_USAGE;
        }
      if (!import_pair (train_path, test_path, import_format, &weights, &d, &error))
        goto fail;
    }
  else
    {
      g_autoptr(SdStore) store = sd_cli_open_store (global);
      g_autoptr(SdInteractions) all = NULL;
      if (!store)
        return SD_EXIT_FAILED;
      source = "the shop";
      if (!(all = sd_interactions_from_store (store, &weights, NULL, &error)))
        goto fail;
      if (split_kind && strcmp (split_kind, "last") == 0)
        sd_split_leave_last_out (all, &d.split);
      else
        sd_split_random_holdout (all, ratio, (guint32) seed, &d.split);
      if (!(d.catalog = sd_catalog_from_store (store, d.split.train, NULL, &error)))
        goto fail;
      if (segment_by && !(d.segments = sd_eval_segments_from_store (store, d.split.train, segment_by, &error)))
        goto fail;
    }
  if (d.catalog)
    sd_recommender_set_catalog (model, d.catalog);
  if (d.split.test->nnz == 0)
    {
      fprintf (stderr, _("shopdesk-cli eval: no test customer has a positive item (ratings count from %d up); "
               "there is nothing to evaluate\n"), min_rating);
      goto fail;
    }

  if (!fit_with_progress (model, d.split.train, &error))
    goto fail;

  ks[n_ks++] = (guint) k;
  if (k != 10)
    ks[n_ks++] = 10;
  if (k != 20)
    ks[n_ks++] = 20;
  options.ks = ks;
  options.n_ks = n_ks;
  options.list_k = (guint) k;
  options.user_segments = (const char * const *) d.segments;
  options.n_threads = (guint) threads;
  if (!(result = sd_eval_run (model, d.split.test, &options, &error)))
    goto fail;
  if (result->overall.n_users == 0)
    {
      fprintf (stderr, _("shopdesk-cli eval: no test customer is also in the training data; "
               "there is nothing to evaluate\n"));
      goto fail;
    }

  if (json)
    {
      g_autofree char *p = sd_recommender_params_to_json (model);
      g_autoptr(SdJsonWriter) w = sd_json_writer_new ();

      sd_json_writer_begin_object (w);
      sd_json_writer_member_string (w, "model", sd_recommender_get_name (model));
      sd_json_writer_key (w, "params");
      sd_json_writer_raw (w, p);
      sd_json_writer_member_string (w, "data", source);
      sd_eval_result_write_json (result, w);
      sd_json_writer_member_fixed (w, "train_seconds", sd_recommender_get_fit_seconds (model), 3);
      sd_json_writer_member_fixed (w, "eval_seconds", result->seconds, 3);
      sd_json_writer_member_int (w, "n_users", d.split.train->n_users);
      sd_json_writer_member_int (w, "n_items", d.split.train->n_items);
      sd_json_writer_member_int (w, "train_cells", d.split.train->nnz);
      sd_json_writer_member_int (w, "test_cells", d.split.test->nnz);
      sd_json_writer_member_int (w, "test_cells_dropped", d.split.n_dropped);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  else if (csv)
    {
      static const char * const names[] = { "precision", "recall", "ndcg", "hit", "map" };
      printf ("group,users");
      for (guint c = 0; c < result->overall.n_ks; c++)
        for (guint n = 0; n < G_N_ELEMENTS (names); n++)
          printf (",%s@%u", names[n], result->overall.at[c].k);
      printf (",coverage,novelty,diversity\n");
      g_autoptr(GString) out = g_string_new (NULL);
      g_autoptr(SdCsvWriter) rows = csv_rows_new (out);

      for (guint s = 0; s <= result->segments->len; s++)
        {
          const SdEvalSegment *seg = s ? g_ptr_array_index (result->segments, s - 1) : NULL;
          const SdEvalMetrics *gm = seg ? &seg->metrics : &result->overall;
          sd_csv_writer_add_string (rows, seg ? seg->label : "all");
          sd_csv_writer_add_int (rows, gm->n_users);
          for (guint c = 0; c < gm->n_ks; c++)
            for (guint n = 0; n < G_N_ELEMENTS (names); n++)
              {
                g_autofree char *key = g_strdup_printf ("%s@%u", names[n], gm->at[c].k);
                sd_csv_writer_add_double (rows, "%.6f", sd_eval_metrics_get (gm, key));
              }
          sd_csv_writer_add_double (rows, "%.6f", gm->coverage);
          sd_csv_writer_add_double (rows, "%.6f", gm->novelty);
          sd_csv_writer_add_double (rows, "%.6f", gm->diversity);
          sd_csv_writer_end_row (rows);
        }
      fputs (out->str, stdout);
    }
  else
    {
      static const char * const columns[] = { "precision", "recall", "ndcg", "hit", "map" };
      const SdEvalMetrics *m = &result->overall;
      g_autofree char *p = sd_recommender_params_to_json (model);
      g_autofree char *users = sd_format_count (m->n_users);
      g_autofree char *items = sd_format_count (d.split.train->n_items);
      g_autofree char *fit = seconds_for_people (sd_recommender_get_fit_seconds (model));
      g_autofree char *scoring = seconds_for_people (result->seconds);
      g_autofree char *group = sd_cli_pad (_("group"), 16);
      /* TRANSLATORS: a column of eval's table: the length of the list the metrics are of */
      g_autofree char *top = sd_cli_column (_("top"), -5);
      g_autofree char *coverage = metric_for_people ("coverage", m->coverage);
      g_autofree char *novelty = metric_for_people ("novelty", m->novelty);
      g_autofree char *diversity = metric_for_people ("diversity", m->diversity);
      g_autofree char *median = sd_format_decimal (result->latency_median_ms, 3);
      g_autofree char *p99 = sd_format_decimal (result->latency_p99_ms, 3);

      printf (_("%s %s on %s\n"), sd_recommender_get_label (model), p, source_text (source));
      printf (g_dngettext (GETTEXT_PACKAGE, "%s customer evaluated over %s products; trained in %s, evaluated in %s\n",
                           "%s customers evaluated over %s products; trained in %s, evaluated in %s\n", m->n_users),
              users, items, fit, scoring);
      printf ("%s %s", group, top);
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        {
          g_autofree char *label = metric_label (columns[c]);
          g_autofree char *cell = sd_cli_column (label, -10);
          printf (" %s", cell);
        }
      printf ("\n");
      for (guint s = 0; s <= result->segments->len; s++)
        {
          const SdEvalSegment *seg = s ? g_ptr_array_index (result->segments, s - 1) : NULL;
          const SdEvalMetrics *gm = seg ? &seg->metrics : m;
          g_autofree char *label = seg ? sd_cli_printable (seg->label) : g_strdup (_("all"));
          g_autofree char *label_col = sd_cli_pad (label, 16);

          for (guint c = 0; c < gm->n_ks; c++)
            {
              double values[] = { gm->at[c].precision, gm->at[c].recall, gm->at[c].ndcg, gm->at[c].hit, gm->at[c].map };

              printf ("%s %5u", label_col, gm->at[c].k);
              for (guint v = 0; v < G_N_ELEMENTS (values); v++)
                {
                  g_autofree char *value = metric_for_people (columns[v], values[v]);
                  g_autofree char *cell = sd_cli_column (value, -10);
                  printf (" %s", cell);
                }
              printf ("\n");
            }
        }
      /* TRANSLATORS: eval's figures over the whole catalogue: "the top 10 lists cover 90.8 % of
       * the catalogue; novelty 4.98 bits, diversity 0.844" */
      printf (_("the top %u lists cover %s of the catalogue; novelty %s, diversity %s\n"), result->list_k,
              coverage, novelty, diversity);
      printf (_("a top %u for one customer takes %s ms (median), %s ms (99th percentile)\n"), result->list_k,
              median, p99);
    }
  status = SD_EXIT_OK;

fail:
  if (error)
    sd_cli_print_error ("eval", error);
  eval_data_clear (&d);
  return status;
}

/* ---- train --------------------------------------------------------------------------- */

static void
on_job_progress (SdJob      *job,
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
  cap_blas_threads ();

  options->db_path = path;
  if (!(job = sd_train_job_new (options, &error)))
    {
      sd_cli_print_error ("train", error);
      return SD_EXIT_USAGE;
    }
  if (rank == 0)
    {
      g_signal_connect (job, "notify::fraction", G_CALLBACK (on_job_progress), NULL);
      g_signal_connect (job, "notify::text", G_CALLBACK (on_job_progress), NULL);
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

/* ---- recommend, similar -------------------------------------------------------------- */

/* The stored model of that name when it fits the shop as it is, else a fresh fit
 * (*@model_id 0: it is stored nowhere). */
static SdRecommender *
get_model (const char      *command,
           SdStore         *store,
           const char      *name,
           char           **params,
           SdInteractions  *train,
           SdCatalog       *catalog,
           gboolean         retrain,
           const char     **source,
           gint64          *model_id)
{
  g_autoptr(SdRecommender) model = NULL;
  g_autoptr(GError) error = NULL;

  *model_id = 0;
  if (!retrain && !params)
    {
      model = sd_model_store_load (store, name, train, model_id, &error);
      if (model)
        {
          *source = "stored";
          sd_recommender_set_catalog (model, catalog);
          return g_steal_pointer (&model);
        }
      if (!g_error_matches (error, SD_ERROR, SD_ERROR_NOT_FOUND))
        {
          g_autofree char *message = sd_cli_printable (error->message);
          fprintf (stderr, _("shopdesk-cli %s: %s; training one now\n"), command, message);
        }
      g_clear_error (&error);
    }
  if (!(model = new_model (command, name, params)))
    return NULL;
  sd_recommender_set_catalog (model, catalog);
  cap_blas_threads ();
  if (!fit_with_progress (model, train, &error))
    {
      sd_cli_print_error (command, error);
      return NULL;
    }
  *source = "trained";
  return g_steal_pointer (&model);
}

/* The live model of @purpose bound to the shop as it is; NULL when none is live, or after
 * saying why the live one cannot be used (the caller then uses its default). */
static SdRecommender *
load_live (SdStore         *store,
           SdModelPurpose   purpose,
           SdInteractions  *train,
           SdCatalog       *catalog,
           gint64          *model_id,
           const char     **source)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRecommender) model = sd_model_store_load_live (store, purpose, train, model_id, &error);

  if (model == NULL)
    {
      if (g_error_matches (error, SD_ERROR, SD_ERROR_NOT_FOUND))
        {
          *model_id = 0;
          return NULL;
        }
      /* A live model that no longer fits the shop is worth knowing about, not hiding. */
      g_autofree char *message = sd_cli_printable (error->message);
      fprintf (stderr, _("shopdesk-cli: the live model cannot answer: %s; using the default model\n"), message);
      *model_id = 0;
      return NULL;
    }
  *source = "live";
  sd_recommender_set_catalog (model, catalog);
  return g_steal_pointer (&model);
}

/* Which model answered, for --json: its name, the stored row (null: trained just now) and
 * where it came from ("live", "stored", "trained"). */
static void
write_model_source (SdJsonWriter  *w,
                    SdRecommender *model,
                    gint64         model_id,
                    const char    *source)
{
  sd_json_writer_member_string (w, "model", sd_recommender_get_base_name (model));
  sd_cli_json_member_id (w, "model_id", model_id);
  sd_json_writer_member_string (w, "source", source);
  /* A re-ranking saved with the live model serves with it (shopdesk-cli fairness save). */
  if (SD_IS_RERANKED (model))
    {
      g_autofree char *spec = sd_rerank_spec_to_string (sd_reranked_get_spec (SD_RERANKED (model)));
      sd_json_writer_member_string (w, "rerank", spec);
    }
}

/* FALSE when every item gets the same score: the model cannot tell items apart for
 * this customer. */
static gboolean
has_opinion (SdRecommender *model,
             guint          user,
             guint          n_items)
{
  g_autofree float *scores = g_new (float, MAX (n_items, 1));

  sd_recommender_score (model, user, scores);
  for (guint i = 1; i < n_items; i++)
    if (scores[i] != scores[0])
      return TRUE;
  return FALSE;
}

int
sd_cli_recommend (SdCliGlobal  *global,
                  int           argc,
                  char        **argv)
{
  g_autofree char *customer = NULL;
  g_autofree char *model_name = NULL;
  g_autofree char *boost = NULL;
  g_autofree char *bury = NULL;
  g_auto(GStrv) params = NULL;
  int n = 10;
  gboolean json = FALSE, csv = FALSE, include_seen = FALSE, in_stock = FALSE, retrain = FALSE;
  GOptionEntry entries[] = {
    { "customer", 'c', 0, G_OPTION_ARG_STRING, &customer, N_("The customer (external id or store id)"), "ID" },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name, N_("The model (default: the live one, else ease; itemknn for catalogues too large for it)"), "NAME" },
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &params, N_("Train afresh with this hyperparameter (repeatable)"), "KEY=VALUE" },
    { "n", 'n', 0, G_OPTION_ARG_INT, &n, N_("How many items (default 10)"), "N" },
    { "include-seen", 0, 0, G_OPTION_ARG_NONE, &include_seen, N_("Keep items the customer already has"), NULL },
    { "in-stock", 0, 0, G_OPTION_ARG_NONE, &in_stock, N_("Leave out items that are out of stock"), NULL },
    { "boost", 0, 0, G_OPTION_ARG_STRING, &boost, N_("Raise items of this category"), "CATEGORY" },
    { "bury", 0, 0, G_OPTION_ARG_STRING, &bury, N_("Lower items of this category"), "CATEGORY" },
    { "retrain", 0, 0, G_OPTION_ARG_NONE, &retrain, N_("Train now even when a stored model exists"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("Print CSV"), NULL },
    { NULL }
  };
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdCustomerProfile) profile = NULL;
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(SdRecommender) model = NULL;
  g_autoptr(SdRecommender) fallback = NULL;
  g_autoptr(GArray) top = NULL;
  g_autoptr(GError) error = NULL;
  SdRecFilter filter = { 0 };
  const char *source = NULL;
  g_autoptr(GHashTable) category_names = NULL;
  SdRecommender *used;
  gint64 model_id = 0;
  int u;
  guint history;

  if (!sd_cli_parse ("recommend", _("the best products for a customer, with reasons"), entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (!customer)
    {
      fprintf (stderr, _("shopdesk-cli recommend: --customer ID is required\n"));
      return SD_EXIT_USAGE;
    }
  if (n < 1 || n > 1000)
    {
      fprintf (stderr, _("shopdesk-cli recommend: -n must be between 1 and 1000, got %d\n"), n);
      return SD_EXIT_USAGE;
    }
  if (!check_model ("recommend", model_name ? model_name : "ease", params))
    return SD_EXIT_USAGE;
  if (!(store = sd_cli_open_store (global)))
    return SD_EXIT_FAILED;
  /* The customer as the Recommendations page finds and shows them. */
  {
    gint64 customer_id = sd_store_find_customer (store, customer, &error);

    if (customer_id >= 0)
      profile = sd_customer_profile_load (store, customer_id, 0, &error);
    if (g_error_matches (error, SD_ERROR, SD_ERROR_NOT_FOUND))
      {
        g_autofree char *who = sd_cli_printable (customer);
        g_autofree char *shop = sd_cli_printable (sd_store_get_path (store));
        fprintf (stderr, _("shopdesk-cli recommend: no customer “%s” in %s\n"), who, shop);
        return SD_EXIT_FAILED;
      }
    if (profile == NULL)
      {
        sd_cli_print_error ("recommend", error);
        return SD_EXIT_FAILED;
      }
  }
  if (!(train = sd_interactions_from_store (store, NULL, NULL, &error)) ||
      !(catalog = sd_catalog_from_store (store, train, NULL, &error)))
    {
      sd_cli_print_error ("recommend", error);
      return SD_EXIT_FAILED;
    }
  u = sd_interactions_user_index (train, profile->id);
  g_assert (u >= 0);
  /* Without --model: the live model, else EASE, or item kNN when the catalogue is too
   * large for EASE. */
  if (!model_name && !params && !retrain)
    model = load_live (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, train, catalog, &model_id, &source);
  if (!model_name && sd_ease_memory_needed (train->n_items) > ((guint64) 4 << 30))
    model_name = g_strdup ("itemknn");
  if (model == NULL &&
      !(model = get_model ("recommend", store, model_name ? model_name : "ease", params,
                           train, catalog, retrain, &source, &model_id)))
    return SD_EXIT_FAILED;

  history = (guint) (train->indptr[u + 1] - train->indptr[u]);
  used = model;
  if (!has_opinion (model, (guint) u, train->n_items))
    {
      /* The model has nothing to go on (a newcomer, for a collaborative model): what most
       * customers take. Models with their own cold-start answer (hybrid, content) keep it. */
      fallback = sd_recommender_new ("popularity", NULL);
      sd_recommender_set_catalog (fallback, catalog);
      sd_recommender_fit (fallback, train, NULL, NULL);
      used = fallback;
      source = history ? "popularity (the model has no opinion)" : "popularity (no history)";
    }

  filter.exclude_seen = !include_seen;
  filter.exclude_out_of_stock = in_stock;
  filter.boost_category = boost;
  filter.bury_category = bury;
  filter.boost = 0.5;
  top = sd_recommender_recommend (used, (guint) u, (guint) n, &filter);

  g_autoptr(SdJsonWriter) w = json ? sd_json_writer_new () : NULL;
  if (json)
    {
      sd_json_writer_begin_object (w);
      sd_json_writer_key (w, "customer");
      sd_json_writer_begin_object (w);
      sd_json_writer_member_int (w, "id", profile->id);
      sd_json_writer_member_int (w, "history", history);
      sd_json_writer_end_object (w);
      write_model_source (w, model, model_id, source);
      sd_json_writer_key (w, "items");
      sd_json_writer_begin_array (w);
    }
  else if (csv)
    printf ("rank,product_id,external_id,title,category,score,reasons\n");
  else
    {
      g_autofree char *who = sd_cli_printable (customer);
      printf (_("Customer %s (%u items in their history), %s model (%s):\n"), who, history,
              sd_recommender_get_label (model), source_text (source));
    }

  if (!json && !csv)
    category_names = sd_product_text_categories (store);
  for (guint r = 0; r < top->len; r++)
    {
      SdScoredItem *s = &g_array_index (top, SdScoredItem, r);
      SdCatalogItem *item = &catalog->items[s->item];
      g_autoptr(GPtrArray) why = sd_recommender_explain (used, (guint) u, s->item, 3);
      g_autoptr(GString) reasons = g_string_new (NULL);

      if (json)
        {
          sd_json_writer_begin_object (w);
          sd_json_writer_member_int (w, "rank", r + 1);
          sd_json_writer_member_int (w, "product_id", item->id);
          sd_json_writer_member_string (w, "external_id", item->external_id ? item->external_id : "");
          sd_json_writer_member_string (w, "title", item->title ? item->title : "");
          sd_json_writer_member_string (w, "category", item->category ? item->category : "");
          sd_json_writer_member_float (w, "score", s->score);
          sd_json_writer_key (w, "reasons");
          sd_json_writer_begin_array (w);
          for (guint k = 0; k < why->len; k++)
            {
              g_autofree char *text = sd_reason_describe (g_ptr_array_index (why, k), catalog);
              sd_json_writer_string (w, text);
            }
          sd_json_writer_end_array (w);
          /* The figures behind the sentences, for whoever wants the model's own measure. */
          sd_json_writer_key (w, "explanations");
          sd_json_writer_begin_array (w);
          for (guint k = 0; k < why->len; k++)
            {
              const SdReason *reason = g_ptr_array_index (why, k);

              sd_json_writer_begin_object (w);
              sd_json_writer_member_string (w, "kind", sd_reason_kind_name (reason->kind));
              if (reason->item < catalog->n_items)
                {
                  sd_json_writer_member_int (w, "product_id", catalog->items[reason->item].id);
                  sd_json_writer_member_string (w, "external_id", catalog->items[reason->item].external_id
                                                ? catalog->items[reason->item].external_id : "");
                }
              sd_json_writer_member_float (w, "weight", reason->weight);
              sd_json_writer_member_float (w, "share", reason->share);
              if (reason->kind == SD_REASON_SIMILAR_USERS || reason->kind == SD_REASON_POPULAR)
                sd_json_writer_member_int (w, "customers", reason->count);
              sd_json_writer_end_object (w);
            }
          sd_json_writer_end_array (w);
          sd_json_writer_end_object (w);
          continue;
        }
      /* --json above keeps every reason beside its figures; a person reads the weighty ones. */
      sd_reasons_for_people (why);
      for (guint w = 0; w < why->len; w++)
        {
          g_autofree char *text = sd_reason_describe (g_ptr_array_index (why, w), catalog);
          g_string_append_printf (reasons, "%s%s", w ? "; " : "", text);
        }
      if (csv)
        {
          g_autoptr(GString) out = g_string_new (NULL);
          g_autoptr(SdCsvWriter) row = csv_rows_new (out);

          sd_csv_writer_add_int (row, r + 1);
          sd_csv_writer_add_int (row, item->id);
          sd_csv_writer_add_string (row, item->external_id ? item->external_id : "");
          sd_csv_writer_add_string (row, item->title ? item->title : "");
          sd_csv_writer_add_string (row, item->category ? item->category : "");
          sd_csv_writer_add_double (row, "%.6g", s->score);
          sd_csv_writer_add_string (row, reasons->str);
          sd_csv_writer_end_row (row);
          fputs (out->str, stdout);
        }
      else
        {
          g_autofree char *title = shown_title (store, item);
          g_autofree char *category = sd_cli_printable (sd_product_text_category (category_names, item->category));
          g_autofree char *because = sd_cli_printable (reasons->str);
          g_autofree char *title_col = sd_cli_pad (title, 40);
          g_autofree char *category_col = sd_cli_pad (category, 14);
          printf ("%3u. %s %s %8.4f  %s\n", r + 1, title_col, category_col, s->score, because);
        }
    }
  if (json)
    {
      sd_json_writer_end_array (w);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  return SD_EXIT_OK;
}

int
sd_cli_similar (SdCliGlobal  *global,
                int           argc,
                char        **argv)
{
  g_autofree char *product = NULL;
  g_autofree char *model_name = NULL;
  g_auto(GStrv) params = NULL;
  int n = 10;
  gboolean json = FALSE, csv = FALSE, retrain = FALSE;
  GOptionEntry entries[] = {
    { "product", 0, 0, G_OPTION_ARG_STRING, &product, N_("The product (external id or store id)"), "ID" },
    { "model", 'm', 0, G_OPTION_ARG_STRING, &model_name, N_("The model (default: the live one, else itemknn)"), "NAME" },
    { "param", 'p', 0, G_OPTION_ARG_STRING_ARRAY, &params, N_("Train item-kNN afresh with this hyperparameter"), "KEY=VALUE" },
    { "n", 'n', 0, G_OPTION_ARG_INT, &n, N_("How many items (default 10)"), "N" },
    { "retrain", 0, 0, G_OPTION_ARG_NONE, &retrain, N_("Train now even when a stored model exists"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json, N_("Print one JSON object"), NULL },
    { "csv", 0, 0, G_OPTION_ARG_NONE, &csv, N_("Print CSV"), NULL },
    { NULL }
  };
  g_autoptr(SdStore) store = NULL;
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(SdRecommender) model = NULL;
  g_autoptr(GArray) similar = NULL;
  g_autoptr(GError) error = NULL;
  const char *source = NULL;
  g_autoptr(GHashTable) category_names = NULL;
  gint64 product_id, model_id = 0;
  int i;

  if (!sd_cli_parse ("similar", _("products bought by the same customers (item kNN)"), entries, &argc, &argv))
    return SD_EXIT_USAGE;
  if (!product)
    {
      fprintf (stderr, _("shopdesk-cli similar: --product ID is required\n"));
      return SD_EXIT_USAGE;
    }
  if (n < 1 || n > 1000)
    {
      fprintf (stderr, _("shopdesk-cli similar: -n must be between 1 and 1000, got %d\n"), n);
      return SD_EXIT_USAGE;
    }
  if (!check_model ("similar", model_name ? model_name : "itemknn", params))
    return SD_EXIT_USAGE;
  if (!(store = sd_cli_open_store (global)))
    return SD_EXIT_FAILED;
  product_id = sd_store_find_product (store, product, NULL);
  if (product_id < 0)
    {
      g_autofree char *what = sd_cli_printable (product);
      g_autofree char *shop = sd_cli_printable (sd_store_get_path (store));
      fprintf (stderr, _("shopdesk-cli similar: no product “%s” in %s\n"), what, shop);
      return SD_EXIT_FAILED;
    }
  if (!(train = sd_interactions_from_store (store, NULL, NULL, &error)) ||
      !(catalog = sd_catalog_from_store (store, train, NULL, &error)))
    {
      sd_cli_print_error ("similar", error);
      return SD_EXIT_FAILED;
    }
  i = sd_interactions_item_index (train, product_id);
  /* Without --model: the live recommender, else item kNN. */
  if (!model_name && !params && !retrain)
    model = load_live (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, train, catalog, &model_id, &source);
  if (model == NULL &&
      !(model = get_model ("similar", store, model_name ? model_name : "itemknn", params, train,
                           catalog, retrain, &source, &model_id)))
    return SD_EXIT_FAILED;
  if (i < 0)
    similar = g_array_new (FALSE, FALSE, sizeof (SdScoredItem));
  else if (SD_IS_ITEM_KNN (model))
    similar = sd_item_knn_similar (SD_ITEM_KNN (model), (guint) i, (guint) n);
  else if (SD_IS_CONTENT (model))
    similar = sd_content_similar_items (SD_CONTENT (model), (guint) i, (guint) n);
  else
    similar = sd_recommender_similar_by_holders (model, (guint) i, (guint) n, 500);

  g_autoptr(SdJsonWriter) w = json ? sd_json_writer_new () : NULL;
  if (json)
    {
      sd_json_writer_begin_object (w);
      sd_json_writer_key (w, "product");
      sd_json_writer_begin_object (w);
      sd_json_writer_member_int (w, "id", product_id);
      sd_json_writer_member_string (w, "title", catalog->items[i].title ? catalog->items[i].title : "");
      sd_json_writer_end_object (w);
      write_model_source (w, model, model_id, source);
      sd_json_writer_key (w, "items");
      sd_json_writer_begin_array (w);
    }
  else if (csv)
    printf ("rank,product_id,external_id,title,category,similarity\n");
  else
    {
      g_autofree char *title = shown_title (store, &catalog->items[i]);
      printf (_("Products most like “%s” (%s, %s):\n"), title, sd_recommender_get_label (model),
              source_text (source));
    }
  if (!json && !csv)
    category_names = sd_product_text_categories (store);
  for (guint r = 0; r < similar->len; r++)
    {
      SdScoredItem *s = &g_array_index (similar, SdScoredItem, r);
      SdCatalogItem *item = &catalog->items[s->item];
      if (json)
        {
          sd_json_writer_begin_object (w);
          sd_json_writer_member_int (w, "rank", r + 1);
          sd_json_writer_member_int (w, "product_id", item->id);
          sd_json_writer_member_string (w, "external_id", item->external_id ? item->external_id : "");
          sd_json_writer_member_string (w, "title", item->title ? item->title : "");
          sd_json_writer_member_string (w, "category", item->category ? item->category : "");
          sd_json_writer_member_fixed (w, "similarity", s->score, 4);
          sd_json_writer_end_object (w);
        }
      else if (csv)
        {
          g_autoptr(GString) out = g_string_new (NULL);
          g_autoptr(SdCsvWriter) row = csv_rows_new (out);

          sd_csv_writer_add_int (row, r + 1);
          sd_csv_writer_add_int (row, item->id);
          sd_csv_writer_add_string (row, item->external_id ? item->external_id : "");
          sd_csv_writer_add_string (row, item->title ? item->title : "");
          sd_csv_writer_add_string (row, item->category ? item->category : "");
          sd_csv_writer_add_double (row, "%.4f", s->score);
          sd_csv_writer_end_row (row);
          fputs (out->str, stdout);
        }
      else
        {
          g_autofree char *title = shown_title (store, item);
          g_autofree char *category = sd_cli_printable (sd_product_text_category (category_names, item->category));
          g_autofree char *title_col = sd_cli_pad (title, 40);
          g_autofree char *category_col = sd_cli_pad (category, 14);
          g_autofree char *alike = NULL;

          /* A similarity as the product window says it; a score outside 0…1 (a model
           * without a similarity of its own) as the figure it is. */
          if (s->score >= 0 && s->score <= 1)
            {
              g_autofree char *share = sd_format_share (s->score);
              /* TRANSLATORS: how alike two products are, "32 % alike" */
              alike = g_strdup_printf (_("%s alike"), share);
            }
          else
            {
              g_autofree char *score = sd_format_decimal (s->score, 3);
              /* TRANSLATORS: a similar product's score from a model without a similarity in 0…1 */
              alike = g_strdup_printf (_("score %s"), score);
            }
          printf ("%3u. %s %s %s\n", r + 1, title_col, category_col, alike);
        }
    }
  if (json)
    {
      sd_json_writer_end_array (w);
      sd_json_writer_end_object (w);
      sd_cli_print_json (g_steal_pointer (&w));
    }
  return SD_EXIT_OK;
}

/* ---- tune ---------------------------------------------------------------------------- */

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
  if (!check_model ("tune", model_name, fixed) || !check_grid (model_name, grid) ||
      !check_metric (metric))
    return SD_EXIT_USAGE;
  cap_blas_threads ();

  if (train_path)
    {
      SdSplit split = { NULL };
      if (!items_path)
        items_path = sibling_file (train_path, "u.item");
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
  g_signal_connect (job, "notify::fraction", G_CALLBACK (on_job_progress), NULL);
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
      g_autoptr(SdCsvWriter) rows = csv_rows_new (out);

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
      g_autofree char *metric = metric_label (result->metric);
      g_autofree char *best_value = metric_for_people (result->metric, best->value);
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
          g_autofree char *value = metric_for_people (result->metric, trial->value);
          g_autofree char *value_col = sd_cli_column (value, -10);
          g_autofree char *seconds = seconds_for_people (trial->fit_seconds);

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
