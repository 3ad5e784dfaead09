/* test-recommender.c — the model base class: registry, parameters, filters, top-N,
 * save/load, epoch reports; and the popularity baseline */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sd-error.h"
#include "sd-recommender.h"

/* ---- a model with one parameter of each kind, to test the base class ------------------ */

typedef enum { SHAPE_ROUND, SHAPE_SQUARE } Shape;

#define TEST_TYPE_MODEL (test_model_get_type ())
G_DECLARE_FINAL_TYPE (TestModel, test_model, TEST, MODEL, SdRecommender)

struct _TestModel
{
  SdRecommender parent_instance;
  int      factors;
  double   reg;
  gboolean flag;
  Shape    shape;
  int      epochs;
};

G_DEFINE_FINAL_TYPE (TestModel, test_model, SD_TYPE_RECOMMENDER)

enum { PROP_0, PROP_FACTORS, PROP_REG, PROP_FLAG, PROP_SHAPE, N_PROPS };

static GType
shape_get_type (void)
{
  static GType type;
  static const GEnumValue values[] = {
    { SHAPE_ROUND, "SHAPE_ROUND", "round" },
    { SHAPE_SQUARE, "SHAPE_SQUARE", "square" },
    { 0, NULL, NULL }
  };
  if (!type)
    type = g_enum_register_static ("TestShape", values);
  return type;
}

static void
test_model_get_property (GObject *object, guint id, GValue *value, GParamSpec *pspec)
{
  TestModel *self = TEST_MODEL (object);
  switch (id)
    {
    case PROP_FACTORS: g_value_set_int (value, self->factors); break;
    case PROP_REG: g_value_set_double (value, self->reg); break;
    case PROP_FLAG: g_value_set_boolean (value, self->flag); break;
    case PROP_SHAPE: g_value_set_enum (value, self->shape); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static void
test_model_set_property (GObject *object, guint id, const GValue *value, GParamSpec *pspec)
{
  TestModel *self = TEST_MODEL (object);
  switch (id)
    {
    case PROP_FACTORS: self->factors = g_value_get_int (value); break;
    case PROP_REG: self->reg = g_value_get_double (value); break;
    case PROP_FLAG: self->flag = g_value_get_boolean (value); break;
    case PROP_SHAPE: self->shape = g_value_get_enum (value); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, id, pspec);
    }
}

static gboolean
test_model_fit (SdRecommender *model, SdInteractions *train, const SdFitContext *context, GError **error)
{
  TestModel *self = TEST_MODEL (model);
  for (int e = 1; e <= self->epochs; e++)
    if (!sd_recommender_report_epoch (model, context, e, self->epochs, 1.0 / e, error))
      return FALSE;
  return TRUE;
}

static void
test_model_score (SdRecommender *model, guint user, float *scores)
{
  SdInteractions *train = sd_recommender_get_train (model);
  for (guint i = 0; i < train->n_items; i++)
    scores[i] = (float) i;
}

static void
test_model_class_init (TestModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  SdRecommenderClass *rec = SD_RECOMMENDER_CLASS (klass);
  GParamSpec *props[N_PROPS] = { NULL };

  object_class->get_property = test_model_get_property;
  object_class->set_property = test_model_set_property;
  rec->name = "test";
  rec->label = "Test";
  rec->fit = test_model_fit;
  rec->score = test_model_score;

  props[PROP_FACTORS] = g_param_spec_int ("factors", NULL, NULL, 1, 512, 64,
                                          G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  props[PROP_REG] = g_param_spec_double ("reg", NULL, NULL, 0.0, 10.0, 0.05,
                                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  props[PROP_FLAG] = g_param_spec_boolean ("use-flag", NULL, NULL, FALSE,
                                           G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  props[PROP_SHAPE] = g_param_spec_enum ("shape", NULL, NULL, shape_get_type (), SHAPE_ROUND,
                                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);
}

static void
test_model_init (TestModel *self)
{
  self->factors = 64;
  self->reg = 0.05;
  self->epochs = 3;
}

/* ---- helpers --------------------------------------------------------------------------- */

/* 4 users × 5 items; item 2 is the most popular (3 users), then 0 (2 users). */
static SdInteractions *
toy_matrix (void)
{
  SdInteractionsBuilder *b = sd_interactions_builder_new ();
  sd_interactions_builder_add (b, 0, 2, 1, 0);
  sd_interactions_builder_add (b, 1, 2, 1, 0);
  sd_interactions_builder_add (b, 2, 2, 1, 0);
  sd_interactions_builder_add (b, 0, 0, 1, 0);
  sd_interactions_builder_add (b, 1, 0, 1, 0);
  sd_interactions_builder_add (b, 3, 1, 1, 0);
  sd_interactions_builder_add (b, 2, 3, 1, 0);
  sd_interactions_builder_add_item (b, 4);
  return sd_interactions_builder_build (b);
}

/* ---- tests ----------------------------------------------------------------------------- */

static void
test_registry (void)
{
  const char **names = sd_recommender_list_names ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRecommender) model = NULL;
  gboolean found = FALSE;

  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(SdRecommender) m = sd_recommender_new (names[i], &error);
      g_assert_no_error (error);
      g_assert_cmpstr (sd_recommender_get_name (m), ==, names[i]);
      g_assert_nonnull (sd_recommender_get_label (m));
      found |= strcmp (names[i], "popularity") == 0;
    }
  g_assert_true (found);

  model = sd_recommender_new ("nonsense", &error);
  g_assert_null (model);
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "nonsense"));
  g_assert_nonnull (strstr (error->message, "popularity"));
}

