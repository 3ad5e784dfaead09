/* sd-coupon-interest.c — predicted interest for coupon conditions, from the shop's models */
#include "config.h"

#include <math.h>
#include <string.h>

#include "sd-coupon-interest.h"
#include "sd-model-store.h"

typedef struct {
  SdRecommender  *model;        /* NULL when the shop has no such model */
  SdInteractions *train;
  int            *item_product; /* model item → facts product index, -1 unknown */
  float          *category;     /* n_customers × n_categories; NAN until computed */
  int            *rank;         /* same shape */
} Entry;

struct _SdInterest {
  char            *db_path;
  SdCustomerFacts *facts;
  GMutex           lock;
  GHashTable      *entries;     /* model name → Entry * */
};

static void
entry_free (Entry *e)
{
  g_clear_object (&e->model);
  g_clear_pointer (&e->train, sd_interactions_unref);
  g_free (e->item_product);
  g_free (e->category);
  g_free (e->rank);
  g_free (e);
}

SdInterest *
sd_interest_new (const char      *db_path,
                 SdCustomerFacts *facts)
{
  SdInterest *self = g_new0 (SdInterest, 1);

  self->db_path = g_strdup (db_path);
  self->facts = facts;
  g_mutex_init (&self->lock);
  self->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) entry_free);
  return self;
}

void
sd_interest_free (SdInterest *self)
{
  if (self == NULL)
    return;
  g_hash_table_unref (self->entries);
  g_mutex_clear (&self->lock);
  g_free (self->db_path);
  g_free (self);
}

/* Called with the lock held. A model that cannot be loaded is remembered as missing, so
 * a million customers do not each try again. */
static Entry *
get_entry (SdInterest *self,
           const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SdStore) store = NULL;
  SdInteractionWeights weights;
  Entry *e = g_hash_table_lookup (self->entries, name);
  guint n_cat = self->facts->categories->len;

  if (e != NULL)
    return e;
  e = g_new0 (Entry, 1);
  g_hash_table_insert (self->entries, g_strdup (name), e);

  sd_interactions_weights_default (&weights);
  if (!(store = sd_store_open (self->db_path, &error)) ||
      !(e->train = sd_interactions_from_store (store, &weights, NULL, &error)) ||
      !(e->model = g_str_equal (name, SD_INTEREST_LIVE_MODEL)
                   ? sd_model_store_load_live_or_newest (store, SD_MODEL_PURPOSE_COUPON_INTEREST,
                                                         e->train, NULL, &error)
                   : sd_model_store_load (store, name, e->train, NULL, &error)))
    {
      g_debug ("No interest from “%s”: %s", name, error ? error->message : "unknown");
      return e;
    }

  e->item_product = g_new (int, e->train->n_items);
  for (guint i = 0; i < e->train->n_items; i++)
    {
      e->item_product[i] = -1;
      for (guint p = 0; p < self->facts->n_products; p++)
        if (self->facts->products[p].id == e->train->item_ids[i])
          {
            e->item_product[i] = p;
            break;
          }
    }
  e->category = g_new (float, (gsize) MAX (self->facts->n_customers, 1) * MAX (n_cat, 1));
  e->rank = g_new0 (int, (gsize) MAX (self->facts->n_customers, 1) * MAX (n_cat, 1));
  for (gsize i = 0; i < (gsize) self->facts->n_customers * n_cat; i++)
    e->category[i] = NAN;
  return e;
}

/* The customer's scaled interest in every category, computed once. */
static gboolean
ensure_categories (SdInterest *self,
                   Entry      *e,
                   guint       customer,
                   float      *scratch)
{
  guint n_cat = self->facts->categories->len;
  float *row = e->category + (gsize) customer * n_cat;
  int *ranks = e->rank + (gsize) customer * n_cat;
  int user = sd_interactions_user_index (e->train, self->facts->customers[customer].id);
  float lo = INFINITY, hi = -INFINITY;

  if (n_cat == 0 || user < 0)
    return FALSE;
  if (!isnan (row[0]))
    return TRUE;

  for (guint c = 0; c < n_cat; c++)
    row[c] = -INFINITY;
  sd_recommender_score (e->model, user, scratch);
  for (guint i = 0; i < e->train->n_items; i++)
    {
      int p = e->item_product[i];
      int c = p >= 0 ? self->facts->products[p].category_index : -1;
      if (c >= 0 && scratch[i] > row[c])
        row[c] = scratch[i];
    }
  for (guint c = 0; c < n_cat; c++)
    if (isfinite (row[c]))
      {
        lo = MIN (lo, row[c]);
        hi = MAX (hi, row[c]);
      }
  for (guint c = 0; c < n_cat; c++)
    row[c] = isfinite (row[c]) ? (hi > lo ? (row[c] - lo) / (hi - lo) : 1.0f) : 0.0f;
  for (guint c = 0; c < n_cat; c++)
    {
      int r = 1;
      for (guint d = 0; d < n_cat; d++)
        if (row[d] > row[c])
          r++;
      ranks[c] = r;
    }
  return TRUE;
}

gboolean
sd_interest_lookup (const char *model,
                    guint       customer,
                    const char *target,
                    double     *score,
                    int        *rank,
                    gpointer    user_data)
{
  SdInterest *self = user_data;
  g_autofree float *scratch = NULL;
  gboolean ok = FALSE;
  Entry *e;

  if (model == NULL || target == NULL || customer >= self->facts->n_customers)
    return FALSE;

  g_mutex_lock (&self->lock);
  e = get_entry (self, model);
  if (e->model == NULL)
    goto out;
  scratch = g_new (float, MAX (e->train->n_items, 1));

  if (g_str_has_prefix (target, "product:"))
    {
      /* One product: its score scaled among all the customer's scores, and its rank. */
      int p = sd_customer_facts_find_product (self->facts, target + strlen ("product:"));
      int user = sd_interactions_user_index (e->train, self->facts->customers[customer].id);
      int item = p >= 0 ? sd_interactions_item_index (e->train, self->facts->products[p].id) : -1;
      float lo = INFINITY, hi = -INFINITY;
      int r = 1;

      if (user < 0 || item < 0)
        goto out;
      sd_recommender_score (e->model, user, scratch);
      for (guint i = 0; i < e->train->n_items; i++)
        {
          lo = MIN (lo, scratch[i]);
          hi = MAX (hi, scratch[i]);
          if (scratch[i] > scratch[item])
            r++;
        }
      *score = hi > lo ? (scratch[item] - lo) / (hi - lo) : 1.0;
      *rank = r;
      ok = TRUE;
    }
  else
    {
      int c = sd_customer_facts_category (self->facts, target);
      guint n_cat = self->facts->categories->len;

      if (c < 0 || !ensure_categories (self, e, customer, scratch))
        goto out;
      *score = e->category[(gsize) customer * n_cat + c];
      *rank = e->rank[(gsize) customer * n_cat + c];
      ok = TRUE;
    }

out:
  g_mutex_unlock (&self->lock);
  return ok;
}
