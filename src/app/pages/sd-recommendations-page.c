/* sd-recommendations-page.c — one customer, their offers and their recommendations
 *
 * The page writes no SQL: it asks the core's questions (src/core/queries) and draws the
 * answers. On the main thread it asks only the capped ones (the stored models, the
 * categories); the customer search runs in a thread and the most active customers in a
 * job, each on a connection of its own. A "view" job (ViewWork) loads the customer's
 * profile (sd_customer_profile_load) through its own connection, loads
 * what is missing into the shop's cache (the interaction matrix and catalogue, each stored
 * model asked for, the coupon engine's facts and rules), applies the coupon rules and
 * ranks the items; the main thread only builds rows from its result. The cache is shared
 * by jobs under its mutex and thrown away when the shop changes, so the first customer of
 * a shop pays for the loading and the next ones, or a changed filter, take milliseconds.
 */
#include "config.h"

#include <glib/gi18n.h>
#include <math.h>
#include <string.h>

#include "sd-chart-time.h"
#include "sd-content.h"
#include "sd-csv.h"
#include "sd-coupon-engine.h"
#include "sd-coupon-interest.h"
#include "sd-coupon-store.h"
#include "sd-customer-facts.h"
#include "sd-customer-privacy.h"
#include "sd-customer-profile.h"
#include "sd-customer-query.h"
#include "sd-error.h"
#include "sd-format.h"
#include "sd-item-knn.h"
#include "sd-model-query.h"
#include "sd-model-store.h"
#include "sd-product-query.h"
#include "sd-product-text.h"
#include "sd-recommendations-page.h"
#include "sd-shop-summary.h"
#include "sd-recommender.h"
#include "sd-train-job.h"
#include "sd-page-host.h"
#include "sd-list-rows.h"

#define N_HISTORY     12
#define N_SUGGESTIONS 20
#define N_SIMILAR     8
#define N_CATEGORIES  200
#define BOOST         0.5

/* The picker's name for the live model: "live:" and its algorithm. */
#define LIVE_PREFIX "live:"

/* Models offered first when several are stored: the blends and the strongest first. */
static const char *const model_preference[] = {
  "hybrid", "ease", "als", "bpr", "itemknn", "userknn", "content", "popularity",
};

/* ---- The shop's cache, shared by the jobs ------------------------------------------ */

typedef struct {
  gint             ref_count;
  GMutex           lock;          /* held by a job for as long as it reads or fills the cache */
  char            *db_path;
  SdInteractions  *train;
  SdCatalog       *catalog;
  GHashTable      *models;        /* name → SdRecommender *, or NULL when none usable is stored */
  GHashTable      *model_errors;  /* name → why the stored one cannot be used (not "none stored") */
  SdRecommender   *popularity;    /* the fallback, fitted on demand */
  SdRecommender   *similar;       /* stored item-kNN, else a content model fitted here */
  gboolean         has_stock;     /* some product has stock: else the shop does not track it */
  gboolean         has_prices;
  gboolean         has_categories; /* some product has one: else "No category" says nothing */
  SdCustomerFacts *facts;
  SdCouponEngine  *engine;
  char            *coupon_error;
  /* Main thread only: what finished jobs loaded, to tell a quick view from a slow one. */
  gboolean         warm_base;
  gboolean         warm_coupons;
  GHashTable      *warm_models;
} ShopCache;

/* Models that are not stored are kept as NULL, so they are not looked up again. */
static void
unref_model (gpointer model)
{
  if (model)
    g_object_unref (model);
}

static ShopCache *
shop_cache_new (const char *db_path)
{
  ShopCache *cache = g_new0 (ShopCache, 1);

  cache->ref_count = 1;
  g_mutex_init (&cache->lock);
  cache->db_path = g_strdup (db_path);
  cache->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, unref_model);
  cache->model_errors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  cache->warm_models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  return cache;
}

static ShopCache *
shop_cache_ref (ShopCache *cache)
{
  g_atomic_int_inc (&cache->ref_count);
  return cache;
}

static void
shop_cache_unref (ShopCache *cache)
{
  if (cache == NULL || !g_atomic_int_dec_and_test (&cache->ref_count))
    return;
  /* The engine holds the facts (through its interest lookup too): it goes first. */
  g_clear_pointer (&cache->engine, sd_coupon_engine_free);
  g_clear_pointer (&cache->facts, sd_customer_facts_free);
  g_clear_object (&cache->popularity);
  g_clear_object (&cache->similar);
  g_hash_table_unref (cache->models);
  g_hash_table_unref (cache->model_errors);
  g_hash_table_unref (cache->warm_models);
  g_clear_pointer (&cache->catalog, sd_catalog_unref);
  g_clear_pointer (&cache->train, sd_interactions_unref);
  g_mutex_clear (&cache->lock);
  g_free (cache->coupon_error);
  g_free (cache->db_path);
  g_free (cache);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShopCache, shop_cache_unref)

/* Worker side, with the lock held. */
static gboolean
ensure_base (ShopCache     *cache,
             SdStore       *store,
             SdJob         *job,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(SdInteractions) train = NULL;

  if (cache->train)
    return TRUE;
  sd_job_set_progress (job, 0.1, _("Reading the shop's purchases, carts and views…"));
  if (!(train = sd_interactions_from_store (store, NULL, cancellable, error)) ||
      !(cache->catalog = sd_catalog_from_store (store, train, NULL, error)))
    return FALSE;
  cache->train = g_steal_pointer (&train);
  for (guint i = 0; i < cache->catalog->n_items; i++)
    {
      cache->has_stock |= cache->catalog->items[i].stock > 0;
      cache->has_prices |= cache->catalog->items[i].price_cents > 0;
      cache->has_categories |= cache->catalog->items[i].category != NULL;
    }
  return TRUE;
}

/* The stored model @name bound to the shop, or NULL when none is stored or it no longer
 * fits the shop (the reason in model_errors). */
static SdRecommender *
ensure_model (ShopCache  *cache,
              SdStore    *store,
              SdJob      *job,
              const char *name)
{
  g_autoptr(GError) error = NULL;
  gpointer value = NULL;
  SdRecommender *model;

  if (g_hash_table_lookup_extended (cache->models, name, NULL, &value))
    return value;
  {
    g_autofree char *text = g_strdup_printf (_("Loading the stored “%s” model…"), name);
    sd_job_set_progress (job, 0.5, text);
  }
  if (g_str_has_prefix (name, LIVE_PREFIX))
    {
      model = sd_model_store_load_live (store, SD_MODEL_PURPOSE_RECOMMENDATIONS, cache->train, NULL, &error);
      /* Promoted away or rolled back since the picker was filled: the newest of its kind. */
      if (model == NULL && g_error_matches (error, SD_ERROR, SD_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          model = sd_model_store_load (store, name + strlen (LIVE_PREFIX), cache->train, NULL, &error);
        }
    }
  else
    model = sd_model_store_load (store, name, cache->train, NULL, &error);
  if (model)
    sd_recommender_set_catalog (model, cache->catalog);
  else if (!g_error_matches (error, SD_ERROR, SD_ERROR_NOT_FOUND))
    g_hash_table_replace (cache->model_errors, g_strdup (name), g_strdup (error->message));
  g_hash_table_replace (cache->models, g_strdup (name), model);
  return model;
}

static SdRecommender *
ensure_popularity (ShopCache     *cache,
                   GCancellable  *cancellable,
                   GError       **error)
{
  g_autoptr(SdRecommender) model = NULL;
  SdFitContext context = { NULL, cancellable, NULL, NULL };

  if (cache->popularity)
    return cache->popularity;
  model = sd_recommender_new ("popularity", error);
  if (model == NULL)
    return NULL;
  sd_recommender_set_catalog (model, cache->catalog);
  if (!sd_recommender_fit (model, cache->train, &context, error))
    return NULL;
  cache->popularity = g_steal_pointer (&model);
  return cache->popularity;
}

/* A failure here is shown beside the offers, not instead of the whole view; only
 * cancellation stops the job. */
static gboolean
ensure_coupons (ShopCache     *cache,
                SdStore       *store,
                SdJob         *job,
                GCancellable  *cancellable,
                GError       **error)
{
  g_autoptr(GError) local = NULL;
  g_autoptr(SdCustomerFacts) facts = NULL;
  g_autoptr(SdCouponEngine) engine = NULL;

  if (cache->engine || cache->coupon_error)
    return TRUE;
  sd_job_set_progress (job, 0.7, _("Reading the coupon rules and customer facts…"));
  facts = sd_customer_facts_load (store, cancellable, &local);
  if (facts)
    {
      g_autofree char *currency = sd_shop_currency (store);

      engine = sd_coupon_engine_new (facts);
      sd_coupon_engine_set_interest (engine, sd_interest_lookup,
                                     sd_interest_new (cache->db_path, facts),
                                     (GDestroyNotify) sd_interest_free);
      /* "because cart >= £50.00", as the coupons' own amounts read */
      sd_coupon_engine_set_currency (engine, currency);
      if (!sd_coupon_engine_load_rules (engine, store, &local))
        g_clear_pointer (&engine, sd_coupon_engine_free);
    }
  if (engine == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      cache->coupon_error = g_strdup (local->message);
      return TRUE;
    }
  cache->facts = g_steal_pointer (&facts);
  cache->engine = g_steal_pointer (&engine);
  return TRUE;
}

/* ---- One customer's view: computed in a job ---------------------------------------- */

typedef struct {
  gint64  product_id;
  char   *external_id;
  char   *title;
  char   *category;
  gint64  price_cents;
  int     stock;
  float   score;
  char   *explanation;   /* one reason a line */
  char   *explanation_numbers;   /* the model's figures behind each line, for a tooltip */
  guint   item;          /* dense index */
  gboolean common;       /* also in the other column's list */
  guint   other_rank;    /* its rank there (from 1) */
} RecRow;

static void
rec_row_free (RecRow *row)
{
  g_free (row->external_id);
  g_free (row->title);
  g_free (row->category);
  g_free (row->explanation);
  g_free (row->explanation_numbers);
  g_free (row);
}

typedef struct {
  char      *model;      /* asked for */
  char      *label;      /* "ALS (implicit)" */
  char      *note;       /* why another model answers, or NULL */
  gboolean   can_train;  /* the model is missing or stale: offer to train it */
  GPtrArray *rows;       /* RecRow */
} RecList;

typedef struct {
  char     *name;
  char     *reason;
  gint64    discount_cents;
  gboolean  free_shipping;
  gboolean  capped;
} Offer;

static void
offer_free (Offer *offer)
{
  g_free (offer->name);
  g_free (offer->reason);
  g_free (offer);
}

typedef struct {
  /* Asked for */
  ShopCache  *cache;
  gint64      customer_id;
  char       *models[2];
  guint       n_models;
  guint       n;
  gboolean    exclude_bought;
  gboolean    exclude_out_of_stock;
  char       *boost;
  char       *bury;

  /* Found */
  SdCustomerProfile *profile;
  GPtrArray  *offers;        /* Offer */
  char       *offers_error;
  gint64      basket_cents;
  gint64      basket_items;
  gboolean    basket_is_last_order;
  gboolean    has_stock;
  gboolean    has_prices;
  gboolean    has_categories;
  RecList     lists[2];
  guint       overlap;
} ViewWork;

static void
view_work_free (ViewWork *w)
{
  shop_cache_unref (w->cache);
  for (guint i = 0; i < 2; i++)
    {
      g_free (w->models[i]);
      g_free (w->lists[i].model);
      g_free (w->lists[i].label);
      g_free (w->lists[i].note);
      g_clear_pointer (&w->lists[i].rows, g_ptr_array_unref);
    }
  g_free (w->boost);
  g_free (w->bury);
  g_clear_pointer (&w->profile, sd_customer_profile_free);
  g_clear_pointer (&w->offers, g_ptr_array_unref);
  g_free (w->offers_error);
  g_free (w);
}

/* Dense indices of what the customer has (sd_customer_profile_load()'s "bought": bought
 * or reviewed); viewed and carted items stay candidates. With the lock held. */
static GHashTable *
bought_items (ViewWork *w)
{
  GHashTable *bought = g_hash_table_new (NULL, NULL);
  GArray *ids = w->profile->bought;

  for (guint i = 0; i < ids->len; i++)
    {
      int item = sd_interactions_item_index (w->cache->train, g_array_index (ids, gint64, i));
      if (item >= 0)
        g_hash_table_add (bought, GUINT_TO_POINTER ((guint) item));
    }
  return bought;
}

/* FALSE when every item gets the same score: the model cannot tell items apart for this
 * customer (a newcomer, for a collaborative model). */
static gboolean
has_opinion (const float *scores,
             guint        n_items)
{
  for (guint i = 1; i < n_items; i++)
    if (scores[i] != scores[0])
      return TRUE;
  return FALSE;
}

static char *
model_label (const char *name)
{
  gboolean live = g_str_has_prefix (name, LIVE_PREFIX);
  g_autoptr(SdRecommender) model = sd_recommender_new (live ? name + strlen (LIVE_PREFIX) : name, NULL);
  const char *label = model ? _(sd_recommender_get_label (model)) : name;

  /* TRANSLATORS: the model in use for recommendations, in the model picker: "EASE (closed form) — live" */
  return live ? g_strdup_printf (_("%s — live"), label) : g_strdup (label);
}

static gboolean
rank_items (ViewWork      *w,
            guint          column,
            SdStore       *store,
            SdJob         *job,
            GHashTable    *bought,
            GCancellable  *cancellable,
            GError       **error)
{
  ShopCache *cache = w->cache;
  RecList *list = &w->lists[column];
  const char *name = w->models[column];
  SdRecommender *model = ensure_model (cache, store, job, name);
  SdRecommender *used = model;
  SdInteractions *train = cache->train;
  SdRecFilter filter = { 0 };
  g_autofree float *scores = g_new (float, MAX (train->n_items, 1));
  g_autoptr(GArray) top = NULL;
  g_autoptr(GHashTable) category_names = NULL;
  int user = sd_interactions_user_index (train, w->customer_id);

  /* Training from here trains the model's kind; the live one is promoted on the Training page. */
  list->model = g_strdup (g_str_has_prefix (name, LIVE_PREFIX) ? name + strlen (LIVE_PREFIX) : name);
  list->label = model_label (name);
  list->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) rec_row_free);
  /* Popularity is a count, made here in a moment: it needs no stored model. */
  if (model == NULL && g_str_equal (name, "popularity"))
    {
      if (!(used = ensure_popularity (cache, cancellable, error)))
        return FALSE;
    }
  else if (model == NULL)
    {
      const char *why = g_hash_table_lookup (cache->model_errors, name);
      list->can_train = TRUE;
      if (why)
        list->note = g_strdup_printf (_("The stored %s model no longer fits the shop (%s). Until it is trained again, "
                                        "these are the shop's most popular items."), list->label, why);
      else
        list->note = g_strdup_printf (_("No %s model is trained for this shop yet. Until one is, these are the "
                                        "shop's most popular items."), list->label);
      if (!(used = ensure_popularity (cache, cancellable, error)))
        return FALSE;
    }
  if (user < 0 || train->n_items == 0)
    return TRUE;   /* a customer added after the matrix was read: nothing to rank by */

  sd_recommender_score (used, (guint) user, scores);
  if (!has_opinion (scores, train->n_items) && used != cache->popularity)
    {
      g_free (list->note);
      list->note = g_strdup_printf (_("%s cannot tell items apart for this customer (too little history): "
                                      "these are the shop's most popular items."), list->label);
      if (!(used = ensure_popularity (cache, cancellable, error)))
        return FALSE;
      sd_recommender_score (used, (guint) user, scores);
    }

  filter.exclude_seen = FALSE;
  filter.exclude_out_of_stock = w->exclude_out_of_stock;
  filter.boost_category = w->boost;
  filter.bury_category = w->bury;
  filter.boost = BOOST;
  sd_recommender_apply_filter (used, (guint) user, &filter, scores);
  if (w->exclude_bought)
    {
      GHashTableIter iter;
      gpointer key;
      g_hash_table_iter_init (&iter, bought);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        scores[GPOINTER_TO_UINT (key)] = -INFINITY;
    }
  top = sd_top_n (scores, train->n_items, w->n);
  category_names = sd_product_text_categories (store);

  for (guint r = 0; r < top->len; r++)
    {
      SdScoredItem *s = &g_array_index (top, SdScoredItem, r);
      const SdCatalogItem *item = &cache->catalog->items[s->item];
      g_autoptr(GPtrArray) why = sd_recommender_explain (used, (guint) user, s->item, 3);
      GString *text = g_string_new (NULL);
      GString *numbers = g_string_new (NULL);
      RecRow *row = g_new0 (RecRow, 1);

      sd_reasons_for_people (why);
      for (guint k = 0; why && k < why->len; k++)
        {
          g_autofree char *line = sd_reason_describe (g_ptr_array_index (why, k), cache->catalog);
          g_autofree char *figures = sd_reason_describe_numbers (g_ptr_array_index (why, k));
          if (line && *line)
            {
              g_string_append_printf (text, "%s%s", text->len ? "\n" : "", line);
              g_string_append_printf (numbers, "%s• %s", numbers->len ? "\n" : "", figures);
            }
        }
      row->product_id = item->id;
      row->external_id = g_strdup (item->external_id);
      row->title = sd_product_text_title (store, item->id, item->title);
      row->category = g_strdup (sd_product_text_category (category_names, item->category));
      row->price_cents = item->price_cents;
      row->stock = item->stock;
      row->score = s->score;
      row->item = s->item;
      row->explanation = g_string_free (text, FALSE);
      row->explanation_numbers = g_string_free (numbers, FALSE);
      g_ptr_array_add (list->rows, row);
    }
  return TRUE;
}

