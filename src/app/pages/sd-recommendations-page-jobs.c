/* sd-recommendations-page-jobs.c — the Recommendations page's background work: the shop's cache
 * shared by its jobs, a customer's view, similar items, the most active customers */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-content.h"
#include "sd-coupon-interest.h"
#include "sd-coupon-store.h"
#include "sd-customer-query.h"
#include "sd-error.h"
#include "sd-item-knn.h"
#include "sd-model-store.h"
#include "sd-product-text.h"
#include "sd-recommendations-page-private.h"
#include "sd-shop-summary.h"

/* ---- The shop's cache, shared by the jobs ------------------------------------------ */

/* Models that are not stored are kept as NULL, so they are not looked up again. */
static void
unref_model (gpointer model)
{
  if (model)
    g_object_unref (model);
}

ShopCache *
sd_recommendations_page_shop_cache_new (const char *db_path)
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

ShopCache *
sd_recommendations_page_shop_cache_ref (ShopCache *cache)
{
  g_atomic_int_inc (&cache->ref_count);
  return cache;
}

void
sd_recommendations_page_shop_cache_unref (ShopCache *cache)
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

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ShopCache, sd_recommendations_page_shop_cache_unref)

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

static void
offer_free (Offer *offer)
{
  g_free (offer->name);
  g_free (offer->reason);
  g_free (offer);
}

void
sd_recommendations_page_view_work_free (ViewWork *w)
{
  sd_recommendations_page_shop_cache_unref (w->cache);
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
  g_clear_pointer (&w->misses, g_ptr_array_unref);
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

char *
sd_recommendations_page_model_label (const char *name)
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
  list->label = sd_recommendations_page_model_label (name);
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
  /* Nothing offered: say why, rather than leave the basket's figures to suggest a discount. */
  w->misses = g_ptr_array_new_with_free_func ((GDestroyNotify) offer_free);
  for (guint i = 0; applied->len == 0 && i < sd_coupon_engine_get_n_rules (cache->engine); i++)
    {
      const SdCouponRule *rule = sd_coupon_engine_get_rule (cache->engine, i);
      Offer *miss;

      if (!rule->enabled)
        continue;
      w->enabled_rules++;
      miss = g_new0 (Offer, 1);
      miss->name = g_strdup (rule->name);
      miss->reason = sd_coupon_engine_why_not (cache->engine, rule, (guint) index, NULL);
      g_ptr_array_add (w->misses, miss);
    }
}

gboolean
sd_recommendations_page_view_job_func (SdJob         *job,
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

void
sd_recommendations_page_similar_work_free (SimilarWork *w)
{
  sd_recommendations_page_shop_cache_unref (w->cache);
  g_free (w->title);
  g_clear_pointer (&w->rows, g_ptr_array_unref);
  g_free (w);
}

gboolean
sd_recommendations_page_similar_job_func (SdJob         *job,
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

void
sd_recommendations_page_quick_work_free (QuickWork *w)
{
  g_free (w->db_path);
  g_clear_pointer (&w->rows, g_ptr_array_unref);
  g_free (w);
}

gboolean
sd_recommendations_page_quick_job_func (SdJob         *job,
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
