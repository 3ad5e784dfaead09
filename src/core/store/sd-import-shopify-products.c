/* sd-import-shopify-products.c — Shopify's product CSV export
 *
 * A product is one handle. Its first row carries the title and the other product
 * fields; the rows after it with the same handle and an empty title add a variant
 * (price, SKU, stock) or just an image. The product's price is its first variant's;
 * its stock is the sum over its variants, written at the end. Both header generations
 * are read: the classic one (Handle, Body (HTML), Variant SKU, Variant Price, Variant
 * Inventory Qty) and the 2024 one (URL handle, Description, SKU, Price, Inventory
 * quantity); the 2021–22 one names the category Standardized Product Type and the
 * type Custom Product Type. Each variant's SKU is kept, since order lines name the
 * variant by it. A product that is not on sale (Status draft, archived or unlisted, or
 * Published false) keeps that status, so recommendations and offers leave it out.
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "sd-import-private.h"

typedef struct {
  gint64 id;
  gint64 stock;
  gboolean has_stock;
} Product;

typedef struct {
  int handle, title, body, category, type, tags, price, stock, sku, status, published;
  GHashTable *products;   /* handle → Product */
} State;

static gpointer
state_new (void)
{
  State *s = g_new0 (State, 1);

  s->products = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return s;
}

static void
state_free (gpointer data)
{
  State *s = data;

  g_hash_table_unref (s->products);
  g_free (s);
}

static const char *const required[] = { "handle|url handle", "title", NULL };

static int
match (char  **header,
       guint   n_header)
{
  static const char *const optional[] = { "body (html)", "description", "vendor", "variant sku",
                                          "sku", "variant price", "price", "tags", "image src",
                                          "variant inventory qty", "inventory quantity", NULL };
  int score = sd_import_match_columns (header, n_header, required, optional);

  /* Without any variant column it is some other list that happens to have a title. */
  return score > 20 ? score : 0;
}

static gboolean
begin (SdImportContext  *ctx,
       GError          **error)
{
  State *s = ctx->state;

  s->body = sd_import_column (ctx, (const char *const[]) { "body (html)", "description", NULL });
  s->category = sd_import_column (ctx, (const char *const[]) { "product category", "standardized product type", NULL });
  s->type = sd_import_column (ctx, (const char *const[]) { "type", "custom product type", NULL });
  s->status = sd_import_column (ctx, (const char *const[]) { "status", NULL });
  s->published = sd_import_column (ctx, (const char *const[]) { "published", "published on online store", NULL });
  s->tags = sd_import_column (ctx, (const char *const[]) { "tags", NULL });
  s->price = sd_import_column (ctx, (const char *const[]) { "variant price", "price", NULL });
  s->stock = sd_import_column (ctx, (const char *const[]) { "variant inventory qty", "inventory quantity", NULL });
  s->sku = sd_import_column (ctx, (const char *const[]) { "variant sku", "sku", NULL });
  return sd_import_require (ctx, (const char *const[]) { "handle", "url handle", NULL }, &s->handle, error) &&
         sd_import_require (ctx, (const char *const[]) { "title", NULL }, &s->title, error);
}

/* "active", "draft", "archived", "unlisted", or "unpublished" for an active product
 * hidden from the online store; NULL when the export does not say. */
static char *
product_status (SdImportContext *ctx,
                State           *s)
{
  const char *status = sd_import_field_or_null (ctx, s->status);
  const char *published = sd_import_field_or_null (ctx, s->published);
  g_autofree char *lower = status ? g_ascii_strdown (status, -1) : NULL;

  if (lower && !g_str_equal (lower, "active"))
    return g_steal_pointer (&lower);
  if (published && (g_ascii_strcasecmp (published, "false") == 0 || g_str_equal (published, "0")))
    return g_strdup ("unpublished");
  return lower ? g_steal_pointer (&lower) : published ? g_strdup ("active") : NULL;
}

static gboolean
row (SdImportContext  *ctx,
     GError          **error)
{
  State *s = ctx->state;
  const char *handle = sd_import_field (ctx, s->handle);
  const char *title = sd_import_field_or_null (ctx, s->title);
  const char *sku = sd_import_field_or_null (ctx, s->sku);
  gint64 price = -1, stock = G_MININT64;
  Product *product;

  if (*handle == '\0')
    return sd_import_reject (ctx, "no value in column %s", ctx->header[s->handle]);
  if (!sd_import_get_cents (ctx, s->price, FALSE, &price) ||
      !sd_import_get_int (ctx, s->stock, FALSE, &stock))
    return TRUE;

  product = g_hash_table_lookup (s->products, handle);
  if (title == NULL)
    {
      if (product == NULL)
        return sd_import_reject (ctx, "a variant or image row of “%s” before its product's first row (the one with the title)", handle);
      sd_import_count (ctx, "continuation-rows");
    }
  else
    {
      g_autofree char *description = sd_import_strip_html (sd_import_field_or_null (ctx, s->body));
      g_autofree char *category = sd_import_category_path_leaf (sd_import_field_or_null (ctx, s->category));
      g_autofree char *tags = sd_import_normalize_tags (sd_import_field_or_null (ctx, s->tags));
      g_autofree char *status = product_status (ctx, s);
      SdImportProduct p = {
        .external_id = handle,
        .title = title,
        .description = description,
        .category = category ? category : sd_import_field_or_null (ctx, s->type),
        .tags = tags,
        .price_cents = price,
        .stock = -1,
        .status = status,
      };

      if (product != NULL)
        sd_import_count (ctx, "repeated-handles");
      else
        {
          product = g_new0 (Product, 1);
          g_hash_table_insert (s->products, g_strdup (handle), product);
        }
      product->id = sd_import_product (ctx, &p, error);
      if (product->id < 0)
        return FALSE;
    }

  if (sku && !sd_import_product_sku (ctx, sku, product->id, error))
    return FALSE;
  if (stock != G_MININT64)
    {
      /* An oversold variant (negative stock) lowers its product's stock, as in Shopify's
       * own product list. */
      if (stock < 0)
        sd_import_count (ctx, "variants-with-negative-stock");
      product->stock += stock;
      product->has_stock = TRUE;
    }
  return TRUE;
}

static gboolean
finish (SdImportContext  *ctx,
        GError          **error)
{
  State *s = ctx->state;
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, s->products);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Product *p = value;
      g_autoptr(SdStmt) stmt = NULL;

      if (!p->has_stock)
        continue;
      if (!(stmt = sd_store_prepare (ctx->store, "UPDATE products SET stock = ?2 WHERE id = ?1", error)))
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, p->id);
      sqlite3_bind_int64 (stmt, 2, p->stock);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return sd_store_fail (ctx->store, "Could not update a product's stock", error);
    }
  return TRUE;
}

const SdImportFormatInfo sd_import_shopify_products = {
  .format = SD_IMPORT_SHOPIFY_PRODUCTS,
  .name = "shopify-products",
  .label = N_("Shopify products"),
  .match = match,
  .begin = begin,
  .row = row,
  .finish = finish,
  .state_new = state_new,
  .state_free = state_free,
  .has_header = TRUE,
  .required = required,
};