static void
apply_coupons (ViewWork *w)
{
  ShopCache *cache = w->cache;
  g_autoptr(GPtrArray) applied = NULL;
  int index;

  w->offers = g_ptr_array_new_with_free_func ((GDestroyNotify) offer_free);
  if (cache->engine == NULL)
    {
      w->offers_error = g_strdup (cache->coupon_error);
      return;
    }
  index = sd_customer_facts_find (cache->facts, w->customer_id);
  if (index < 0)
    return;
  /* The basket the discounts are computed on, named as such: the customer's last order
   * (the shop's typical basket for someone who never ordered). */
  {
    g_autoptr(SdCart) cart = sd_coupon_engine_typical_cart (cache->engine, (guint) index);
    w->basket_cents = cart->subtotal_cents;
    w->basket_items = cart->items;
    w->basket_is_last_order = cache->facts->customers[index].basket_len > 0;
  }
  applied = sd_coupon_engine_apply (cache->engine, (guint) index, NULL);
  for (guint i = 0; i < applied->len; i++)
    {
      SdCouponApplication *a = g_ptr_array_index (applied, i);
      Offer *offer = g_new0 (Offer, 1);
      offer->name = g_strdup (a->rule->name);
      offer->reason = g_strdup (a->reason);
      offer->discount_cents = a->discount_cents;
      offer->free_shipping = a->free_shipping;
      offer->capped = a->capped;
      g_ptr_array_add (w->offers, offer);
    }
}

static gboolean
view_job_func (SdJob         *job,
               gpointer       data,
               GCancellable  *cancellable,
               GError       **error)
{
  ViewWork *w = data;
  ShopCache *cache = w->cache;
  g_autoptr(SdStore) store = sd_store_open (cache->db_path, error);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GHashTable) bought = NULL;

  if (store == NULL)
    return FALSE;
  sd_job_set_progress (job, 0.05, _("Reading the customer's history…"));
  if (!(w->profile = sd_customer_profile_load (store, w->customer_id, N_HISTORY, error)))
    return FALSE;

  locker = g_mutex_locker_new (&cache->lock);
  if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !ensure_base (cache, store, job, cancellable, error))
    return FALSE;
  bought = bought_items (w);
  w->has_stock = cache->has_stock;
  w->has_prices = cache->has_prices;
  w->has_categories = cache->has_categories;
  for (guint c = 0; c < w->n_models; c++)
    if (g_cancellable_set_error_if_cancelled (cancellable, error) ||
        !rank_items (w, c, store, job, bought, cancellable, error))
      return FALSE;
  if (w->n_models == 2)
    for (guint a = 0; a < w->lists[0].rows->len; a++)
      {
        RecRow *ra = g_ptr_array_index (w->lists[0].rows, a);
        for (guint b = 0; b < w->lists[1].rows->len; b++)
          {
            RecRow *rb = g_ptr_array_index (w->lists[1].rows, b);
            if (ra->item == rb->item)
              {
                ra->common = rb->common = TRUE;
                ra->other_rank = b + 1;
                rb->other_rank = a + 1;
                w->overlap++;
              }
          }
      }

  if (!ensure_coupons (cache, store, job, cancellable, error))
    return FALSE;
  sd_job_set_progress (job, 0.9, _("Applying the coupon rules…"));
  apply_coupons (w);
  sd_job_set_progress (job, 1.0, NULL);
  return TRUE;
}

/* ---- Similar items: computed in a job ------------------------------------------------ */

typedef struct {
  ShopCache *cache;
  guint      item;
  char      *title;      /* of the item asked about */
  gboolean   by_knn;     /* item-kNN (bought by the same customers), else content */
  gboolean   has_prices;
  gboolean   has_categories;
  GPtrArray *rows;       /* RecRow (score = similarity) */
} SimilarWork;

static void
similar_work_free (SimilarWork *w)
{
  shop_cache_unref (w->cache);
  g_free (w->title);
  g_clear_pointer (&w->rows, g_ptr_array_unref);
  g_free (w);
}

static gboolean
similar_job_func (SdJob         *job,
                  gpointer       data,
                  GCancellable  *cancellable,
                  GError       **error)
{
  SimilarWork *w = data;
  ShopCache *cache = w->cache;
  g_autoptr(SdStore) store = sd_store_open (cache->db_path, error);
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GArray) similar = NULL;
  g_autoptr(GHashTable) category_names = NULL;

  if (store == NULL)
    return FALSE;
  locker = g_mutex_locker_new (&cache->lock);
  if (!ensure_base (cache, store, job, cancellable, error))
    return FALSE;
  if (cache->similar == NULL)
    {
      SdRecommender *knn = ensure_model (cache, store, job, "itemknn");
      if (knn)
        cache->similar = g_object_ref (knn);
      else
        {
          g_autoptr(SdRecommender) content = sd_content_new ();
          SdFitContext context = { job, cancellable, NULL, NULL };

          sd_job_set_progress (job, 0.3, _("Comparing product descriptions…"));
          sd_recommender_set_catalog (content, cache->catalog);
          if (!sd_recommender_fit (content, cache->train, &context, error))
            return FALSE;
          cache->similar = g_steal_pointer (&content);
        }
    }
  if (w->item >= cache->train->n_items)
    return TRUE;
  w->by_knn = SD_IS_ITEM_KNN (cache->similar);
  w->has_prices = cache->has_prices;
  w->has_categories = cache->has_categories;
  similar = w->by_knn ? sd_item_knn_similar (SD_ITEM_KNN (cache->similar), w->item, N_SIMILAR)
                      : sd_content_similar_items (SD_CONTENT (cache->similar), w->item, N_SIMILAR);
  w->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) rec_row_free);
  category_names = sd_product_text_categories (store);
  for (guint i = 0; i < similar->len; i++)
    {
      SdScoredItem *s = &g_array_index (similar, SdScoredItem, i);
      const SdCatalogItem *item = &cache->catalog->items[s->item];
      RecRow *row = g_new0 (RecRow, 1);

      if (s->item == w->item)
        {
          g_free (row);
          continue;
        }
      row->product_id = item->id;
      row->title = sd_product_text_title (store, item->id, item->title);
      row->category = g_strdup (sd_product_text_category (category_names, item->category));
      row->price_cents = item->price_cents;
      row->stock = item->stock;
      row->score = s->score;
      row->item = s->item;
      g_ptr_array_add (w->rows, row);
    }
  return TRUE;
}

/* ---- The most active customers, for the empty state: a job (a scan of the events) ---- */

#define N_QUICK 5

typedef struct {
  char      *db_path;
  GPtrArray *rows;             /* SdCustomerMatch */
  gboolean   purchases_only;   /* the shop's events are all purchases (an order export) */
} QuickWork;

static void
quick_work_free (QuickWork *w)
{
  g_free (w->db_path);
  g_clear_pointer (&w->rows, g_ptr_array_unref);
  g_free (w);
}

static gboolean
quick_job_func (SdJob         *job,
                gpointer       data,
                GCancellable  *cancellable,
                GError       **error)
{
  QuickWork *w = data;
  g_autoptr(SdStore) store = sd_store_open (w->db_path, error);

  SdStoreStats stats = { 0 };

  if (store == NULL)
    return FALSE;
  w->rows = sd_customer_query_most_active (store, N_QUICK, cancellable, error);
  if (w->rows != NULL && sd_store_get_stats (store, &stats, NULL))
    w->purchases_only = stats.events[SD_EVENT_VIEW] == 0 && stats.events[SD_EVENT_CART] == 0 &&
                        stats.events[SD_EVENT_REVIEW] == 0;
  return w->rows != NULL;
}

/* ---- The page ------------------------------------------------------------------------ */

typedef struct {
  GtkWidget  *box;
  GtkWidget  *header;
  GtkLabel   *title;
  GtkWidget  *note_box;
  GtkLabel   *note;
  GtkButton  *train_button;
  GtkListBox *list;
} Column;

struct _SdRecommendationsPage
{
  GtkWidget          parent_instance;