static void
expect_refused (SdRecommender *m, const char *key, const char *value, const char *message)
{
  g_autoptr(GError) error = NULL;
  g_assert_false (sd_recommender_set_param (m, key, value, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  if (g_test_verbose ())
    g_printerr ("%s=%s → %s\n", key, value, error->message);
  g_assert_nonnull (strstr (error->message, message));
}

static void
test_params (void)
{
  g_autoptr(SdRecommender) m = g_object_new (TEST_TYPE_MODEL, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;

  expect_refused (m, "factors", "0", "factors must be between 1 and 512, got 0");
  expect_refused (m, "factors", "513", "between 1 and 512");
  expect_refused (m, "factors", "99999999999", "between 1 and 512");
  expect_refused (m, "factors", "ten", "factors must be a whole number");
  expect_refused (m, "reg", "-1", "reg must be between 0 and 10, got -1");
  expect_refused (m, "reg", "nan", "reg must be a number");
  expect_refused (m, "use_flag", "maybe", "true or false");
  expect_refused (m, "shape", "oval", "shape must be one of round, square");
  expect_refused (m, "colour", "red", "no parameter “colour”");
  g_assert_cmpint (TEST_MODEL (m)->factors, ==, 64);   /* refusals change nothing */

  g_assert_true (sd_recommender_set_param (m, "factors", "32", &error));
  g_assert_true (sd_recommender_set_param (m, "reg", "0.125", &error));
  g_assert_true (sd_recommender_set_param (m, "use_flag", "true", &error));
  g_assert_true (sd_recommender_set_param (m, "shape", "square", &error));
  g_assert_no_error (error);
  json = sd_recommender_params_to_json (m);
  g_assert_cmpstr (json, ==, "{\"factors\":32,\"reg\":0.125,\"use-flag\":true,\"shape\":\"square\"}");
}

static void
test_top_n (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  const guint n_items = 1000;
  g_autofree float *scores = g_new (float, n_items);
  g_autoptr(GArray) top = NULL;
  guint n_above;

  for (guint i = 0; i < n_items; i++)
    scores[i] = (float) g_rand_int_range (rand, 0, 200);   /* many ties */
  scores[5] = -INFINITY;
  scores[6] = NAN;
  top = sd_top_n (scores, n_items, 25);
  g_assert_cmpuint (top->len, ==, 25);
  for (guint k = 1; k < top->len; k++)
    {
      SdScoredItem *a = &g_array_index (top, SdScoredItem, k - 1);
      SdScoredItem *b = &g_array_index (top, SdScoredItem, k);
      g_assert_true (a->score > b->score || (a->score == b->score && a->item < b->item));
    }
  /* Nothing outside the list beats its last entry. */
  {
    SdScoredItem *last = &g_array_index (top, SdScoredItem, top->len - 1);
    n_above = 0;
    for (guint i = 0; i < n_items; i++)
      if (scores[i] > last->score || (scores[i] == last->score && i <= last->item))
        n_above++;
    g_assert_cmpuint (n_above, ==, 25);
  }
  g_array_unref (top);

  top = sd_top_n (scores, 7, 100);
  g_assert_cmpuint (top->len, ==, 5);   /* -inf and NaN skipped */
}

static void
test_popularity (void)
{
  g_autoptr(SdInteractions) train = toy_matrix ();
  g_autoptr(GError) error = NULL;
  g_autoptr(SdRecommender) m = sd_recommender_new ("popularity", &error);
  g_autoptr(GArray) top = NULL;
  g_autoptr(GPtrArray) why = NULL;
  g_autofree char *text = NULL;
  SdRecFilter keep_seen = { .exclude_seen = FALSE };

  g_assert_false (sd_recommender_is_fitted (m));
  g_assert_true (sd_recommender_fit (m, train, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (sd_recommender_is_fitted (m));
  g_assert_cmpfloat (sd_recommender_get_fit_seconds (m), >=, 0.0);

  /* user 3 has item 1: the rest by popularity, 2 (3) then 0 (2) then 3 (1) then 4 (0) */
  top = sd_recommender_recommend (m, 3, 10, NULL);
  g_assert_cmpuint (top->len, ==, 4);
  g_assert_cmpuint (g_array_index (top, SdScoredItem, 0).item, ==, 2);
  g_assert_cmpuint (g_array_index (top, SdScoredItem, 1).item, ==, 0);
  g_assert_cmpuint (g_array_index (top, SdScoredItem, 2).item, ==, 1 + 2);
  g_assert_cmpuint (g_array_index (top, SdScoredItem, 3).item, ==, 4);
  g_array_unref (g_steal_pointer (&top));

  top = sd_recommender_recommend (m, 0, 2, &keep_seen);
  g_assert_cmpuint (g_array_index (top, SdScoredItem, 0).item, ==, 2);
  g_assert_cmpuint (g_array_index (top, SdScoredItem, 1).item, ==, 0);

  why = sd_recommender_explain (m, 3, 2, 3);
  g_assert_cmpuint (why->len, ==, 1);
  text = sd_reason_describe (g_ptr_array_index (why, 0), NULL);
  g_assert_cmpstr (text, ==, "popular: bought by 3 customers");
}

static void
test_filters (void)
{
  g_autoptr(SdInteractions) train = toy_matrix ();
  g_autoptr(SdCatalog) catalog = sd_catalog_new (train->n_items);
  g_autoptr(SdRecommender) m = sd_recommender_new ("popularity", NULL);
  g_autoptr(GArray) top = NULL;
  SdRecFilter filter = { .exclude_seen = TRUE, .exclude_out_of_stock = TRUE };

  for (guint i = 0; i < catalog->n_items; i++)
    {
      catalog->items[i].title = g_strdup_printf ("Item %u", i);
      catalog->items[i].category = g_strdup (i % 2 ? "odd" : "even");
    }
  catalog->items[2].stock = 0;      /* the most popular is sold out */
  catalog->items[0].stock = 5;
  sd_recommender_set_catalog (m, catalog);
  g_assert_true (sd_recommender_fit (m, train, NULL, NULL));

  top = sd_recommender_recommend (m, 3, 10, &filter);
  g_assert_cmpuint (top->len, ==, 3);
  g_assert_cmpuint (g_array_index (top, SdScoredItem, 0).item, ==, 0);
  g_array_unref (g_steal_pointer (&top));

  /* Boosting "odd" lifts item 3 (count 1) over item 0 (count 2) with a full-range boost. */
  filter.boost_category = "odd";
  filter.boost = 1.0;
  top = sd_recommender_recommend (m, 3, 10, &filter);
  g_assert_cmpuint (g_array_index (top, SdScoredItem, 0).item, ==, 3);
  g_array_unref (g_steal_pointer (&top));

  /* Burying "even" sends items 0 and 4 to the end. */
  filter.boost_category = NULL;
  filter.bury_category = "even";
  filter.exclude_out_of_stock = FALSE;
  top = sd_recommender_recommend (m, 3, 10, &filter);
  g_assert_cmpuint (g_array_index (top, SdScoredItem, 0).item, ==, 3);
  g_assert_cmpuint (g_array_index (top, SdScoredItem, top->len - 1).item, ==, 4);
}

static void
test_save_load (void)
{
  g_autoptr(SdInteractions) train = toy_matrix ();
  g_autoptr(SdInteractions) other = NULL;
  g_autoptr(SdRecommender) m = sd_recommender_new ("popularity", NULL);
  g_autoptr(SdRecommender) back = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GBytes) cut = NULL;
  g_autoptr(GError) error = NULL;
  float a[5], b[5];

  g_assert_true (sd_recommender_fit (m, train, NULL, NULL));
  blob = sd_recommender_save (m);
  back = sd_recommender_load (blob, train, &error);
  g_assert_no_error (error);
  g_assert_true (sd_recommender_is_fitted (back));
  g_assert_cmpstr (sd_recommender_get_name (back), ==, "popularity");
  sd_recommender_score (m, 1, a);
  sd_recommender_score (back, 1, b);
  g_assert_cmpmem (a, sizeof a, b, sizeof b);

  /* A different shop shape, a truncated blob and garbage are refused with messages. */
  {
    SdInteractionsBuilder *bld = sd_interactions_builder_new ();
    sd_interactions_builder_add (bld, 1, 1, 1, 0);
    other = sd_interactions_builder_build (bld);
  }
  g_assert_null (sd_recommender_load (blob, other, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_INVALID_INPUT);
  g_assert_nonnull (strstr (error->message, "train it again"));
  g_clear_error (&error);

  cut = g_bytes_new_from_bytes (blob, 0, g_bytes_get_size (blob) - 3);
  g_assert_null (sd_recommender_load (cut, train, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT);
  g_clear_error (&error);
  g_bytes_unref (cut);
  cut = g_bytes_new_static ("hello world", 11);
  g_assert_null (sd_recommender_load (cut, train, &error));
  g_assert_error (error, SD_ERROR, SD_ERROR_WRONG_FORMAT);
}

typedef struct {
  int    calls;
  int    last_epoch;
  GCancellable *cancel_after;
  int    cancel_at;
} EpochLog;

static void
epoch_cb (SdRecommender *model, int epoch, double loss, gpointer user_data)
{
  EpochLog *log = user_data;
  float scores[5];

  g_assert_true (sd_recommender_is_fitted (model));
  sd_recommender_score (model, 0, scores);    /* scoring mid-fit is allowed */
  g_assert_cmpfloat_with_epsilon (loss, 1.0 / epoch, 1e-12);
  log->calls++;
  log->last_epoch = epoch;
  if (log->cancel_after && epoch == log->cancel_at)
    g_cancellable_cancel (log->cancel_after);
}

typedef struct {
  SdRecommender  *model;
  SdInteractions *train;
  EpochLog       *log;
} FitWork;

static gboolean
fit_job (SdJob *job, gpointer data, GCancellable *cancellable, GError **error)
{
  FitWork *work = data;
  SdFitContext ctx = { job, cancellable, epoch_cb, work->log };
  return sd_recommender_fit (work->model, work->train, &ctx, error);
}

static void
test_epochs (void)
{
  g_autoptr(SdInteractions) train = toy_matrix ();
  g_autoptr(SdRecommender) m = g_object_new (TEST_TYPE_MODEL, NULL);
  g_autoptr(GError) error = NULL;
  EpochLog log = { 0 };
  FitWork work = { m, train, &log };
  g_autoptr(SdJob) job = sd_job_new ("fit", fit_job, &work, NULL);
  g_autoptr(SdJob) job2 = NULL;
  GArray *points;

  g_assert_true (sd_job_run_sync (job, &error));
  g_assert_no_error (error);
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpint (log.calls, ==, 3);
  points = sd_job_get_points (job);
  g_assert_cmpuint (points->len, ==, 3);
  g_assert_cmpstr (g_array_index (points, SdMetricPoint, 2).name, ==, "loss");
  g_assert_cmpint (g_array_index (points, SdMetricPoint, 2).step, ==, 3);
  g_assert_cmpfloat_with_epsilon (sd_job_get_fraction (job), 1.0, 1e-9);

  /* Cancelled after epoch 2: the fit stops there and the model is not usable. */
  job2 = sd_job_new ("fit", fit_job, &work, NULL);
  log = (EpochLog) { 0 };
  log.cancel_after = sd_job_get_cancellable (job2);
  log.cancel_at = 2;
  g_assert_false (sd_job_run_sync (job2, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpint (log.last_epoch, ==, 2);
  g_assert_false (sd_recommender_is_fitted (m));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static SdReason *
share_reason (guint  item,
              double share)
{
  SdReason *r = g_new0 (SdReason, 1);

  r->kind = SD_REASON_FACTOR;
  r->item = item;
  r->weight = share * 10;
  r->share = share;
  return r;
}

/* A person reads the weighty reasons first, and not a "2 %" one behind them. */
static void
test_reasons_for_people (void)
{
  g_autoptr(GPtrArray) why = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_reason_free);
  g_autoptr(GPtrArray) small = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_reason_free);
  g_autoptr(GPtrArray) mixed = g_ptr_array_new_with_free_func ((GDestroyNotify) sd_reason_free);
  SdReason *users = g_new0 (SdReason, 1);

  g_ptr_array_add (why, share_reason (1, 0.02));
  g_ptr_array_add (why, share_reason (2, 0.55));
  g_ptr_array_add (why, share_reason (3, 0.2));
  sd_reasons_for_people (why);
  g_assert_cmpuint (why->len, ==, 2);
  g_assert_cmpuint (((SdReason *) g_ptr_array_index (why, 0))->item, ==, 2);
  g_assert_cmpuint (((SdReason *) g_ptr_array_index (why, 1))->item, ==, 3);

  /* a history spread thin still gives its biggest part */
  g_ptr_array_add (small, share_reason (4, 0.03));
  g_ptr_array_add (small, share_reason (5, 0.04));
  sd_reasons_for_people (small);
  g_assert_cmpuint (small->len, ==, 1);
  g_assert_cmpuint (((SdReason *) g_ptr_array_index (small, 0))->item, ==, 5);

  /* reasons without a share are all kept, in the model's order */
  users->kind = SD_REASON_SIMILAR_USERS;
  users->item = G_MAXUINT;
  users->count = 4;
  g_ptr_array_add (mixed, share_reason (6, 0.01));
  g_ptr_array_add (mixed, users);
  sd_reasons_for_people (mixed);
  g_assert_cmpuint (mixed->len, ==, 2);
  g_assert_cmpuint (((SdReason *) g_ptr_array_index (mixed, 0))->item, ==, 6);
}

/* Every model says what it does in words a shop manager reads (the Training page and the
 * Recommendations page's picker show it), each its own, and none by an algorithm's name. */
static void
test_summaries (void)
{
  const char **names = sd_recommender_list_names ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  static const char *const jargon[] = { "ALS", "BPR", "EASE", "kNN", "TF-IDF", "cosine", "factor", NULL };

  for (guint i = 0; names[i]; i++)
    {
      g_autoptr(SdRecommender) model = sd_recommender_new (names[i], NULL);
      const char *summary = sd_recommender_get_summary (model);

      g_assert_nonnull (summary);
      g_assert_cmpuint (strlen (summary), >, 40);
      g_assert_true (g_hash_table_add (seen, (gpointer) summary));
      for (guint j = 0; jargon[j]; j++)
        g_assert_null (strstr (summary, jargon[j]));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/recommender/registry", test_registry);
  g_test_add_func ("/recommender/summaries", test_summaries);
  g_test_add_func ("/recommender/params", test_params);
  g_test_add_func ("/recommender/top-n", test_top_n);
  g_test_add_func ("/recommender/reasons-for-people", test_reasons_for_people);
  g_test_add_func ("/recommender/popularity", test_popularity);
  g_test_add_func ("/recommender/filters", test_filters);
  g_test_add_func ("/recommender/save-load", test_save_load);
  g_test_add_func ("/recommender/epochs", test_epochs);
  return g_test_run ();
}
