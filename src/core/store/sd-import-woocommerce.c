/* sd-import-woocommerce.c — WooCommerce's product CSV export
 *
 * Products are keyed by SKU (“woo-<ID>” when a product has none). The category is the
 * deepest element of the first path in Categories (“Clothing > Hoodies” → “Hoodies”);
 * variations list no categories of their own and take their parent's (the Parent
 * column names the parent by SKU or as “id:742”).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-import-private.h"

typedef struct {
  int id, type, sku, name, short_description, description, stock, regular_price,
      sale_price, categories, tags, parent;
  GHashTable *categories_by_key;   /* SKU and “id:N” → category */
} State;

static gpointer
state_new (void)
{
  State *s = g_new0 (State, 1);

  s->categories_by_key = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  return s;
}

static void
state_free (gpointer data)
{
  State *s = data;

  g_hash_table_unref (s->categories_by_key);
  g_free (s);
}

static int
match (char  **header,
       guint   n_header)
{
  static const char *const required[] = { "id", "type", "name", "regular price", NULL };
  static const char *const optional[] = { "sku", "categories", "tags", "stock", "parent",
                                          "short description", "description", "sale price", NULL };

  return sd_import_match_columns (header, n_header, required, optional);
}

static gboolean
begin (SdImportContext  *ctx,
       GError          **error)
{
  State *s = ctx->state;

  s->sku = sd_import_column (ctx, (const char *const[]) { "sku", NULL });
  s->short_description = sd_import_column (ctx, (const char *const[]) { "short description", NULL });
  s->description = sd_import_column (ctx, (const char *const[]) { "description", NULL });
  s->stock = sd_import_column (ctx, (const char *const[]) { "stock", NULL });
  s->sale_price = sd_import_column (ctx, (const char *const[]) { "sale price", NULL });
  s->categories = sd_import_column (ctx, (const char *const[]) { "categories", NULL });
  s->tags = sd_import_column (ctx, (const char *const[]) { "tags", NULL });
  s->parent = sd_import_column (ctx, (const char *const[]) { "parent", NULL });
  return sd_import_require (ctx, (const char *const[]) { "id", NULL }, &s->id, error) &&
         sd_import_require (ctx, (const char *const[]) { "type", NULL }, &s->type, error) &&
         sd_import_require (ctx, (const char *const[]) { "name", NULL }, &s->name, error) &&
         sd_import_require (ctx, (const char *const[]) { "regular price", NULL }, &s->regular_price, error);
}

static gboolean
row (SdImportContext  *ctx,
     GError          **error)
{
  State *s = ctx->state;
  const char *id = sd_import_field (ctx, s->id);
  const char *sku = sd_import_field_or_null (ctx, s->sku);
  const char *name = sd_import_field_or_null (ctx, s->name);
  const char *parent = sd_import_field_or_null (ctx, s->parent);
  g_autofree char *key = NULL;
  g_autofree char *id_key = NULL;
  g_autofree char *category = NULL;
  g_autofree char *tags = NULL;
  g_autofree char *description = NULL;
  gint64 price = -1, stock = -1, id_number;
  SdImportProduct p = { 0 };

  if (!sd_import_get_int (ctx, s->id, TRUE, &id_number))
    return TRUE;
  if (name == NULL)
    return sd_import_reject (ctx, "no value in column %s", ctx->header[s->name]);
  if (!sd_import_get_cents (ctx, s->regular_price, FALSE, &price) ||
      !sd_import_get_int (ctx, s->stock, FALSE, &stock))
    return TRUE;
  if (price < 0)
    {
      /* Variable and grouped products have no price of their own; a sale price alone
       * is still a price. */
      if (!sd_import_get_cents (ctx, s->sale_price, FALSE, &price))
        return TRUE;
    }

  key = sku ? g_strdup (sku) : g_strconcat ("woo-", id, NULL);
  id_key = g_strconcat ("id:", id, NULL);
  category = sd_import_category_leaf (sd_import_field_or_null (ctx, s->categories));
  if (category == NULL && parent)
    {
      const char *inherited = g_hash_table_lookup (s->categories_by_key, parent);
      if (inherited)
        {
          category = g_strdup (inherited);
          sd_import_count (ctx, "categories-from-parent");
        }
    }
  if (strstr (sd_import_field (ctx, s->type), "variation"))
    sd_import_count (ctx, "variations");
  if (category)
    {
      g_hash_table_insert (s->categories_by_key, g_strdup (key), g_strdup (category));
      g_hash_table_insert (s->categories_by_key, g_strdup (id_key), g_strdup (category));
    }

  description = sd_import_strip_html (sd_import_field_or_null (ctx, s->description));
  if (description == NULL)
    description = sd_import_strip_html (sd_import_field_or_null (ctx, s->short_description));
  tags = sd_import_normalize_tags (sd_import_field_or_null (ctx, s->tags));

  p.external_id = key;
  p.title = name;
  p.description = description;
  p.category = category;
  p.tags = tags;
  p.price_cents = price;
  p.stock = stock;
  return sd_import_product (ctx, &p, error) > 0;
}

const SdImportFormatInfo sd_import_woocommerce_products = {
  .format = SD_IMPORT_WOOCOMMERCE_PRODUCTS,
  .name = "woocommerce-products",
  .label = N_("WooCommerce products"),
  .match = match,
  .begin = begin,
  .row = row,
  .state_new = state_new,
  .state_free = state_free,
  .has_header = TRUE,
};