  GtkSearchEntry    *search_entry;
  GtkWidget         *back_button;
  GtkStack          *stack;
  AdwStatusPage     *error_page;
  GtkWidget         *quick_box;
  GtkListBox        *quick_list;
  AdwAvatar         *avatar;
  GtkLabel          *name_label;
  GtkLabel          *detail_label;
  GtkBox            *figures_box;
  GtkToggleButton   *compare_button;
  GtkWidget         *model2_box;
  GtkDropDown       *model_dropdown;
  gint64             live_model_id;   /* the live recommender when the picker was filled */
  GtkDropDown       *model2_dropdown;
  GtkSpinButton     *count_spin;
  GtkCheckButton    *bought_check;
  GtkCheckButton    *stock_check;
  GtkDropDown       *boost_dropdown;
  GtkDropDown       *bury_dropdown;
  GtkFlowBox        *controls_box;
  GtkLabel          *overlap_label;
  GtkBox            *columns_box;
  GtkLabel          *offers_caption;
  GtkListBox        *offers_list;
  GtkLabel          *history_caption;
  GtkListBox        *history_list;

  Column             columns[2];
  GtkWidget         *suggest_popover;
  GtkListBox        *suggest_list;
  GCancellable      *search_cancellable;   /* the suggestions being looked up */
  GtkWidget         *similar_popover;
  GtkLabel          *similar_title;
  GtkLabel          *similar_caption;
  GtkListBox        *similar_list;

  SdStore           *store;
  ShopCache         *cache;
  char              *currency;
  GPtrArray         *model_names;   /* dropdown position → model name */
  GPtrArray         *categories;    /* dropdown position - 1 → category */
  gint64             customer_id;
  SdJob             *job;           /* the view being computed */
  SdJob             *shown;         /* the finished job whose ViewWork is on show */
  SdJob             *similar_job;
  SdJob             *quick_job;
  gboolean           quick_loaded;   /* the most active customers listed are the shop's now */
  guint              n_similar;
  GHashTable        *training;      /* model names being trained from here */
  guint              n_stored;      /* models stored for the shop */
  gboolean           updating;
  gboolean           stale;
};

G_DEFINE_FINAL_TYPE (SdRecommendationsPage, sd_recommendations_page, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_STORE,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start_view (SdRecommendationsPage *self);

static GtkWindow *
get_window (SdRecommendationsPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  return SD_IS_PAGE_HOST (root) ? GTK_WINDOW (root) : NULL;
}

static void
toast (SdRecommendationsPage *self,
       const char            *message)
{
  sd_page_host_toast (GTK_WIDGET (self), message);
}

static void
clear_list (GtkListBox *list)
{
  sd_list_box_remove_all (list);
}

static void
cancel_job (SdRecommendationsPage *self,
            SdJob                **job)
{
  if (*job)
    {
      g_signal_handlers_disconnect_by_data (*job, self);
      sd_job_cancel (*job);
      g_clear_object (job);
    }
}

static void customer_actions_set_enabled (SdRecommendationsPage *self,
                                          gboolean               enabled);

static ViewWork *
shown_view (SdRecommendationsPage *self)
{
  return self->shown ? sd_job_get_data (self->shown) : NULL;
}

static GtkWidget *
dim_label (const char *text,
           gboolean    caption)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (label, "dim-label");
  if (caption)
    gtk_widget_add_css_class (label, "caption");
  return label;
}

/* A row for an empty list, saying why it is empty. */
static GtkWidget *
placeholder_row (const char *text)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *label = dim_label (text, FALSE);

  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), label);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

static GtkWidget *
loading_row (const char *text)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *spinner = gtk_spinner_new ();

  gtk_spinner_start (GTK_SPINNER (spinner));
  gtk_accessible_update_property (GTK_ACCESSIBLE (spinner), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_box_append (GTK_BOX (box), spinner);
  gtk_box_append (GTK_BOX (box), dim_label (text, FALSE));
  gtk_widget_set_margin_top (box, 12);
  gtk_widget_set_margin_bottom (box, 12);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  return row;
}

/* ---- Model and category pickers ------------------------------------------------------ */

static const char *
dropdown_model (SdRecommendationsPage *self,
                GtkDropDown           *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  return selected < self->model_names->len ? g_ptr_array_index (self->model_names, selected) : NULL;
}

const char *
sd_recommendations_page_get_model (SdRecommendationsPage *self,
                                   guint                  column)
{
  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), NULL);
  return dropdown_model (self, column == 0 ? self->model_dropdown : self->model2_dropdown);
}

static const char *
dropdown_category (SdRecommendationsPage *self,
                   GtkDropDown           *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  return selected >= 1 && selected - 1 < self->categories->len
         ? g_ptr_array_index (self->categories, selected - 1) : NULL;
}

static int
model_position (SdRecommendationsPage *self,
                const char            *name)
{
  for (guint i = 0; name && i < self->model_names->len; i++)
    if (g_str_equal (g_ptr_array_index (self->model_names, i), name))
      return (int) i;
  return -1;
}

/* Stored models first (in order of preference), then the others, marked untrained: one
 * can be trained from here. Keeps each dropdown's model when it is still listed. */
static void
fill_models (SdRecommendationsPage *self)
{
  g_autoptr(GHashTable) stored = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autofree char *keep1 = g_strdup (dropdown_model (self, self->model_dropdown));
  g_autofree char *keep2 = g_strdup (dropdown_model (self, self->model2_dropdown));
  const char **names = sd_recommender_list_names ();
  int pos1, pos2;

  if (self->store)
    {
      g_autoptr(GPtrArray) kept = sd_model_query_stored_names (self->store, "recommender", NULL);
      for (guint i = 0; kept && i < kept->len; i++)
        g_hash_table_add (stored, g_strdup (g_ptr_array_index (kept, i)));
    }

  self->n_stored = g_hash_table_size (stored);
  g_ptr_array_set_size (self->model_names, 0);
  /* The live model first: the page starts on what customers get. */
  if (self->store)
    {
      gint64 live = sd_model_registry_live_id (self->store, SD_MODEL_PURPOSE_RECOMMENDATIONS, NULL);
      g_autoptr(SdModelInfo) info = live > 0 ? sd_model_registry_get (self->store, live, NULL) : NULL;
      if (info && g_strv_contains (names, info->algorithm))
        {
          g_autofree char *name = g_strconcat (LIVE_PREFIX, info->algorithm, NULL);
          g_autofree char *label = model_label (name);
          g_ptr_array_add (self->model_names, g_steal_pointer (&name));
          gtk_string_list_append (labels, label);
        }
      /* A model promoted since the last look: the first column moves to it. */
      if (live != self->live_model_id)
        g_clear_pointer (&keep1, g_free);
      self->live_model_id = live;
    }
  for (int pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < G_N_ELEMENTS (model_preference) + g_strv_length ((char **) names); i++)
        {
          const char *name = i < G_N_ELEMENTS (model_preference) ? model_preference[i]
                                                                 : names[i - G_N_ELEMENTS (model_preference)];
          gboolean is_stored = g_hash_table_contains (stored, name) || g_str_equal (name, "popularity");
          g_autofree char *label = NULL;
          g_autofree char *text = NULL;

          if ((pass == 0) != is_stored || model_position (self, name) >= 0 ||
              !g_strv_contains (names, name))
            continue;
          label = model_label (name);
          /* TRANSLATORS: a model in the model picker that has not been trained for this shop */
          text = is_stored ? g_strdup (label) : g_strdup_printf (_("%s (not trained)"), label);
          g_ptr_array_add (self->model_names, g_strdup (name));
          gtk_string_list_append (labels, text);
        }
    }

  self->updating = TRUE;
  gtk_drop_down_set_model (self->model_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_model (self->model2_dropdown, G_LIST_MODEL (labels));
  pos1 = model_position (self, keep1);
  pos2 = model_position (self, keep2);
  gtk_drop_down_set_selected (self->model_dropdown, pos1 >= 0 ? (guint) pos1 : 0);
  /* The second column starts on another model: comparing a model with itself says nothing. */
  if (pos2 < 0)
    pos2 = self->model_names->len > 1 ? (gtk_drop_down_get_selected (self->model_dropdown) == 0 ? 1 : 0) : 0;
  gtk_drop_down_set_selected (self->model2_dropdown, (guint) pos2);
  self->updating = FALSE;
}

static void
set_category_menu_usable (GtkWidget *menu,
                          gboolean   usable)
{
  gtk_widget_set_sensitive (menu, usable);
  gtk_widget_set_tooltip_text (menu, usable ? NULL : _("This shop's products have no categories"));
}

static void
fill_categories (SdRecommendationsPage *self)
{
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  g_autofree char *keep_boost = g_strdup (dropdown_category (self, self->boost_dropdown));
  g_autofree char *keep_bury = g_strdup (dropdown_category (self, self->bury_dropdown));
  guint boost = 0, bury = 0;

  g_ptr_array_set_size (self->categories, 0);
  /* TRANSLATORS: no category boosted or buried */
  gtk_string_list_append (labels, C_("category", "None"));
  if (self->store)
    {
      g_autoptr(GPtrArray) found = sd_product_query_categories (self->store, N_CATEGORIES, NULL);
      for (guint i = 0; found && i < found->len; i++)
        {
          const char *name = g_ptr_array_index (found, i);
          g_ptr_array_add (self->categories, g_strdup (name));
          gtk_string_list_append (labels, name);
          if (g_strcmp0 (name, keep_boost) == 0)
            boost = self->categories->len;
          if (g_strcmp0 (name, keep_bury) == 0)
            bury = self->categories->len;
        }
    }
  self->updating = TRUE;
  gtk_drop_down_set_model (self->boost_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_model (self->bury_dropdown, G_LIST_MODEL (labels));
  gtk_drop_down_set_selected (self->boost_dropdown, boost);
  gtk_drop_down_set_selected (self->bury_dropdown, bury);
  self->updating = FALSE;
  /* Online Retail has no categories: two menus holding only None would look broken. */
  set_category_menu_usable (GTK_WIDGET (self->boost_dropdown), self->categories->len > 0);
  set_category_menu_usable (GTK_WIDGET (self->bury_dropdown), self->categories->len > 0);
}

/* ---- Showing a view ------------------------------------------------------------------ */

static GtkWidget *
figure (const char *value,
        const char *caption)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *v = gtk_label_new (value);
  GtkWidget *c = gtk_label_new (caption);

  gtk_widget_add_css_class (v, "title-3");
  gtk_widget_add_css_class (v, "numeric");
  gtk_widget_add_css_class (c, "caption");
  gtk_widget_add_css_class (c, "dim-label");
  gtk_box_append (GTK_BOX (box), v);
  gtk_box_append (GTK_BOX (box), c);
  return box;
}

/* As the Overview writes a date ("9 Dec 2011"). */
static char *
format_date (gint64 at)
{
  return at > 0 ? sd_time_format_date (at) : g_strdup ("—");
}

/* An item's line under its title: "Kitchen · £7.95", and " ·" before a stock level that
 * follows. A shop none of whose products has a category (Online Retail) or a price leaves
 * that part out rather than saying "No category" on every line. */
static char *
item_meta (const char *category,
           gboolean    has_categories,
           const char *price,
           gboolean    stock_follows)
{
  GString *meta = g_string_new (NULL);

  if (has_categories)
    g_string_append (meta, category ? category : _("No category"));
  if (price)
    g_string_append_printf (meta, "%s%s", meta->len > 0 ? " · " : "", price);
  if (stock_follows && meta->len > 0)
    g_string_append (meta, " ·");
  return g_string_free (meta, FALSE);
}

/* "14911 · EIRE · Retail": the parts there are, with a dot between. Shown with
 * sd_format_word_attributes(): a narrow profile card wrapped "英|国". */
static void
append_detail (GString    *detail,
               const char *part)
{
  if (part == NULL || *part == '\0')
    return;
  if (detail->len > 0)
    g_string_append (detail, " · ");
  g_string_append (detail, part);
}

/* The subtitle label of an AdwActionRow (libadwaita 1.2 has no getter), or NULL. */
static GtkLabel *
row_subtitle_label (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child; child = gtk_widget_get_next_sibling (child))
    {
      GtkLabel *found;
      if (GTK_IS_LABEL (child) && gtk_widget_has_css_class (child, "subtitle"))
        return GTK_LABEL (child);
      if ((found = row_subtitle_label (child)))
        return found;
    }
  return NULL;
}

