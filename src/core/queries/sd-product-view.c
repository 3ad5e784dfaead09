/* sd-product-view.c — one product: its figures, sales over time, buyers, companions */
#include "config.h"

#include <glib/gi18n.h>

#include "sd-catalog.h"
#include "sd-content.h"
#include "sd-error.h"
#include "sd-figures.h"
#include "sd-interactions.h"
#include "sd-item-knn.h"
#include "sd-model-store.h"
#include "sd-product-text.h"
#include "sd-queries-private.h"
#include "sd-product-view.h"
#include "sd-shop-summary.h"

/* A line's amount counts in the product's revenue when its order is in the shop's
 * currency (bound as ?2, upper case, "" for none; orders naming none are in it). */
#define IN_SHOP_CURRENCY(o) "upper(coalesce(nullif(trim(" o ".currency), ''), ?2)) = ?2"

static void
buyer_free (SdProductBuyer *buyer)
{
  g_free (buyer->external_id);
  g_free (buyer->name);
  g_free (buyer->country);
  g_free (buyer);
}

static void
peer_free (SdProductPeer *peer)
{
  g_free (peer->external_id);
  g_free (peer->title);
  g_free (peer->category);
  g_free (peer);
}

void
sd_product_view_free (SdProductView *view)
{
  if (view == NULL)
    return;
  g_free (view->external_id);
  g_free (view->title);
  g_free (view->description);
  g_free (view->category);
  g_free (view->kind);
  g_free (view->status);
  g_free (view->currency);
  g_clear_pointer (&view->series, g_array_unref);
  g_clear_pointer (&view->buyers, g_ptr_array_unref);
  g_clear_pointer (&view->bought_together, g_ptr_array_unref);
  g_free (view);
}

static gboolean
load_product (SdStore        *store,
              SdProductView  *view,
              GError        **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT p.external_id, " SD_PRODUCT_TITLE ("p") ", p.description, p.category,"
                      "       coalesce(p.kind, 'merchandise'), p.status, p.price_cents, p.stock"
                      " FROM products p WHERE p.id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, view->product_id);
  sd_product_text_bind (stmt);
  if ((rc = sqlite3_step (stmt)) == SQLITE_DONE)
    {
      g_set_error (error, SD_ERROR, SD_ERROR_NOT_FOUND,
                   _("There is no product %ld in this shop"), (long) view->product_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return sd_store_fail (store, _("Could not read the product"), error);
  view->external_id = sd_query_column_text (stmt, 0);
  view->title = sd_query_column_text (stmt, 1);
  view->description = sd_query_column_text (stmt, 2);
  view->category = sd_query_column_text (stmt, 3);
  view->kind = sd_query_column_text (stmt, 4);
  view->status = sd_query_column_text (stmt, 5);
  view->price_cents = sqlite3_column_int64 (stmt, 6);
  view->stock = sqlite3_column_int64 (stmt, 7);
  return TRUE;
}

static gboolean
load_figures (SdStore        *store,
              SdProductView  *view,
              GError        **error)
{
#define SOLD "(" SD_SQL_ORDER_IS_SALE ("o") " AND l.quantity > 0)"
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT coalesce(sum(CASE WHEN " IN_SHOP_CURRENCY ("o") " THEN " SD_SQL_LINE_REVENUE ("l") " END), 0),"
                      "       coalesce(sum(l.quantity), 0),"
                      "       count(DISTINCT CASE WHEN " SOLD " THEN o.id END),"
                      "       count(DISTINCT CASE WHEN " SOLD " THEN o.customer_id END),"
                      "       coalesce(min(CASE WHEN " SOLD " THEN o.placed_at END), 0),"
                      "       coalesce(max(CASE WHEN " SOLD " THEN o.placed_at END), 0)"
                      " FROM order_lines l JOIN orders o ON o.id = l.order_id"
                      " WHERE l.product_id = ?1 AND " SD_SQL_LINE_COUNTS ("o", "l"), error);
#undef SOLD

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, view->product_id);
  sqlite3_bind_text (stmt, 2, view->currency ? view->currency : "", -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) != SQLITE_ROW)
    return sd_store_fail (store, _("Could not count the product's sales"), error);
  view->revenue_cents = sqlite3_column_int64 (stmt, 0);
  view->units = sqlite3_column_int64 (stmt, 1);
  view->orders = sqlite3_column_int64 (stmt, 2);
  view->customers = sqlite3_column_int64 (stmt, 3);
  view->first_sold_at = sqlite3_column_int64 (stmt, 4);
  view->last_sold_at = sqlite3_column_int64 (stmt, 5);
  return TRUE;
}

