/* sd-import-woocommerce.c — WooCommerce's product CSV export
 *
 * Products are keyed by SKU (“woo-<ID>” when a product has none). The category is the
 * deepest element of the first path in Categories (“Clothing > Hoodies” → “Hoodies”);
 * variations list no categories of their own and take their parent's (the Parent
 * column names the parent by SKU or as “id:742”). A file made for WooCommerce's
 * importer rather than by its exporter may leave ID empty or have no ID column; the
 * SKU is the key then. Descriptions carry WooCommerce's own escape for a line break
 * (a literal \n), read as its importer reads it. The batch exporter writes its rows
 * before it knows every column, so a record may be shorter than the header; the
 * header is translated when WordPress is (“Артикул” for SKU).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-import-private.h"

typedef struct {
  int id, type, sku, name, short_description, description, stock, regular_price,
      sale_price, categories, tags, parent, published;
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

static const char *const required[] = { "id|sku", "type", "name", "regular price", NULL };

/* The column names of WordPress's own translations, as found in real exports. */
static const char *const translations[][2] = {
  /* ru_RU */
  { "тип", "type" }, { "артикул", "sku" }, { "имя", "name" }, { "опубликован", "published" },
  { "рекомендуемый?", "is featured?" }, { "видимость в каталоге", "visibility in catalog" },
  { "короткое описание", "short description" }, { "описание", "description" },
  { "в наличии?", "in stock?" }, { "базовая цена", "regular price" }, { "категории", "categories" },
  { "изображения", "images" },
};

static const char *
translate (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (translations); i++)
    if (strcmp (name, translations[i][0]) == 0)
      return translations[i][1];
  return NULL;
}

static int
match (char  **header,
       guint   n_header)
{
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
  s->published = sd_import_column (ctx, (const char *const[]) { "published", NULL });
  s->id = sd_import_column (ctx, (const char *const[]) { "id", NULL });
  if (s->id < 0 && s->sku < 0)
    return sd_import_require (ctx, (const char *const[]) { "id", NULL }, &s->id, error);
  return sd_import_require (ctx, (const char *const[]) { "type", NULL }, &s->type, error) &&
         sd_import_require (ctx, (const char *const[]) { "name", NULL }, &s->name, error) &&
         sd_import_require (ctx, (const char *const[]) { "regular price", NULL }, &s->regular_price, error);
}

/* WooCommerce's importer (WC_Product_CSV_Importer::parse_description_field): a
 * literal \n is a line break, and \\n stands for a literal \n. */
static char *
unescape_description (const char *text)
{
  GString *out;

  if (text == NULL)
    return NULL;
  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p; p++)
    {
      if (p[0] == '\\' && p[1] == '\\' && p[2] == 'n')
        {
          g_string_append (out, "\\n");
          p += 2;
        }
      else if (p[0] == '\\' && p[1] == 'n')
        {
          g_string_append_c (out, '\n');
          p++;
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

/* Published: 1 published, 0 draft, -1 private; NULL when the file does not say. */
static const char *
product_status (SdImportContext *ctx,
                State           *s)
{
  const char *published = sd_import_field_or_null (ctx, s->published);

  if (published == NULL)
    return NULL;
  if (g_str_equal (published, "0"))
    return "draft";
  if (g_str_equal (published, "-1"))
    return "private";
  return "active";
}

static char *
description_text (SdImportContext *ctx,
                  int              column)
{
  g_autofree char *html = unescape_description (sd_import_field_or_null (ctx, column));
  return sd_import_strip_html (html);
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

  if (s->id < 0 && sku == NULL)
    return sd_import_reject (ctx, "no value in column %s", ctx->header[s->sku]);
  if (!sd_import_get_int (ctx, s->id, sku == NULL, &id_number))
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
  id_key = *id ? g_strconcat ("id:", id, NULL) : NULL;
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
      if (id_key)
        g_hash_table_insert (s->categories_by_key, g_strdup (id_key), g_strdup (category));
    }

  description = description_text (ctx, s->description);
  if (description == NULL)
    description = description_text (ctx, s->short_description);
  tags = sd_import_normalize_tags (sd_import_field_or_null (ctx, s->tags));

  p.external_id = key;
  p.title = name;
  p.description = description;
  p.category = category;
  p.tags = tags;
  p.price_cents = price;
  p.stock = stock;
  p.status = product_status (ctx, s);
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
  .required = required,
  .translate = translate,
  .pads_short_records = TRUE,
};