static void
show_header (SdRecommendationsPage *self,
             ViewWork              *w)
{
  const SdCustomerProfile *p = w->profile;
  gboolean named = p->name && *p->name;
  /* the id under a name; a customer without one (Online Retail) is titled by it already */
  g_autoptr(GString) detail = g_string_new (named ? p->external_id : NULL);
  const char *name = named ? p->name : p->external_id;
  GtkWidget *child;

  gtk_label_set_text (self->name_label, name);
  adw_avatar_set_text (self->avatar, name);
  /* Initials of a name; a bare id (14911) would make an avatar saying "1". */
  adw_avatar_set_show_initials (self->avatar, named);
  append_detail (detail, sd_format_country (p->country));
  append_detail (detail, sd_format_segment (p->segment));
  if (p->created_at > 0)
    {
      g_autofree char *since = format_date (p->created_at);
      /* TRANSLATORS: %s is a date */
      g_autofree char *text = g_strdup_printf (_("customer since %s"), since);
      append_detail (detail, text);
    }
  sd_format_label_keep_words (self->detail_label, detail->str);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->figures_box))))
    gtk_box_remove (self->figures_box, child);
  {
    g_autofree char *orders = sd_format_count (p->orders);
    g_autofree char *spend = sd_format_money (p->lifetime_cents, self->currency);
    g_autofree char *last = format_date (p->last_order_at);
    g_autofree char *events = sd_format_count (p->n_events);
    /* Purchases only (every customer of an order export): called what they are, as the
     * activity below calls them. */
    gboolean purchases_only = p->n_events > 0 && p->n_events == p->events[SD_EVENT_PURCHASE];

    gtk_box_append (self->figures_box, figure (orders, g_dngettext (GETTEXT_PACKAGE, "order", "orders", p->orders)));
    gtk_box_append (self->figures_box, figure (spend, _("lifetime spend")));
    gtk_box_append (self->figures_box, figure (last, _("last order")));
    gtk_box_append (self->figures_box,
                    figure (events, purchases_only
                                    /* TRANSLATORS: under a customer's count of purchases (order lines) */
                                    ? g_dngettext (GETTEXT_PACKAGE, "purchase", "purchases", p->n_events)
                                    : g_dngettext (GETTEXT_PACKAGE, "event", "events", p->n_events)));
  }
}

static char *
score_text (float score)
{
  return g_strdup_printf ("%.3g", (double) score);
}

static GtkWidget *
rec_row_widget (SdRecommendationsPage *self,
                const ViewWork        *view,
                const RecRow          *row,
                guint                  rank,
                double                 fraction,
                gboolean               comparing)
{
  GtkWidget *list_row = gtk_list_box_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *score_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  g_autofree char *rank_text = g_strdup_printf ("%u", rank);
  GtkWidget *rank_label = gtk_label_new (rank_text);
  GtkWidget *title = gtk_label_new (row->title);
  g_autofree char *price = sd_format_money (row->price_cents, self->currency);
  g_autofree char *stock = NULL;
  g_autofree char *meta = NULL;
  g_autofree char *score = score_text (row->score);
  g_autofree char *accessible = NULL;
  g_autofree char *score_tip = NULL;
  GtkWidget *bar = gtk_level_bar_new_for_interval (0, 1);

  /* A shop without stock or prices (a ratings data set) shows neither, rather than
   * every item "out of stock" at 0.00. */
  if (row->stock < 0 || !view->has_stock)
    stock = NULL;
  else if (row->stock == 0)
    stock = g_strdup (_("out of stock"));
  else
    stock = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d in stock", "%d in stock", row->stock), row->stock);
  meta = item_meta (row->category, view->has_categories, view->has_prices ? price : NULL, stock != NULL);

  gtk_widget_add_css_class (rank_label, "dim-label");
  gtk_widget_add_css_class (rank_label, "numeric");
  gtk_widget_add_css_class (rank_label, "title-4");
  gtk_label_set_width_chars (GTK_LABEL (rank_label), 2);
  gtk_label_set_xalign (GTK_LABEL (rank_label), 1);
  gtk_widget_set_valign (rank_label, GTK_ALIGN_START);
  gtk_box_append (GTK_BOX (box), rank_label);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_wrap (GTK_LABEL (title), TRUE);
  gtk_widget_set_hexpand (title, TRUE);
  gtk_widget_add_css_class (title, "heading");
  gtk_box_append (GTK_BOX (title_box), title);
  if (comparing && row->common)
    {
      /* TRANSLATORS: on an item both compared models recommend: its rank in the other list */
      g_autofree char *both = g_strdup_printf (_("Both · #%u"), row->other_rank);
      g_autofree char *tip = g_strdup_printf (_("The other model recommends it too, at rank %u"), row->other_rank);
      GtkWidget *pill = gtk_label_new (both);
      gtk_widget_add_css_class (pill, "sd-common-pill");
      gtk_widget_set_valign (pill, GTK_ALIGN_START);
      gtk_widget_set_tooltip_text (pill, tip);
      gtk_box_append (GTK_BOX (title_box), pill);
    }
  gtk_box_append (GTK_BOX (text), title_box);
  {
    GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 4);
    if (*meta)
      gtk_box_append (GTK_BOX (line), dim_label (meta, TRUE));
    if (stock)
      {
        GtkWidget *stock_label = gtk_label_new (stock);

        gtk_widget_add_css_class (stock_label, "caption");
        /* Out of stock matters to a manager deciding what to push: it stands out. */
        gtk_widget_add_css_class (stock_label, row->stock == 0 ? "warning" : "dim-label");
        gtk_box_append (GTK_BOX (line), stock_label);
      }
    gtk_box_append (GTK_BOX (text), line);
  }
  if (row->explanation && *row->explanation)
    {
      g_auto(GStrv) lines = g_strsplit (row->explanation, "\n", -1);
      g_autofree char *bulleted = NULL;
      GtkWidget *why;

      for (guint k = 0; lines[k]; k++)
        {
          char *line = g_strconcat ("• ", lines[k], NULL);
          g_free (lines[k]);
          lines[k] = line;
        }
      bulleted = g_strjoinv ("\n", lines);
      why = gtk_label_new (bulleted);
      gtk_label_set_xalign (GTK_LABEL (why), 0);
      gtk_label_set_wrap (GTK_LABEL (why), TRUE);
      gtk_label_set_wrap_mode (GTK_LABEL (why), PANGO_WRAP_WORD_CHAR);
      gtk_widget_add_css_class (why, "caption");
      gtk_widget_add_css_class (why, "sd-reason");
      /* The sentences give each reason's share; an expert finds the model's own figures
       * (contribution, similarity) on hover. */
      if (row->explanation_numbers && *row->explanation_numbers)
        {
          /* TRANSLATORS: tooltip over a recommended item's reasons: the model's raw figures follow, one line each */
          g_autofree char *tip = g_strdup_printf (_("The model's figures:\n%s"), row->explanation_numbers);
          gtk_widget_set_tooltip_text (why, tip);
        }
      gtk_box_append (GTK_BOX (text), why);
    }
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), text);

  gtk_level_bar_set_mode (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_MODE_CONTINUOUS);
  gtk_level_bar_set_value (GTK_LEVEL_BAR (bar), CLAMP (fraction, 0.0, 1.0));
  /* One colour for every value: the bar compares items, it does not grade them. */
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_LOW);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_HIGH);
  gtk_level_bar_remove_offset_value (GTK_LEVEL_BAR (bar), GTK_LEVEL_BAR_OFFSET_FULL);
  gtk_widget_set_size_request (bar, comparing ? 48 : 72, -1);
  gtk_accessible_update_property (GTK_ACCESSIBLE (bar), GTK_ACCESSIBLE_PROPERTY_LABEL, _("Score"), -1);
  gtk_widget_set_valign (score_box, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (score_box), bar);
  /* A bare "1.17" means nothing to a shop manager (it is no rating, price or chance, and
   * each model counts on its own scale): the bar says how strongly, the number is on hover. */
  score_tip = g_strdup_printf (_("How strongly the model recommends it, next to the list's first. "
                                 "Its own score, %s, only ranks items for this customer: it is "
                                 "not a rating or a chance, and models score on different scales."),
                               score);
  gtk_widget_set_tooltip_text (score_box, score_tip);
  gtk_box_append (GTK_BOX (box), score_box);

  gtk_widget_set_margin_top (box, 10);
  gtk_widget_set_margin_bottom (box, 10);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (list_row), box);
  if (comparing && row->common)
    gtk_widget_add_css_class (list_row, "sd-common");
  gtk_widget_set_tooltip_text (list_row, _("Click for similar items"));
  /* TRANSLATORS: a recommended item for screen readers: rank, title, score, reasons */
  accessible = g_strdup_printf (_("%u. %s, score %s. %s"), rank, row->title, score,
                                row->explanation ? row->explanation : "");
  gtk_accessible_update_property (GTK_ACCESSIBLE (list_row), GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
  return list_row;
}

static void
show_column (SdRecommendationsPage *self,
             const ViewWork        *view,
             guint                  c,
             RecList               *list,
             gboolean               comparing)
{
  Column *column = &self->columns[c];
  float hi = -INFINITY, lo = INFINITY;

  gtk_label_set_text (column->title, list->label);
  if (list->note)
    gtk_label_set_text (column->note, list->note);
  else if (self->n_stored == 0)
    gtk_label_set_text (column->note, _("No model is trained for this shop yet, so these are its most popular items. "
                                        "Pick a model above to train it here, or train and compare models on the "
                                        "Training page."));
  gtk_widget_set_visible (column->note_box, list->note != NULL || self->n_stored == 0);
  gtk_widget_set_visible (GTK_WIDGET (column->train_button), list->can_train);
  if (list->can_train)
    {
      /* TRANSLATORS: a button; %s is a model, e.g. "ALS (implicit feedback)" */
      g_autofree char *label = g_strdup_printf (_("Train %s Now"), list->label);
      gtk_button_set_label (column->train_button, label);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (column->train_button), "s", list->model);
      gtk_widget_set_sensitive (GTK_WIDGET (column->train_button),
                                !g_hash_table_contains (self->training, list->model));
    }

  clear_list (column->list);
  for (guint r = 0; r < list->rows->len; r++)
    {
      RecRow *row = g_ptr_array_index (list->rows, r);
      hi = MAX (hi, row->score);
      lo = MIN (lo, row->score);
    }
  /* Scores of different models live on different scales: the bar shows each item against
   * the list's best; with negative scores, against the list's range. */
  if (lo >= 0)
    lo = 0;
  for (guint r = 0; r < list->rows->len; r++)
    {
      RecRow *row = g_ptr_array_index (list->rows, r);
      double fraction = hi > lo ? (row->score - lo) / (hi - lo) : 1.0;
      gtk_list_box_append (column->list, rec_row_widget (self, view, row, r + 1, fraction, comparing));
    }
  if (list->rows->len == 0)
    gtk_list_box_append (column->list,
                         placeholder_row (_("Nothing left to recommend with these filters. Try showing items "
                                            "already bought or reviewed, or another category.")));
}

static GtkWidget *
offer_row (SdRecommendationsPage *self,
           const Offer           *offer)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *amount;
  g_autoptr(GString) value = g_string_new (NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), offer->name);
  /* TRANSLATORS: why a customer gets a coupon; %s is the engine's reason */
  {
    g_autofree char *because = g_strdup_printf (_("Because %s"), offer->reason ? offer->reason : "");
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), because);
  }
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (offer->discount_cents > 0)
    {
      g_autofree char *money = sd_format_money (offer->discount_cents, self->currency);
      /* TRANSLATORS: a coupon's discount on the customer's typical basket */
      g_string_append_printf (value, _("%s off"), money);
    }
  if (offer->free_shipping)
    g_string_append_printf (value, "%s%s", value->len ? "\n" : "", _("free shipping"));
  if (offer->capped)
    g_string_append_printf (value, "%s%s", value->len ? "\n" : "", _("(capped)"));
  amount = gtk_label_new (value->str);
  gtk_label_set_justify (GTK_LABEL (amount), GTK_JUSTIFY_RIGHT);
  gtk_label_set_xalign (GTK_LABEL (amount), 1);
  gtk_widget_add_css_class (amount, "numeric");
  gtk_widget_add_css_class (amount, "sd-offer-amount");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), amount);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("emblem-favorite-symbolic"));
  return row;
}

static void
show_offers (SdRecommendationsPage *self,
             ViewWork              *w)
{
  clear_list (self->offers_list);
  if (w->offers_error)
    {
      gtk_label_set_text (self->offers_caption, _("The coupon rules could not be read."));
      gtk_list_box_append (self->offers_list, placeholder_row (w->offers_error));
      return;
    }
  if (w->basket_cents > 0)
    {
      g_autofree char *basket = sd_format_money (w->basket_cents, self->currency);
      g_autofree char *caption = w->basket_is_last_order
        ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                        "Enabled coupon rules that apply to this customer, in the order they apply, "
                                        "with the discount on their last order (%s, %d item).",
                                        "Enabled coupon rules that apply to this customer, in the order they apply, "
                                        "with the discount on their last order (%s, %d items).", (gulong) w->basket_items),
                           basket, (int) w->basket_items)
        : g_strdup_printf (_("Enabled coupon rules that apply to this customer, in the order they apply, "
                             "with the discount on the shop's typical basket (%s): they have not ordered yet."),
                           basket);
      gtk_label_set_text (self->offers_caption, caption);
    }
  else
    gtk_label_set_text (self->offers_caption, _("Enabled coupon rules that apply to this customer, in the order they apply."));
  for (guint i = 0; i < w->offers->len; i++)
    gtk_list_box_append (self->offers_list, offer_row (self, g_ptr_array_index (w->offers, i)));
  if (w->offers->len == 0)
    gtk_list_box_append (self->offers_list,
                         placeholder_row (_("No enabled coupon rule applies to this customer. Rules are written "
                                            "and previewed on the Coupons page.")));
}