/* Per day from SQLite, gathered into the buckets that suit the product's span. */
static gboolean
load_series (SdStore        *store,
             SdProductView  *view,
             GError        **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT (o.placed_at - ((o.placed_at % 86400) + 86400) % 86400) AS day,"
                      "       coalesce(sum(CASE WHEN " IN_SHOP_CURRENCY ("o") " THEN " SD_SQL_LINE_REVENUE ("l") " END), 0),"
                      "       sum(l.quantity)"
                      " FROM order_lines l JOIN orders o ON o.id = l.order_id"
                      " WHERE l.product_id = ?1 AND " SD_SQL_LINE_COUNTS ("o", "l")
                      " GROUP BY day ORDER BY day", error);
  gint64 from, to;
  guint at = 0;
  int rc;

  if (stmt == NULL)
    return FALSE;
  if (view->first_sold_at == 0 && view->last_sold_at == 0)
    return TRUE;
  from = sd_time_bucket_floor (SD_TIME_BUCKET_DAY, view->first_sold_at);
  to = sd_time_bucket_next (SD_TIME_BUCKET_DAY, view->last_sold_at);
  view->bucket = sd_time_bucket_for_span (to - from);
  for (gint64 t = sd_time_bucket_floor (view->bucket, from); t < to; t = sd_time_bucket_next (view->bucket, t))
    {
      SdProductBucket b = { t, 0, 0 };
      g_array_append_val (view->series, b);
    }

  sqlite3_bind_int64 (stmt, 1, view->product_id);
  sqlite3_bind_text (stmt, 2, view->currency ? view->currency : "", -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 start = sd_time_bucket_floor (view->bucket, sqlite3_column_int64 (stmt, 0));
      SdProductBucket *b;

      /* Days come in order, so the bucket only moves forward. */
      while (at + 1 < view->series->len && g_array_index (view->series, SdProductBucket, at + 1).start <= start)
        at++;
      b = &g_array_index (view->series, SdProductBucket, at);
      if (b->start != start)
        continue;   /* a return after the last sale, outside the span shown */
      b->revenue_cents += sqlite3_column_int64 (stmt, 1);
      b->units += sqlite3_column_int64 (stmt, 2);
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not count the product's sales"), error);
  return TRUE;
}

static gboolean
load_buyers (SdStore        *store,
             SdProductView  *view,
             guint           top_n,
             GError        **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT c.id, c.external_id, c.name, c.country, sum(l.quantity) AS units,"
                      "       count(DISTINCT CASE WHEN " SD_SQL_ORDER_IS_SALE ("o") " AND l.quantity > 0"
                      "                      THEN o.id END) AS n"
                      " FROM order_lines l JOIN orders o ON o.id = l.order_id"
                      " JOIN customers c ON c.id = o.customer_id"
                      " WHERE l.product_id = ?1 AND " SD_SQL_LINE_COUNTS ("o", "l")
                      " GROUP BY c.id HAVING units > 0"
                      " ORDER BY units DESC, n DESC, c.id LIMIT ?2", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, view->product_id);
  sqlite3_bind_int64 (stmt, 2, top_n);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdProductBuyer *buyer = g_new0 (SdProductBuyer, 1);

      buyer->customer_id = sqlite3_column_int64 (stmt, 0);
      buyer->external_id = sd_query_column_text (stmt, 1);
      buyer->name = sd_query_column_text (stmt, 2);
      buyer->country = sd_query_column_text (stmt, 3);
      buyer->units = sqlite3_column_int64 (stmt, 4);
      buyer->orders = sqlite3_column_int64 (stmt, 5);
      g_ptr_array_add (view->buyers, buyer);
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not read who buys the product"), error);
  return TRUE;
}

