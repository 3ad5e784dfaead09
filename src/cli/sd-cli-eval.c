/* sd-cli-eval.c — `shopdesk-cli eval`: a model trained on one part of the data and measured on
 * another, or a shop's models compared */
#include "config.h"

#include <glib/gstdio.h>

#include "sd-cli-recommend-private.h"
#include "sd-error.h"
#include "sd-eval.h"
#include "sd-import.h"
#include "sd-number-format.h"
#include "sd-split.h"

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
  if (!(model = sd_cli_new_model ("eval", model_name, params)))
    return SD_EXIT_USAGE;
  sd_cli_cap_blas_threads ();
  sd_interactions_weights_default (&weights);
  weights.positive_min_rating = min_rating;

  if (train_path && import_format == SD_IMPORT_MOVIELENS)
    {
      g_autofree char *users_path = sd_cli_sibling_file (train_path, "u.user");
      source = "movielens files";
      if (!items_path)
        items_path = sd_cli_sibling_file (train_path, "u.item");
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

  if (!sd_cli_fit_with_progress (model, d.split.train, &error))
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
      g_autoptr(SdCsvWriter) rows = sd_cli_csv_rows_new (out);

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
      g_autofree char *fit = sd_cli_seconds_for_people (sd_recommender_get_fit_seconds (model));
      g_autofree char *scoring = sd_cli_seconds_for_people (result->seconds);
      g_autofree char *group = sd_cli_pad (_("group"), 16);
      /* TRANSLATORS: a column of eval's table: the length of the list the metrics are of */
      g_autofree char *top = sd_cli_column (_("top"), -5);
      g_autofree char *coverage = sd_cli_metric_for_people ("coverage", m->coverage);
      g_autofree char *novelty = sd_cli_metric_for_people ("novelty", m->novelty);
      g_autofree char *diversity = sd_cli_metric_for_people ("diversity", m->diversity);
      g_autofree char *median = sd_format_decimal (result->latency_median_ms, 3);
      g_autofree char *p99 = sd_format_decimal (result->latency_p99_ms, 3);

      printf (_("%s %s on %s\n"), sd_recommender_get_label (model), p, sd_cli_source_text (source));
      printf (g_dngettext (GETTEXT_PACKAGE, "%s customer evaluated over %s products; trained in %s, evaluated in %s\n",
                           "%s customers evaluated over %s products; trained in %s, evaluated in %s\n", m->n_users),
              users, items, fit, scoring);
      printf ("%s %s", group, top);
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        {
          g_autofree char *label = sd_cli_metric_label (columns[c]);
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
                  g_autofree char *value = sd_cli_metric_for_people (columns[v], values[v]);
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