static const char *
history_icon (SdEventKind kind)
{
  switch (kind)
    {
    case SD_EVENT_VIEW:     return "view-reveal-symbolic";
    case SD_EVENT_CART:     return "list-add-symbolic";
    case SD_EVENT_PURCHASE: return "emblem-ok-symbolic";
    case SD_EVENT_REVIEW:   return "starred-symbolic";
    default:                return "action-unavailable-symbolic";
    }
}

static void
show_history (SdRecommendationsPage *self,
              ViewWork              *w)
{
  const SdCustomerProfile *p = w->profile;
  g_autofree char *bought = sd_format_count (p->events[SD_EVENT_PURCHASE]);
  g_autofree char *carted = sd_format_count (p->events[SD_EVENT_CART]);
  g_autofree char *viewed = sd_format_count (p->events[SD_EVENT_VIEW]);
  g_autofree char *reviewed = sd_format_count (p->events[SD_EVENT_REVIEW]);
  g_autofree char *caption = NULL;

  /* An order export (Online Retail) has purchases only: "0 carts, 0 views and 0 reviews"
   * on every customer would read as something missing from this one. */
  if (p->events[SD_EVENT_CART] == 0 && p->events[SD_EVENT_VIEW] == 0 && p->events[SD_EVENT_REVIEW] == 0)
    /* TRANSLATORS: a customer's purchases, all time, when they have no other events */
    caption = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%s purchase in all; the latest %u:",
                                            "%s purchases in all; the latest %u:",
                                            (gulong) p->events[SD_EVENT_PURCHASE]),
                               bought, (guint) MIN (p->history->len, N_HISTORY));
  else
    /* TRANSLATORS: counts of a customer's events of each kind, all time */
    caption = g_strdup_printf (_("%s purchases, %s carts, %s views and %s reviews in all; the latest %u:"),
                               bought, carted, viewed, reviewed, (guint) MIN (p->history->len, N_HISTORY));
  gtk_label_set_text (self->history_caption, caption);

  clear_list (self->history_list);
  for (guint i = 0; i < p->history->len; i++)
    {
      const SdCustomerEvent *h = g_ptr_array_index (p->history, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *when = sd_format_time (h->at);
      g_autoptr(GString) sub = g_string_new (sd_format_event_kind (h->kind));
      GtkWidget *icon = gtk_image_new_from_icon_name (history_icon (h->kind));

      if (h->kind == SD_EVENT_REVIEW && h->rating > 0)
        g_string_append_printf (sub, " %s", sd_format_stars (h->rating));
      else if (h->quantity > 1)
        g_string_append_printf (sub, " ×%d", h->quantity);
      g_string_append_printf (sub, " · %s", when);
      if (h->kind == SD_EVENT_REVIEW && h->review)
        g_string_append_printf (sub, "\n“%s”", h->review);
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), h->title ? h->title : "");
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      sd_format_event_kind (h->kind), -1);
      if (h->kind == SD_EVENT_REVIEW)
        gtk_widget_add_css_class (icon, "sd-rating");
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      gtk_list_box_append (self->history_list, row);
    }
  if (p->history->len == 0)
    gtk_list_box_append (self->history_list,
                         placeholder_row (_("No views, carts, purchases or reviews yet: recommendations for this "
                                            "customer come from what is popular and from product descriptions.")));
}

static void
show_view (SdRecommendationsPage *self)
{
  ViewWork *w = shown_view (self);
  gboolean comparing = w->n_models == 2;

  show_header (self, w);
  for (guint c = 0; c < w->n_models; c++)
    show_column (self, w, c, &w->lists[c], comparing);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stock_check), w->has_stock);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->stock_check),
                               w->has_stock ? NULL : _("This shop's products have no stock levels"));
  gtk_widget_set_visible (self->columns[1].box, comparing);
  gtk_widget_set_visible (GTK_WIDGET (self->overlap_label), comparing);
  if (comparing)
    {
      g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                            "%u item is in both lists (highlighted) out of %u.",
                                                            "%u items are in both lists (highlighted) out of %u.",
                                                            w->overlap),
                                               w->overlap, MAX (w->lists[0].rows->len, w->lists[1].rows->len));
      gtk_label_set_text (self->overlap_label, text);
    }
  show_offers (self, w);
  show_history (self, w);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.export", TRUE);
  customer_actions_set_enabled (self, TRUE);
  gtk_stack_set_visible_child_name (self->stack, "content");
}

/* ---- Computing a view ---------------------------------------------------------------- */

gboolean
sd_recommendations_page_get_loading (SdRecommendationsPage *self)
{
  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), FALSE);
  return self->job != NULL || (self->stale && self->customer_id >= 0);
}

static void
view_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(SdRecommendationsPage) self = user_data;
  SdJob *job = SD_JOB (object);
  ViewWork *w = sd_job_get_data (job);
  g_autoptr(GError) error = NULL;
  gboolean ok = sd_job_run_finish (job, result, &error);

  if (job != self->job)
    return;   /* superseded */
  if (ok)
    {
      w->cache->warm_base = TRUE;
      w->cache->warm_coupons = TRUE;
      for (guint c = 0; c < w->n_models; c++)
        g_hash_table_add (w->cache->warm_models, g_strdup (w->models[c]));
      g_set_object (&self->shown, job);
      g_clear_object (&self->job);
      show_view (self);
    }
  else
    {
      g_clear_object (&self->job);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
show_loading (SdRecommendationsPage *self)
{
  for (guint c = 0; c < 2; c++)
    {
      clear_list (self->columns[c].list);
      gtk_list_box_append (self->columns[c].list, loading_row (_("Ranking the shop's items…")));
      gtk_widget_set_visible (self->columns[c].note_box, FALSE);
    }
  clear_list (self->offers_list);
  gtk_list_box_append (self->offers_list, loading_row (_("Applying the coupon rules…")));
  clear_list (self->history_list);
  gtk_label_set_text (self->offers_caption, "");
  gtk_label_set_text (self->history_caption, "");
  gtk_label_set_text (self->detail_label, "");
  while (gtk_widget_get_first_child (GTK_WIDGET (self->figures_box)))
    gtk_box_remove (self->figures_box, gtk_widget_get_first_child (GTK_WIDGET (self->figures_box)));
}

static void
start_view (SdRecommendationsPage *self)
{
  GtkWindow *window = get_window (self);
  gboolean comparing = gtk_toggle_button_get_active (self->compare_button);
  ViewWork *w;
  gboolean slow;

  if (self->store == NULL || self->customer_id < 0 || self->model_names->len == 0)
    return;
  cancel_job (self, &self->job);
  self->stale = FALSE;

  w = g_new0 (ViewWork, 1);
  w->cache = shop_cache_ref (self->cache);
  w->customer_id = self->customer_id;
  w->models[0] = g_strdup (dropdown_model (self, self->model_dropdown));
  w->n_models = 1;
  if (comparing)
    w->models[w->n_models++] = g_strdup (dropdown_model (self, self->model2_dropdown));
  w->n = (guint) gtk_spin_button_get_value_as_int (self->count_spin);
  w->exclude_bought = gtk_check_button_get_active (self->bought_check);
  w->exclude_out_of_stock = gtk_check_button_get_active (self->stock_check);
  w->boost = g_strdup (dropdown_category (self, self->boost_dropdown));
  w->bury = g_strdup (dropdown_category (self, self->bury_dropdown));

  slow = !self->cache->warm_base || !self->cache->warm_coupons;
  for (guint c = 0; c < w->n_models; c++)
    slow |= !g_hash_table_contains (self->cache->warm_models, w->models[c]);

  self->job = sd_job_new (_("Loading a customer's recommendations"), view_job_func, w,
                          (GDestroyNotify) view_work_free);
  /* Loading models is worth a line in the task list; re-ranking with cached models is
   * over in milliseconds and would only make it flicker. */
  if (slow && window)
    sd_page_host_run_job (GTK_WIDGET (self), self->job, view_done_cb, g_object_ref (self));
  else
    sd_job_run_async (self->job, view_done_cb, g_object_ref (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
settings_changed_cb (SdRecommendationsPage *self)
{
  if (self->updating)
    return;
  start_view (self);
}

static void
compare_toggled_cb (SdRecommendationsPage *self)
{
  settings_changed_cb (self);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);

  if (self->store == NULL)
    return;
  g_clear_pointer (&self->cache, shop_cache_unref);
  self->cache = shop_cache_new (sd_store_get_path (self->store));
  fill_models (self);
  fill_categories (self);
  start_view (self);
}

/* ---- Choosing a customer ------------------------------------------------------------- */

gboolean
sd_recommendations_page_show_customer (SdRecommendationsPage *self,
                                       const char            *key)
{
  g_autoptr(GError) error = NULL;
  gint64 id;

  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), FALSE);

  if (self->store == NULL || key == NULL || (id = sd_store_find_customer (self->store, key, &error)) < 0)
    return FALSE;
  if (id != self->customer_id || self->shown == NULL)
    {
      self->customer_id = id;
      g_clear_object (&self->shown);
      gtk_label_set_text (self->name_label, key);
      adw_avatar_set_text (self->avatar, key);
      adw_avatar_set_show_initials (self->avatar, FALSE);
      show_loading (self);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.export", FALSE);
  customer_actions_set_enabled (self, FALSE);
      customer_actions_set_enabled (self, FALSE);
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (
                                  gtk_widget_get_ancestor (GTK_WIDGET (self->figures_box), GTK_TYPE_SCROLLED_WINDOW))), 0);
      gtk_stack_set_visible_child_name (self->stack, "content");
      start_view (self);
    }
  return TRUE;
}

static void start_quick (SdRecommendationsPage *self);

/* Leaves the customer for the most active customers, the page's start: what its back
 * button, Escape and Alt+← do, as a GNOME app goes back from an item to its list. */
static void
show_start (SdRecommendationsPage *self)
{
  cancel_job (self, &self->job);
  cancel_job (self, &self->similar_job);
  self->customer_id = -1;
  g_clear_object (&self->shown);
  customer_actions_set_enabled (self, FALSE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.export", FALSE);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  /* A customer opened from another page skipped the list, or the shop changed under it. */
  if (!self->quick_loaded && self->quick_job == NULL && gtk_widget_get_mapped (GTK_WIDGET (self)))
    start_quick (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);

  show_start (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* The way back exists only away from the start. */
static void
stack_child_cb (SdRecommendationsPage *self)
{
  gboolean away = g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "empty") != 0;

  gtk_widget_set_visible (self->back_button, away);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.back", away);
}

/* Other pages open a customer here through the window's win.show-customer, which
 * activates this on the page: the window never calls into a page's own functions. */
static void
show_customer_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);
  const char *key = g_variant_get_string (parameter, NULL);

  if (!sd_recommendations_page_show_customer (self, key))
    {
      g_autofree char *message = g_strdup_printf (_("No customer “%s” in this shop"), key);
      toast (self, message);
    }
}

gint64
sd_recommendations_page_get_customer_id (SdRecommendationsPage *self)
{
  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), -1);
  return self->customer_id;
}

static void
suggestion_activated_cb (SdRecommendationsPage *self,
                         GtkListBoxRow         *row)
{
  const char *key = g_object_get_data (G_OBJECT (row), "external-id");

  if (key == NULL)
    return;
  gtk_popover_popdown (GTK_POPOVER (self->suggest_popover));
  if (!sd_recommendations_page_show_customer (self, key))
    toast (self, _("That customer is no longer in the shop"));
  self->updating = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  self->updating = FALSE;
}

static GtkWidget *
customer_row (const SdCustomerMatch *customer,
              const char            *extra)
{
  GtkWidget *row = adw_action_row_new ();
  gboolean named = customer->name && *customer->name;
  g_autoptr(GString) sub = g_string_new (named ? customer->external_id : NULL);

  append_detail (sub, sd_format_country (customer->country));
  append_detail (sub, sd_format_segment (customer->segment));
  append_detail (sub, extra);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), named ? customer->name : customer->external_id);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub->str);
  {
    GtkLabel *subtitle = row_subtitle_label (row);
    if (subtitle)
      sd_format_label_keep_words (subtitle, sub->str);
  }
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
  g_object_set_data_full (G_OBJECT (row), "external-id", g_strdup (customer->external_id), g_free);
  /* A click must not take the focus from the search entry: that would close the
   * suggestions before the row is activated. */
  gtk_widget_set_focus_on_click (row, FALSE);
  return row;
}