/* Co-purchases: other merchandise on positive lines of the same sales. */
static gboolean
load_bought_together (SdStore        *store,
                      SdProductView  *view,
                      guint           top_n,
                      GError        **error)
{
  g_autoptr(SdStmt) stmt =
    sd_store_prepare (store,
                      "SELECT p.id, p.external_id, " SD_PRODUCT_TITLE ("p") ", p.category,"
                      "       count(DISTINCT l.order_id) AS n"
                      " FROM order_lines l JOIN orders o ON o.id = l.order_id"
                      " JOIN order_lines l2 ON l2.order_id = l.order_id"
                      " JOIN products p ON p.id = l2.product_id"
                      " WHERE l.product_id = ?1 AND l.quantity > 0 AND " SD_SQL_ORDER_IS_SALE ("o")
                      "   AND l2.product_id <> ?1 AND l2.quantity > 0 AND " SD_SQL_PRODUCT_IS_MERCHANDISE ("p")
                      " GROUP BY p.id ORDER BY n DESC, p.id LIMIT ?2", error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, view->product_id);
  sqlite3_bind_int64 (stmt, 2, top_n);
  sd_product_text_bind (stmt);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      SdProductPeer *peer = g_new0 (SdProductPeer, 1);

      peer->product_id = sqlite3_column_int64 (stmt, 0);
      peer->external_id = sd_query_column_text (stmt, 1);
      peer->title = sd_query_column_text (stmt, 2);
      peer->category = sd_query_column_text (stmt, 3);
      peer->score = sqlite3_column_int64 (stmt, 4);
      g_ptr_array_add (view->bought_together, peer);
    }
  if (rc != SQLITE_DONE)
    return sd_store_fail (store, _("Could not read what is bought with the product"), error);
  return TRUE;
}

SdProductView *
sd_product_view_load (SdStore       *store,
                      gint64         product_id,
                      guint          top_n,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autoptr(SdProductView) view = g_new0 (SdProductView, 1);
  g_autofree char *currency = NULL;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  view->product_id = product_id;
  view->series = g_array_new (FALSE, FALSE, sizeof (SdProductBucket));
  view->buyers = g_ptr_array_new_with_free_func ((GDestroyNotify) buyer_free);
  view->bought_together = g_ptr_array_new_with_free_func ((GDestroyNotify) peer_free);
  if ((currency = sd_shop_currency (store)))
    view->currency = g_ascii_strup (g_strstrip (currency), -1);

  if (!load_product (store, view, error) ||
      !load_figures (store, view, error) ||
      !load_series (store, view, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !load_buyers (store, view, top_n, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error) ||
      !load_bought_together (store, view, top_n, error) ||
      g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  return g_steal_pointer (&view);
}

GPtrArray *
sd_product_similar_load (SdStore        *store,
                         gint64          product_id,
                         guint           n,
                         const char    **source,
                         GCancellable   *cancellable,
                         GError        **error)
{
  g_autoptr(GPtrArray) peers = g_ptr_array_new_with_free_func ((GDestroyNotify) peer_free);
  g_autoptr(SdInteractions) train = NULL;
  g_autoptr(SdCatalog) catalog = NULL;
  g_autoptr(SdRecommender) model = NULL;
  g_autoptr(GArray) similar = NULL;
  g_autoptr(GError) local = NULL;
  int item;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);

  if (!(train = sd_interactions_from_store (store, NULL, cancellable, error)) ||
      !(catalog = sd_catalog_from_store (store, train, sd_product_text_lang (), error)))
    return NULL;
  if ((item = sd_interactions_item_index (train, product_id)) < 0)
    return g_steal_pointer (&peers);

  /* The shop's own model of "bought by the same customers" first, as the Recommendations
   * page does; without one, the products' texts. */
  model = sd_model_store_load (store, "itemknn", train, NULL, &local);
  if (model && SD_IS_ITEM_KNN (model))
    {
      similar = sd_item_knn_similar (SD_ITEM_KNN (model), (guint) item, n + 1);
      *source = "itemknn";
    }
  else
    {
      SdFitContext context = { NULL, cancellable, NULL, NULL };

      g_clear_object (&model);
      model = sd_content_new ();
      sd_recommender_set_catalog (model, catalog);
      if (!sd_recommender_fit (model, train, &context, error))
        return NULL;
      similar = sd_content_similar_items (SD_CONTENT (model), (guint) item, n + 1);
      *source = "content";
    }

  for (guint i = 0; i < similar->len && peers->len < n; i++)
    {
      const SdScoredItem *s = &g_array_index (similar, SdScoredItem, i);
      const SdCatalogItem *it;
      SdProductPeer *peer;

      if (s->item == (guint) item || s->item >= catalog->n_items)
        continue;
      it = &catalog->items[s->item];
      /* Postage, fees and products off sale are no one's similar item. */
      if (it->off_sale)
        continue;
      peer = g_new0 (SdProductPeer, 1);
      peer->product_id = it->id;
      peer->external_id = g_strdup (it->external_id);
      peer->title = g_strdup (it->title);
      peer->category = g_strdup (it->category);
      peer->score = s->score;
      g_ptr_array_add (peers, peer);
    }
  return g_steal_pointer (&peers);
}
