/* sd-cli-recommend.c — `shopdesk-cli recommend | similar`, and what the recommendation
 * commands share: the models by name, their metrics in words, training with progress */
#include "config.h"

#include <cblas.h>
#include <math.h>

#include "sd-cli-recommend-private.h"
#include "sd-content.h"
#include "sd-customer-profile.h"
#include "sd-ease.h"
#include "sd-error.h"
#include "sd-item-knn.h"
#include "sd-model-store.h"
#include "sd-number-format.h"
#include "sd-product-text.h"
#include "sd-rerank.h"
#include "sd-tune.h"

/* Two cores on the machine class: BLAS may use both, as the CLI has no main loop to keep free. */
/* Where a model or data came from, for people: the --json "source" stays as it is. */
const char *
sd_cli_source_text (const char *source)
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

void
sd_cli_cap_blas_threads (void)
{
  if (!g_getenv ("OPENBLAS_NUM_THREADS"))
    openblas_set_num_threads (2);
}

SdRecommender *
sd_cli_new_model (const char  *command,
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
gboolean
sd_cli_check_model (const char  *command,
                    const char  *name,
                    char       **params)
{
  g_autoptr(SdRecommender) model = sd_cli_new_model (command, name, params);

  return model != NULL;
}

/* Each value of a --grid entry (or of the model's own grid) must be one the model takes. */
gboolean
sd_cli_check_grid (const char  *name,
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

          if (!sd_cli_check_model ("tune", name, one))
            return FALSE;
        }
    }
  return TRUE;
}

/* A metric as a person reads it, in the user's marks: a share of a list, of the held-out
 * items or of the catalogue as a percentage ("7.9 %"), NDCG, MAP and diversity as a
 * fraction ("0.160"), novelty in bits. --json and --csv keep the raw figure. */
char *
sd_cli_metric_for_people (const char *name,
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
char *
sd_cli_metric_label (const char *name)
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
char *
sd_cli_seconds_for_people (double seconds)
{
  g_autofree char *number = sd_format_decimal (seconds, 2);
  /* TRANSLATORS: a duration in seconds, "0.04 s" */
  return g_strdup_printf (_("%s s"), number);
}

gboolean
sd_cli_check_metric (const char *metric)
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
gboolean
sd_cli_fit_with_progress (SdRecommender   *model,
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

char *
sd_cli_sibling_file (const char *path,
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
SdCsvWriter *
sd_cli_csv_rows_new (GString *out)
{
  SdCsvWriter *csv = sd_csv_writer_new (out);

  sd_csv_writer_set_quote_all (csv, TRUE);
  return csv;
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
  if (!(model = sd_cli_new_model (command, name, params)))
    return NULL;
  sd_recommender_set_catalog (model, catalog);
  sd_cli_cap_blas_threads ();
  if (!sd_cli_fit_with_progress (model, train, &error))
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
  if (!sd_cli_check_model ("recommend", model_name ? model_name : "ease", params))
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
              sd_recommender_get_label (model), sd_cli_source_text (source));
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
          g_autoptr(SdCsvWriter) row = sd_cli_csv_rows_new (out);

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
  if (!sd_cli_check_model ("similar", model_name ? model_name : "itemknn", params))
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
              sd_cli_source_text (source));
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
          g_autoptr(SdCsvWriter) row = sd_cli_csv_rows_new (out);

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