/* Suggestions are looked up in a thread on a connection of its own: a LIKE over the
 * names of a million customers takes longer than a frame. */
typedef struct {
  char      *db_path;
  char      *text;
  GPtrArray *rows;     /* SdCustomerMatch */
} SearchWork;

static void
search_work_free (SearchWork *w)
{
  g_free (w->db_path);
  g_free (w->text);
  g_clear_pointer (&w->rows, g_ptr_array_unref);
  g_free (w);
}

static void
search_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  SearchWork *w = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = sd_store_open (w->db_path, &error);

  if (store == NULL ||
      !(w->rows = sd_customer_query_search (store, w->text, N_SUGGESTIONS, cancellable, &error)))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
search_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (object);
  SearchWork *w = g_task_get_task_data (G_TASK (result));

  if (g_cancellable_is_cancelled (g_task_get_cancellable (G_TASK (result))) ||
      !g_task_propagate_boolean (G_TASK (result), NULL))
    return;

  clear_list (self->suggest_list);
  for (guint i = 0; i < w->rows->len; i++)
    gtk_list_box_append (self->suggest_list, customer_row (g_ptr_array_index (w->rows, i), NULL));
  if (w->rows->len == 0)
    gtk_list_box_append (self->suggest_list, placeholder_row (_("No customer’s name or id contains that.")));
  else
    gtk_list_box_select_row (self->suggest_list, gtk_list_box_get_row_at_index (self->suggest_list, 0));
  gtk_widget_set_size_request (self->suggest_popover, gtk_widget_get_width (GTK_WIDGET (self->search_entry)), -1);
  gtk_popover_popup (GTK_POPOVER (self->suggest_popover));
}

static void
search_changed_cb (SdRecommendationsPage *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  g_autoptr(GTask) task = NULL;
  SearchWork *w;

  if (self->updating)
    return;
  if (self->search_cancellable)
    g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  if (*text == '\0' || self->store == NULL)
    {
      clear_list (self->suggest_list);
      gtk_popover_popdown (GTK_POPOVER (self->suggest_popover));
      return;
    }

  w = g_new0 (SearchWork, 1);
  w->db_path = g_strdup (sd_store_get_path (self->store));
  w->text = g_steal_pointer (&text);
  self->search_cancellable = g_cancellable_new ();
  task = g_task_new (self, self->search_cancellable, search_done_cb, NULL);
  g_task_set_name (task, "[shopdesk] customer search");
  g_task_set_task_data (task, w, (GDestroyNotify) search_work_free);
  sd_job_run_task_in_thread (task, search_thread);
}

static void
search_activate_cb (SdRecommendationsPage *self)
{
  GtkListBoxRow *row = gtk_list_box_get_selected_row (self->suggest_list);

  if (row == NULL)
    row = gtk_list_box_get_row_at_index (self->suggest_list, 0);
  if (row && g_object_get_data (G_OBJECT (row), "external-id"))
    suggestion_activated_cb (self, row);
  else
    {
      /* An id typed in full, before the suggestions arrived. */
      const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
      if (*text && sd_recommendations_page_show_customer (self, text))
        {
          gtk_popover_popdown (GTK_POPOVER (self->suggest_popover));
          gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
        }
    }
}

/* Escape closes the suggestions, then clears the search, then goes back to the start. */
static void
stop_search_cb (SdRecommendationsPage *self)
{
  if (gtk_widget_get_visible (self->suggest_popover))
    gtk_popover_popdown (GTK_POPOVER (self->suggest_popover));
  else if (*gtk_editable_get_text (GTK_EDITABLE (self->search_entry)))
    gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  else
    gtk_widget_activate_action (GTK_WIDGET (self), "recommendations.back", NULL);
}

/* The suggestions popover does not take the focus, so the arrows move through it from
 * the entry, the way an entry completion does. */
static gboolean
search_key_cb (GtkEventControllerKey *controller,
               guint                  keyval,
               guint                  keycode,
               GdkModifierType        state,
               SdRecommendationsPage *self)
{
  GtkListBoxRow *row;
  int index, n = 0;

  if ((keyval != GDK_KEY_Down && keyval != GDK_KEY_Up) || !gtk_widget_get_visible (self->suggest_popover))
    return FALSE;
  while (gtk_list_box_get_row_at_index (self->suggest_list, n))
    n++;
  if (n == 0)
    return FALSE;
  row = gtk_list_box_get_selected_row (self->suggest_list);
  index = row ? gtk_list_box_row_get_index (row) : -1;
  index = keyval == GDK_KEY_Down ? MIN (index + 1, n - 1) : MAX (index - 1, 0);
  gtk_list_box_select_row (self->suggest_list, gtk_list_box_get_row_at_index (self->suggest_list, index));
  return TRUE;
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
quick_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SdRecommendationsPage) self = user_data;
  SdJob *job = SD_JOB (object);
  QuickWork *w = sd_job_get_data (job);
  gboolean ok = sd_job_run_finish (job, result, NULL);

  if (job != self->quick_job)
    return;
  clear_list (self->quick_list);
  for (guint i = 0; ok && i < w->rows->len; i++)
    {
      SdCustomerMatch *m = g_ptr_array_index (w->rows, i);
      g_autofree char *count = sd_format_count (m->n_events);
      /* An order export's events are its order lines: "7,477 events" would be a word for
       * something the shop never recorded. */
      g_autofree char *events = g_strdup_printf (w->purchases_only
                                                 /* TRANSLATORS: a customer's purchases (order lines), all time */
                                                 ? g_dngettext (GETTEXT_PACKAGE, "%s purchase", "%s purchases", m->n_events)
                                                 : g_dngettext (GETTEXT_PACKAGE, "%s event", "%s events", m->n_events),
                                                 count);
      gtk_list_box_append (self->quick_list, customer_row (m, events));
    }
  gtk_widget_set_visible (self->quick_box, ok && w->rows->len > 0);
  self->quick_loaded = ok;
  g_clear_object (&self->quick_job);
}

static void
start_quick (SdRecommendationsPage *self)
{
  QuickWork *w;

  cancel_job (self, &self->quick_job);
  gtk_widget_set_visible (self->quick_box, FALSE);
  self->quick_loaded = FALSE;
  if (self->store == NULL)
    return;
  /* Counting every customer's events takes seconds on a large shop: the list says it is
   * coming rather than appearing out of nowhere, and the search box works meanwhile. */
  clear_list (self->quick_list);
  {
    GtkWidget *row = adw_action_row_new ();
    GtkWidget *spinner = gtk_spinner_new ();

    gtk_spinner_start (GTK_SPINNER (spinner));
    gtk_widget_add_css_class (spinner, "sd-part-loading");
    adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Counting each customer's events…"));
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), spinner);
    gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
    gtk_list_box_append (self->quick_list, row);
    gtk_widget_set_visible (self->quick_box, TRUE);
  }
  w = g_new0 (QuickWork, 1);
  w->db_path = g_strdup (sd_store_get_path (self->store));
  self->quick_job = sd_job_new (_("Finding the most active customers"), quick_job_func, w,
                                (GDestroyNotify) quick_work_free);
  sd_job_run_async (self->quick_job, quick_done_cb, g_object_ref (self));
}

/* ---- Similar items ------------------------------------------------------------------- */

static void
similar_done_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(SdRecommendationsPage) self = user_data;
  SdJob *job = SD_JOB (object);
  SimilarWork *w = sd_job_get_data (job);
  g_autoptr(GError) error = NULL;
  gboolean ok = sd_job_run_finish (job, result, &error);

  if (job != self->similar_job)
    return;
  clear_list (self->similar_list);
  if (!ok)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        gtk_list_box_append (self->similar_list, placeholder_row (error->message));
      g_clear_object (&self->similar_job);
      return;
    }
  gtk_label_set_text (self->similar_caption,
                      w->by_knn ? _("Bought by the same customers (item-kNN, cosine similarity)")
                                : _("Alike in title, description, category and tags (content similarity; "
                                    "train item-kNN for what the same customers bought)"));
  for (guint i = 0; w->rows && i < w->rows->len; i++)
    {
      RecRow *r = g_ptr_array_index (w->rows, i);
      GtkWidget *row = adw_action_row_new ();
      g_autofree char *price = sd_format_money (r->price_cents, self->currency);
      g_autofree char *sub = item_meta (r->category, w->has_categories, w->has_prices ? price : NULL, FALSE);
      g_autofree char *sim = g_strdup_printf ("%.2f", (double) r->score);
      GtkWidget *label = gtk_label_new (sim);

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), r->title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), sub);
      gtk_widget_add_css_class (label, "numeric");
      gtk_widget_set_tooltip_text (label, _("Similarity (1 is identical)"));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
      gtk_list_box_append (self->similar_list, row);
    }
  self->n_similar = w->rows ? w->rows->len : 0;
  if (self->n_similar == 0)
    gtk_list_box_append (self->similar_list, placeholder_row (_("No similar items found.")));
  g_clear_object (&self->similar_job);
}

void
sd_recommendations_page_show_similar (SdRecommendationsPage *self,
                                      guint                  column,
                                      guint                  index)
{
  ViewWork *view = shown_view (self);
  SimilarWork *w;
  RecRow *row;
  GtkListBoxRow *list_row;
  graphene_rect_t bounds;
  g_autofree char *title = NULL;

  g_return_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self));
  if (view == NULL || column >= view->n_models || index >= view->lists[column].rows->len)
    return;
  row = g_ptr_array_index (view->lists[column].rows, index);
  list_row = gtk_list_box_get_row_at_index (self->columns[column].list, (int) index);

  cancel_job (self, &self->similar_job);
  self->n_similar = 0;
  /* TRANSLATORS: the heading of the similar-items popover; %s is a product */
  title = g_strdup_printf (_("Similar to “%s”"), row->title);
  gtk_label_set_text (self->similar_title, title);
  gtk_label_set_text (self->similar_caption, "");
  clear_list (self->similar_list);
  gtk_list_box_append (self->similar_list, loading_row (_("Finding similar items…")));

  if (list_row && gtk_widget_compute_bounds (GTK_WIDGET (list_row), GTK_WIDGET (self->columns_box), &bounds))
    gtk_popover_set_pointing_to (GTK_POPOVER (self->similar_popover),
                                 &(GdkRectangle) { (int) bounds.origin.x, (int) bounds.origin.y,
                                                   (int) bounds.size.width, (int) bounds.size.height });
  gtk_popover_popup (GTK_POPOVER (self->similar_popover));

  w = g_new0 (SimilarWork, 1);
  w->cache = shop_cache_ref (self->cache);
  w->item = row->item;
  w->title = g_strdup (row->title);
  self->similar_job = sd_job_new (_("Finding similar items"), similar_job_func, w,
                                  (GDestroyNotify) similar_work_free);
  sd_job_run_async (self->similar_job, similar_done_cb, g_object_ref (self));
}

guint
sd_recommendations_page_get_n_similar (SdRecommendationsPage *self)
{
  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), 0);
  return self->n_similar;
}

static void
rec_row_activated_cb (GtkListBox            *list,
                      GtkListBoxRow         *row,
                      SdRecommendationsPage *self)
{
  guint column = list == self->columns[1].list ? 1 : 0;
  sd_recommendations_page_show_similar (self, column, (guint) gtk_list_box_row_get_index (row));
}

/* ---- Export -------------------------------------------------------------------------- */

gboolean
sd_recommendations_page_export_csv (SdRecommendationsPage *self,
                                    const char            *path,
                                    GError               **error)
{
  ViewWork *w = shown_view (self);
  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(SdCsvWriter) csv = sd_csv_writer_new (out);

  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), FALSE);
  if (w == NULL)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND, _("No recommendations are on show to export."));
      return FALSE;
    }
  /* CRLF, as spreadsheets on Windows expect. */
  sd_csv_writer_set_crlf (csv, TRUE);
  sd_csv_writer_add_row (csv, "customer", "model", "rank", "product_id", "title", "score", "explanation", NULL);
  for (guint c = 0; c < w->n_models; c++)
    for (guint r = 0; r < w->lists[c].rows->len; r++)
      {
        RecRow *row = g_ptr_array_index (w->lists[c].rows, r);
        g_autofree char *reasons = g_strdup (row->explanation ? row->explanation : "");

        g_strdelimit (reasons, "\n", ';');
        sd_csv_writer_add_string (csv, w->profile->external_id);
        sd_csv_writer_add_string (csv, w->lists[c].model);
        sd_csv_writer_add_int (csv, r + 1);
        sd_csv_writer_add_string (csv, row->external_id);
        sd_csv_writer_add_string (csv, row->title);
        sd_csv_writer_add_double (csv, "%.6g", row->score);
        sd_csv_writer_add_string (csv, reasons);
        sd_csv_writer_end_row (csv);
      }
  if (!g_file_set_contents (path, out->str, (gssize) out->len, error))
    return FALSE;
  return TRUE;
}

