/* sd-catalog.c — item texts, category and stock, indexed like the interaction matrix */
#include "config.h"

#include "sd-catalog.h"
#include "sd-error.h"

SdCatalog *
sd_catalog_new (guint n_items)
{
  SdCatalog *self = g_new0 (SdCatalog, 1);

  self->ref_count = 1;
  self->n_items = n_items;
  self->items = g_new0 (SdCatalogItem, MAX (n_items, 1));
  for (guint i = 0; i < n_items; i++)
    self->items[i].stock = -1;
  return self;
}

SdCatalog *
sd_catalog_ref (SdCatalog *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_atomic_int_inc (&self->ref_count);
  return self;
}

void
sd_catalog_unref (SdCatalog *self)
{
  if (self == NULL || !g_atomic_int_dec_and_test (&self->ref_count))
    return;
  for (guint i = 0; i < self->n_items; i++)
    {
      g_free (self->items[i].external_id);
      g_free (self->items[i].title);
      g_free (self->items[i].description);
      g_free (self->items[i].category);
      g_free (self->items[i].tags);
    }
  g_free (self->items);
  g_free (self);
}

static char *
column_text (SdStmt *stmt,
             int     col)
{
  const char *text = (const char *) sqlite3_column_text (stmt, col);
  return text ? g_strdup (text) : NULL;
}

SdCatalog *
sd_catalog_from_store (SdStore        *store,
                       SdInteractions *interactions,
                       const char     *lang,
                       GError        **error)
{
  g_autoptr(SdCatalog) self = NULL;
  g_autoptr(SdStmt) stmt = NULL;
  int rc;

  g_return_val_if_fail (SD_IS_STORE (store), NULL);
  g_return_val_if_fail (interactions != NULL, NULL);

  self = sd_catalog_new (interactions->n_items);
  for (guint i = 0; i < self->n_items; i++)
    self->items[i].id = interactions->item_ids[i];

  /* A NULL ?1 matches no translation, so the original texts are kept. */
  stmt = sd_store_prepare (store,
      "SELECT p.id, p.external_id, coalesce(t.title, p.title),"
      "       coalesce(t.description, p.description), p.category, p.tags, p.stock, p.price_cents,"
      "       p.status <> 'active'"
      "  FROM products p LEFT JOIN product_texts t ON t.product_id = p.id AND t.lang = ?1",
      error);
  if (!stmt)
    return NULL;
  if (lang)
    sqlite3_bind_text (stmt, 1, lang, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, 1);

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      int i = sd_interactions_item_index (interactions, sqlite3_column_int64 (stmt, 0));
      SdCatalogItem *item;

      if (i < 0)
        continue;   /* added after the matrix was built */
      item = &self->items[i];
      item->external_id = column_text (stmt, 1);
      item->title = column_text (stmt, 2);
      item->description = column_text (stmt, 3);
      item->category = column_text (stmt, 4);
      item->tags = column_text (stmt, 5);
      item->stock = sqlite3_column_int (stmt, 6);
      item->price_cents = sqlite3_column_int64 (stmt, 7);
      item->off_sale = sqlite3_column_int (stmt, 8);
    }
  if (rc != SQLITE_DONE)
    {
      sd_store_fail (store, "Could not read the products", error);
      return NULL;
    }
  return g_steal_pointer (&self);
}