static void
export_response_cb (GtkNativeDialog       *chooser,
                    int                    response,
                    SdRecommendationsPage *self)
{
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = g_file_get_path (file);
      g_autoptr(GError) error = NULL;

      if (path && sd_recommendations_page_export_csv (self, path, &error))
        {
          g_autofree char *base = g_path_get_basename (path);
          g_autofree char *message = g_strdup_printf (_("Recommendations saved to “%s”"), base);
          toast (self, message);
        }
      else if (error)
        {
          g_autofree char *message = g_strdup_printf (_("Could not save the recommendations: %s"), error->message);
          toast (self, message);
        }
    }
  gtk_native_dialog_destroy (chooser);
  g_object_unref (chooser);
  g_object_unref (self);
}

/* A modal Save chooser for one kind of file, @name suggested (no folder separators). */
static GtkFileChooserNative *
save_chooser_new (GtkWidget  *widget,
                  const char *title,
                  const char *filter_name,
                  const char *pattern,
                  const char *mime_type,
                  char       *name)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser;
  GtkFileFilter *filter = gtk_file_filter_new ();

  chooser = gtk_file_chooser_native_new (title, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                         GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_file_filter_set_name (filter, filter_name);
  gtk_file_filter_add_pattern (filter, pattern);
  gtk_file_filter_add_mime_type (filter, mime_type);
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_strdelimit (name, "/\\:", '-');
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  return chooser;
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);
  ViewWork *w = shown_view (self);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (w == NULL)
    return;
  /* TRANSLATORS: the suggested file name; %s is the customer's id */
  name = g_strdup_printf (_("recommendations-%s.csv"), w->profile->external_id);
  chooser = save_chooser_new (widget, _("Export Recommendations"), _("CSV files"), "*.csv", "text/csv", name);
  g_signal_connect (chooser, "response", G_CALLBACK (export_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- A customer's rights: their data, and forgetting them ---------------------------- */

static void
customer_actions_set_enabled (SdRecommendationsPage *self,
                              gboolean               enabled)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.export-customer", enabled);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.forget-customer",
                                 enabled && self->store && !sd_store_is_read_only (self->store));
}

typedef struct {
  char   *db_path;
  gint64  customer_id;
  GFile  *file;
} ExportCustomer;

static void
export_customer_free (gpointer data)
{
  ExportCustomer *e = data;

  g_free (e->db_path);
  g_clear_object (&e->file);
  g_free (e);
}

/* In a worker, on its own connection: the export reads every table that names them. */
static void
export_customer_thread (GTask        *task,
                        gpointer      source,
                        gpointer      data,
                        GCancellable *cancellable)
{
  ExportCustomer *e = data;
  GError *error = NULL;
  g_autoptr(SdStore) store = sd_store_open_full (e->db_path, SD_STORE_OPEN_EXISTING, &error);
  g_autofree char *json = store ? sd_customer_export_json (store, e->customer_id, &error) : NULL;

  if (json == NULL ||
      !g_file_replace_contents (e->file, json, strlen (json), NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                NULL, cancellable, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
export_customer_done_cb (GObject      *object,
                         GAsyncResult *result,
                         gpointer      user_data)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (object);
  g_autoptr(GError) error = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    toast (self, _("The customer's data is saved"));
  else
    {
      g_autofree char *message = g_strdup_printf (_("Could not export the customer's data: %s"), error->message);
      toast (self, message);
    }
}

static void
export_customer_response_cb (GtkNativeDialog *chooser,
                             int              response,
                             gpointer         user_data)
{
  SdRecommendationsPage *self = user_data;

  if (response == GTK_RESPONSE_ACCEPT && self->store)
    {
      ExportCustomer *e = g_new0 (ExportCustomer, 1);
      g_autoptr(GTask) task = g_task_new (self, NULL, export_customer_done_cb, NULL);

      e->db_path = g_strdup (sd_store_get_path (self->store));
      e->customer_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (chooser), "customer-id"));
      e->file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_task_set_task_data (task, e, export_customer_free);
      g_task_set_name (task, "export customer data");
      sd_job_run_task_in_thread (task, export_customer_thread);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
export_customer_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);
  ViewWork *w = shown_view (self);
  GtkFileChooserNative *chooser;
  g_autofree char *name = NULL;

  if (w == NULL || w->profile == NULL)
    return;
  /* TRANSLATORS: the suggested file name of a customer's data; %s is the customer's id */
  name = g_strdup_printf (_("customer-data-%s.json"), w->profile->external_id);
  chooser = save_chooser_new (widget, _("Export Customer Data"), _("JSON files"), "*.json", "application/json", name);
  g_object_set_data (G_OBJECT (chooser), "customer-id", GSIZE_TO_POINTER ((gsize) w->profile->id));
  g_signal_connect (chooser, "response", G_CALLBACK (export_customer_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

static void
forget_done_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(SdRecommendationsPage) self = user_data;
  SdJob *job = SD_JOB (object);
  g_autoptr(GError) error = NULL;

  if (sd_job_run_finish (job, result, &error))
    {
      const SdErasureReport *report = sd_customer_forget_job_get_report (job);

      if (!report->vacuumed)
        /* the rows are gone, but freed pages may keep their bytes until the file is rewritten */
        toast (self, _("The customer is forgotten, but another program kept the shop file from being "
                       "rewritten: close that program, then run VACUUM on the shop"));
      else
        toast (self, report->models_marked > 0
                     ? _("The customer is forgotten; models that learnt from them are marked for retraining")
                     : _("The customer is forgotten"));
      show_start (self);
      if (self->store)
        sd_store_notify_changed (self->store);
    }
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    toast (self, _("Forgetting cancelled: nothing changed"));
  else
    {
      g_autofree char *message = g_strdup_printf (_("Could not forget the customer: %s"), error->message);
      toast (self, message);
    }
}

static void
forget_response_cb (AdwMessageDialog *dialog,
                    const char       *response,
                    gpointer          user_data)
{
  SdRecommendationsPage *self = user_data;
  gint64 id = (gint64) GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (dialog), "customer-id"));

  if (g_strcmp0 (response, "forget") == 0 && self->store && id == self->customer_id)
    {
      g_autoptr(SdJob) job = sd_customer_forget_job_new (sd_store_get_path (self->store), id);

      customer_actions_set_enabled (self, FALSE);
      sd_job_set_ask_before_quit (job, TRUE);
      sd_page_host_run_job (GTK_WIDGET (self), job, forget_done_cb, g_object_ref (self));
    }
  g_object_unref (self);
}

static void
forget_customer_action (GtkWidget  *widget,
                        const char *action_name,
                        GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);
  ViewWork *w = shown_view (self);
  GtkRoot *root = gtk_widget_get_root (widget);
  SdCustomerProfile *p;
  AdwMessageDialog *dialog;
  g_autofree char *who = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *orders = NULL;
  g_autofree char *events = NULL;
  g_autofree char *body = NULL;

  if (w == NULL || (p = w->profile) == NULL)
    return;
  who = p->name ? g_strdup_printf ("%s (%s)", p->name, p->external_id) : g_strdup (p->external_id);
  /* TRANSLATORS: %s is the customer's name and id */
  heading = g_strdup_printf (_("Forget %s?"), who);
  orders = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%ld order", "%ld orders", (gulong) p->orders), (long) p->orders);
  events = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%ld event", "%ld events", (gulong) p->n_events), (long) p->n_events);
  /* TRANSLATORS: the first %s is “3 orders”, the second “12 events” */
  body = g_strdup_printf (_("Removed for good: their name, e-mail, country and id; the link from their %s to them "
                            "(the orders stay in the shop's figures, without a customer or country); their %s "
                            "(views, carts, purchases, reviews); their chat tests and chatbot corrections that name "
                            "them; their saved audience memberships; and their rows in stored models. Models that "
                            "learnt from them are marked for retraining. Importing or syncing them again will skip them."),
                          orders, events);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading, body));
  adw_message_dialog_add_responses (dialog, "cancel", _("_Cancel"), "forget", _("_Forget Customer"), NULL);
  adw_message_dialog_set_response_appearance (dialog, "forget", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (dialog, "cancel");
  adw_message_dialog_set_close_response (dialog, "cancel");
  g_object_set_data (G_OBJECT (dialog), "customer-id", GSIZE_TO_POINTER ((gsize) p->id));
  g_signal_connect (dialog, "response", G_CALLBACK (forget_response_cb), g_object_ref (self));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- Training a missing model ------------------------------------------------------- */

static void
train_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(SdRecommendationsPage) self = user_data;
  SdJob *job = SD_JOB (object);
  const char *name = g_object_get_data (object, "model-name");
  g_autoptr(GError) error = NULL;
  g_autofree char *label = model_label (name);

  g_hash_table_remove (self->training, name);
  if (sd_job_run_finish (job, result, &error))
    {
      g_autofree char *message = g_strdup_printf (_("%s trained: its recommendations are on show"), label);
      toast (self, message);
      /* Every page that lists models or runs hears of it; this page reloads its cache. */
      if (self->store)
        sd_store_notify_changed (self->store);
    }
  else
    {
      g_autofree char *message = NULL;
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        message = g_strdup_printf (_("Training %s cancelled"), label);
      else
        message = g_strdup_printf (_("Training %s failed: %s"), label, error->message);
      toast (self, message);
      if (self->shown)
        show_view (self);
    }
}

static void
train_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);
  const char *name = g_variant_get_string (parameter, NULL);
  GtkWindow *window = get_window (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(SdJob) job = NULL;
  SdTrainOptions options;

  if (self->store == NULL || window == NULL || g_hash_table_contains (self->training, name))
    return;
  sd_train_options_init (&options);
  options.db_path = sd_store_get_path (self->store);
  options.model = name;
  options.store_model = TRUE;
  if (!(job = sd_train_job_new (&options, &error)))
    {
      toast (self, error->message);
      return;
    }
  g_object_set_data_full (G_OBJECT (job), "model-name", g_strdup (name), g_free);
  g_hash_table_add (self->training, g_strdup (name));
  for (guint c = 0; c < 2; c++)
    gtk_widget_set_sensitive (GTK_WIDGET (self->columns[c].train_button), FALSE);
  sd_job_set_ask_before_quit (job, TRUE);
  sd_page_host_run_job (GTK_WIDGET (self), job, train_done_cb, g_object_ref (self));
}

/* ---- Store --------------------------------------------------------------------------- */

static void
store_changed_cb (SdRecommendationsPage *self)
{
  /* Shop Settings may have given the shop another currency. */
  g_free (self->currency);
  self->currency = sd_shop_currency (self->store);
  g_clear_pointer (&self->cache, shop_cache_unref);
  self->cache = shop_cache_new (sd_store_get_path (self->store));
  /* The most active customers change with the shop; a list behind an open customer is stale. */
  self->quick_loaded = FALSE;
  fill_models (self);
  fill_categories (self);
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      start_view (self);
      if (self->customer_id < 0)
        start_quick (self);
    }
  else
    self->stale = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

SdStore *
sd_recommendations_page_get_store (SdRecommendationsPage *self)
{
  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), NULL);
  return self->store;
}

void
sd_recommendations_page_set_store (SdRecommendationsPage *self,
                                   SdStore               *store)
{
  g_return_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self));

  if (self->store == store)
    return;
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_set_object (&self->store, store);
  cancel_job (self, &self->job);
  cancel_job (self, &self->similar_job);
  g_clear_object (&self->shown);
  g_clear_pointer (&self->cache, shop_cache_unref);
  g_clear_pointer (&self->currency, g_free);
  self->customer_id = -1;
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.export", FALSE);
  customer_actions_set_enabled (self, FALSE);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  if (store)
    {
      self->currency = sd_shop_currency (store);
      g_signal_connect_object (store, "changed", G_CALLBACK (store_changed_cb), self, G_CONNECT_SWAPPED);
      store_changed_cb (self);
      /* The empty state's list is wanted as soon as the page shows. */
      self->stale = TRUE;
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE]);
}

static void
sd_recommendations_page_map (GtkWidget *widget)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (widget);

  GTK_WIDGET_CLASS (sd_recommendations_page_parent_class)->map (widget);
  if (self->stale)
    {
      self->stale = FALSE;
      if (self->customer_id >= 0)
        start_view (self);
      else
        start_quick (self);
    }
  if (self->customer_id < 0)
    gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

/* ---- For tests and other pages ------------------------------------------------------ */

gboolean
sd_recommendations_page_select_model (SdRecommendationsPage *self,
                                      guint                  column,
                                      const char            *name)
{
  int pos = model_position (self, name);

  g_return_val_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self), FALSE);
  if (pos < 0 || column > 1)
    return FALSE;
  gtk_drop_down_set_selected (column == 0 ? self->model_dropdown : self->model2_dropdown, (guint) pos);
  return TRUE;
}

void
sd_recommendations_page_set_count (SdRecommendationsPage *self,
                                   guint                  n)
{
  g_return_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self));
  gtk_spin_button_set_value (self->count_spin, n);
}

void
sd_recommendations_page_set_compare (SdRecommendationsPage *self,
                                     gboolean               compare)
{
  g_return_if_fail (SD_IS_RECOMMENDATIONS_PAGE (self));
  gtk_toggle_button_set_active (self->compare_button, compare);
}

static RecRow *
item_at (SdRecommendationsPage *self,
         guint                  column,
         guint                  index)
{
  ViewWork *w = shown_view (self);

  if (w == NULL || column >= w->n_models || index >= w->lists[column].rows->len)
    return NULL;
  return g_ptr_array_index (w->lists[column].rows, index);
}

guint
sd_recommendations_page_get_n_items (SdRecommendationsPage *self,
                                     guint                  column)
{
  ViewWork *w = shown_view (self);
  return w && column < w->n_models ? w->lists[column].rows->len : 0;
}

gint64
sd_recommendations_page_get_item_product (SdRecommendationsPage *self,
                                          guint                  column,
                                          guint                  index)
{
  RecRow *row = item_at (self, column, index);
  return row ? row->product_id : -1;
}

const char *
sd_recommendations_page_get_item_reasons (SdRecommendationsPage  *self,
                                          guint                   column,
                                          guint                   index,
                                          const char            **numbers)
{
  RecRow *row = item_at (self, column, index);

  if (numbers)
    *numbers = row ? row->explanation_numbers : NULL;
  return row ? row->explanation : NULL;
}

const char *
sd_recommendations_page_get_item_explanation (SdRecommendationsPage *self,
                                              guint                  column,
                                              guint                  index)
{
  return sd_recommendations_page_get_item_reasons (self, column, index, NULL);
}

guint
sd_recommendations_page_get_overlap (SdRecommendationsPage *self)
{
  ViewWork *w = shown_view (self);
  return w ? w->overlap : 0;
}

guint
sd_recommendations_page_get_n_offers (SdRecommendationsPage *self)
{
  ViewWork *w = shown_view (self);
  return w && w->offers ? w->offers->len : 0;
}

/* ---- GObject ------------------------------------------------------------------------- */

static void
build_column (SdRecommendationsPage *self,
              guint                  c)
{
  Column *column = &self->columns[c];
  GtkWidget *header = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);

  column->header = header;
  column->box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 8);
  column->title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (column->title, 0);
  gtk_widget_add_css_class (GTK_WIDGET (column->title), "heading");
  gtk_box_append (GTK_BOX (header), GTK_WIDGET (column->title));

  column->note_box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 10);
  gtk_widget_add_css_class (column->note_box, "card");
  gtk_widget_add_css_class (column->note_box, "sd-note-card");
  {
    GtkWidget *line = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
    GtkWidget *icon = gtk_image_new_from_icon_name ("dialog-information-symbolic");

    gtk_widget_set_valign (icon, GTK_ALIGN_START);
    column->note = GTK_LABEL (dim_label (NULL, FALSE));
    gtk_widget_set_hexpand (GTK_WIDGET (column->note), TRUE);
    gtk_box_append (GTK_BOX (line), icon);
    gtk_box_append (GTK_BOX (line), GTK_WIDGET (column->note));
    gtk_box_append (GTK_BOX (column->note_box), line);
  }
  column->train_button = GTK_BUTTON (gtk_button_new ());
  gtk_widget_set_halign (GTK_WIDGET (column->train_button), GTK_ALIGN_START);
  gtk_actionable_set_action_target (GTK_ACTIONABLE (column->train_button), "s", "");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (column->train_button), "recommendations.train");
  gtk_widget_add_css_class (GTK_WIDGET (column->train_button), "suggested-action");
  gtk_box_append (GTK_BOX (column->note_box), GTK_WIDGET (column->train_button));
  gtk_widget_set_visible (column->note_box, FALSE);
  gtk_box_append (GTK_BOX (header), column->note_box);
  gtk_box_append (GTK_BOX (column->box), header);

  column->list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (column->list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (column->list), "boxed-list");
  gtk_widget_set_valign (GTK_WIDGET (column->list), GTK_ALIGN_START);
  gtk_accessible_update_property (GTK_ACCESSIBLE (column->list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  c == 0 ? _("Recommended items") : _("Recommended items of the second model"), -1);
  g_signal_connect_object (column->list, "row-activated", G_CALLBACK (rec_row_activated_cb), self, 0);
  gtk_box_append (GTK_BOX (column->box), GTK_WIDGET (column->list));
  gtk_box_append (self->columns_box, column->box);
}

static GtkWidget *
build_similar_popover (SdRecommendationsPage *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->similar_title = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_xalign (self->similar_title, 0);
  gtk_label_set_wrap (self->similar_title, TRUE);
  gtk_label_set_max_width_chars (self->similar_title, 40);
  gtk_widget_add_css_class (GTK_WIDGET (self->similar_title), "heading");
  self->similar_caption = GTK_LABEL (dim_label (NULL, TRUE));
  gtk_label_set_max_width_chars (self->similar_caption, 50);
  self->similar_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->similar_list, GTK_SELECTION_NONE);
  gtk_widget_add_css_class (GTK_WIDGET (self->similar_list), "boxed-list");
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->similar_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Similar items"), -1);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 480);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->similar_list));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->similar_title));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (self->similar_caption));
  gtk_box_append (GTK_BOX (box), scroller);
  gtk_widget_set_size_request (box, 380, -1);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 6);
  gtk_widget_set_margin_end (box, 6);
  gtk_popover_set_child (GTK_POPOVER (popover), box);
  gtk_popover_set_position (GTK_POPOVER (popover), GTK_POS_BOTTOM);
  gtk_widget_set_parent (popover, GTK_WIDGET (self->columns_box));
  return popover;
}

static GtkWidget *
build_suggest_popover (SdRecommendationsPage *self)
{
  GtkWidget *popover = gtk_popover_new ();
  GtkWidget *scroller = gtk_scrolled_window_new ();

  self->suggest_list = GTK_LIST_BOX (gtk_list_box_new ());
  gtk_list_box_set_selection_mode (self->suggest_list, GTK_SELECTION_SINGLE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->suggest_list), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Matching customers"), -1);
  gtk_widget_add_css_class (GTK_WIDGET (self->suggest_list), "navigation-sidebar");
  g_signal_connect_object (self->suggest_list, "row-activated", G_CALLBACK (suggestion_activated_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scroller), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scroller), TRUE);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scroller), 420);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scroller), GTK_WIDGET (self->suggest_list));
  gtk_popover_set_child (GTK_POPOVER (popover), scroller);
  /* Typing goes on in the entry while the suggestions show. */
  gtk_popover_set_autohide (GTK_POPOVER (popover), FALSE);
  gtk_popover_set_has_arrow (GTK_POPOVER (popover), FALSE);
  gtk_popover_set_position (GTK_POPOVER (popover), GTK_POS_BOTTOM);
  gtk_widget_set_halign (popover, GTK_ALIGN_START);
  gtk_widget_set_parent (popover, GTK_WIDGET (self->search_entry));
  return popover;
}

static void
search_focus_leave_cb (SdRecommendationsPage *self)
{
  gtk_popover_popdown (GTK_POPOVER (self->suggest_popover));
}

static void
sd_recommendations_page_dispose (GObject *object)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (object);
  GtkWidget *child;

  cancel_job (self, &self->job);
  cancel_job (self, &self->similar_job);
  cancel_job (self, &self->quick_job);
  if (self->search_cancellable)
    g_cancellable_cancel (self->search_cancellable);
  g_clear_object (&self->search_cancellable);
  g_clear_object (&self->shown);
  if (self->store)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->store);
  g_clear_pointer (&self->suggest_popover, gtk_widget_unparent);
  g_clear_pointer (&self->similar_popover, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), SD_TYPE_RECOMMENDATIONS_PAGE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))))
    gtk_widget_unparent (child);
  g_clear_pointer (&self->cache, shop_cache_unref);
  g_clear_pointer (&self->model_names, g_ptr_array_unref);
  g_clear_pointer (&self->categories, g_ptr_array_unref);
  g_clear_pointer (&self->training, g_hash_table_unref);
  g_clear_pointer (&self->currency, g_free);

  G_OBJECT_CLASS (sd_recommendations_page_parent_class)->dispose (object);
}

static void
sd_recommendations_page_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      g_value_set_object (value, self->store);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, sd_recommendations_page_get_loading (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_recommendations_page_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  SdRecommendationsPage *self = SD_RECOMMENDATIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_STORE:
      sd_recommendations_page_set_store (self, g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
sd_recommendations_page_class_init (SdRecommendationsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = sd_recommendations_page_dispose;
  object_class->get_property = sd_recommendations_page_get_property;
  object_class->set_property = sd_recommendations_page_set_property;
  widget_class->map = sd_recommendations_page_map;

  properties[PROP_STORE] =
    g_param_spec_object ("store", NULL, NULL, SD_TYPE_STORE,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, RESOURCE_PATH "/ui/sd-recommendations-page.ui");
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, quick_box);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, quick_list);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, avatar);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, name_label);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, detail_label);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, figures_box);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, compare_button);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, model2_box);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, model_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, model2_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, count_spin);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, bought_check);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, stock_check);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, boost_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, bury_dropdown);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, controls_box);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, overlap_label);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, columns_box);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, offers_caption);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, offers_list);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, history_caption);
  gtk_widget_class_bind_template_child (widget_class, SdRecommendationsPage, history_list);
  gtk_widget_class_bind_template_callback (widget_class, settings_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, compare_toggled_cb);
  gtk_widget_class_bind_template_callback (widget_class, suggestion_activated_cb);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);

  gtk_widget_class_install_action (widget_class, "recommendations.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "recommendations.export", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "recommendations.export-customer", NULL, export_customer_action);
  gtk_widget_class_install_action (widget_class, "recommendations.forget-customer", NULL, forget_customer_action);
  gtk_widget_class_install_action (widget_class, "recommendations.train", "s", train_action);
  gtk_widget_class_install_action (widget_class, "recommendations.refresh", NULL, refresh_action);
  gtk_widget_class_install_action (widget_class, "recommendations.show-customer", "s", show_customer_action);
  gtk_widget_class_install_action (widget_class, "recommendations.back", NULL, back_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "recommendations.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "recommendations.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK, "recommendations.search", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "recommendations.export", NULL);
}

static void
sd_recommendations_page_init (SdRecommendationsPage *self)
{
  GtkEventController *keys;
  GtkEventController *focus;

  self->customer_id = -1;
  self->model_names = g_ptr_array_new_with_free_func (g_free);
  self->categories = g_ptr_array_new_with_free_func (g_free);
  self->training = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gtk_widget_init_template (GTK_WIDGET (self));

  /* The flow box only wraps the groups of controls: its children are not stops of their own. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->controls_box)); child;
       child = gtk_widget_get_next_sibling (child))
    gtk_widget_set_focusable (child, FALSE);
  build_column (self, 0);
  build_column (self, 1);
  gtk_widget_set_visible (self->columns[1].box, FALSE);
  /* The second model is picked at the head of its own column, where it is compared. */
  g_object_ref (self->model2_box);
  gtk_box_remove (GTK_BOX (gtk_widget_get_parent (self->model2_box)), self->model2_box);
  gtk_widget_set_visible (GTK_WIDGET (self->columns[1].title), FALSE);
  gtk_box_prepend (GTK_BOX (self->columns[1].header), self->model2_box);
  gtk_widget_set_visible (self->model2_box, TRUE);
  g_object_unref (self->model2_box);
  {
    /* Both lists start at the same height, the dropdown's header being the taller. */
    g_autoptr(GtkSizeGroup) group = gtk_size_group_new (GTK_SIZE_GROUP_VERTICAL);
    gtk_size_group_add_widget (group, GTK_WIDGET (self->columns[0].title));
    gtk_size_group_add_widget (group, self->model2_box);
  }
  self->suggest_popover = build_suggest_popover (self);
  self->similar_popover = build_similar_popover (self);

  g_signal_connect_object (self->search_entry, "search-changed", G_CALLBACK (search_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "activate", G_CALLBACK (search_activate_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->search_entry, "stop-search", G_CALLBACK (stop_search_cb), self, G_CONNECT_SWAPPED);
  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect_object (keys, "key-pressed", G_CALLBACK (search_key_cb), self, 0);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), keys);
  focus = gtk_event_controller_focus_new ();
  g_signal_connect_object (focus, "leave", G_CALLBACK (search_focus_leave_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self->search_entry), focus);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "recommendations.export", FALSE);
  customer_actions_set_enabled (self, FALSE);
  g_signal_connect_object (self->stack, "notify::visible-child-name", G_CALLBACK (stack_child_cb), self, G_CONNECT_SWAPPED);
  gtk_stack_set_visible_child_name (self->stack, "empty");
  stack_child_cb (self);
}
