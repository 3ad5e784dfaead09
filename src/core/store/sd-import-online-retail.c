/* sd-import-online-retail.c — the UCI Online Retail file
 *
 * One row is one order line: invoices become orders (those starting with “C” are
 * cancellations), stock codes become products, and lines of customers' ordinary
 * invoices become purchase events. Products take the description of their latest
 * ordinary sale and, as the file has no list price, their usual price: the unit price their
 * ordinary sales have most often, ties to the latest (REGENCY CAKESTAND 3 TIER is £12.75,
 * not the £24.96 of a last sale to a walk-in); both written once at the end, with the other
 * descriptions its ordinary sales had as its aliases (product_aliases).
 */
#include "config.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "sd-import-private.h"

typedef struct {
  gint64  price_cents;
  guint   sales;
  gint64  last_at;
} PriceCount;

typedef struct {
  gint64  id;
  GArray *prices;          /* PriceCount of its ordinary sales: a few each, looked through */
  char   *title;           /* of the latest sale that had one */
  GPtrArray *names;        /* every description of its ordinary sales, once each, and the
                            * title an earlier import gave it */
  gboolean changed;
} Product;

typedef struct {
  int         invoice, stock_code, description, quantity, date, price, customer, country;
  GHashTable *products;    /* stock code → Product */
  gint64      last_old_product;   /* products up to this id were there before the import */
} State;

static void
product_free (gpointer data)
{
  Product *p = data;

  g_free (p->title);
  g_clear_pointer (&p->names, g_ptr_array_unref);
  g_clear_pointer (&p->prices, g_array_unref);
  g_free (p);
}

static gpointer
state_new (void)
{
  State *s = g_new0 (State, 1);

  s->products = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, product_free);
  return s;
}

static void
state_free (gpointer data)
{
  State *s = data;

  g_hash_table_unref (s->products);
  g_free (s);
}

static const char *const required[] = { "invoiceno|invoice", "stockcode", "quantity",
                                         "invoicedate", "unitprice|price", NULL };

static int
match (char  **header,
       guint   n_header)
{
  static const char *const optional[] = { "description", "customerid|customer id", "country", NULL };

  return sd_import_match_columns (header, n_header, required, optional);
}

static gboolean
begin (SdImportContext  *ctx,
       GError          **error)
{
  State *s = ctx->state;

  /* The 2009–2011 release renamed a few columns; both spellings are accepted. */
  {
    g_autoptr(SdStmt) stmt = sd_store_prepare (ctx->store, "SELECT coalesce (max (id), 0) FROM products", error);
    if (stmt == NULL || sqlite3_step (stmt) != SQLITE_ROW)
      return stmt ? sd_store_fail (ctx->store, _("Could not read the products"), error) : FALSE;
    s->last_old_product = sqlite3_column_int64 (stmt, 0);
  }
  s->description = sd_import_column (ctx, (const char *const[]) { "description", NULL });
  s->customer = sd_import_column (ctx, (const char *const[]) { "customerid", "customer id", NULL });
  s->country = sd_import_column (ctx, (const char *const[]) { "country", NULL });
  return sd_import_require (ctx, (const char *const[]) { "invoiceno", "invoice", NULL }, &s->invoice, error) &&
         sd_import_require (ctx, (const char *const[]) { "stockcode", NULL }, &s->stock_code, error) &&
         sd_import_require (ctx, (const char *const[]) { "quantity", NULL }, &s->quantity, error) &&
         sd_import_require (ctx, (const char *const[]) { "invoicedate", NULL }, &s->date, error) &&
         sd_import_require (ctx, (const char *const[]) { "unitprice", "price", NULL }, &s->price, error);
}

static void
add_name (Product    *product,
          const char *name)
{
  if (product->names == NULL)
    product->names = g_ptr_array_new_with_free_func (g_free);
  if (!g_ptr_array_find_with_equal_func (product->names, name, g_str_equal, NULL))
    g_ptr_array_add (product->names, g_strdup (name));
}

static gboolean
remember_old_title (SdImportContext  *ctx,
                    Product          *product,
                    GError          **error)
{
  g_autoptr(SdStmt) stmt = sd_store_prepare (ctx->store, "SELECT title FROM products WHERE id = ?1", error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, product->id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    add_name (product, (const char *) sqlite3_column_text (stmt, 0));
  return TRUE;
}

static gboolean
row (SdImportContext  *ctx,
     GError          **error)
{
  State *s = ctx->state;
  const char *invoice = sd_import_field (ctx, s->invoice);
  const char *code = sd_import_field (ctx, s->stock_code);
  const char *description = sd_import_field_or_null (ctx, s->description);
  const char *customer = sd_import_field_or_null (ctx, s->customer);
  const char *country = sd_import_field_or_null (ctx, s->country);
  gint64 quantity, at, price, customer_id = 0;
  gboolean cancelled;
  Product *product;
  SdImportOrder *order;

  if (*invoice == '\0')
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->invoice]);
  if (*code == '\0')
    return sd_import_reject (ctx, _("no value in column %s"), ctx->header[s->stock_code]);
  if (!sd_import_get_int (ctx, s->quantity, TRUE, &quantity) ||
      !sd_import_get_time (ctx, s->date, TRUE, &at) ||
      !sd_import_get_cents (ctx, s->price, TRUE, &price))
    return TRUE;

  cancelled = invoice[0] == 'C' || invoice[0] == 'c';
  if (cancelled)
    sd_import_count (ctx, "cancellations");
  if (quantity < 0)
    sd_import_count (ctx, "negative-quantities");

  if (customer)
    {
      char normal[32];
      gint64 number;

      /* “17850.0” is what a spreadsheet makes of customer 17850. */
      if (strchr (customer, '.') && sd_import_parse_int (customer, &number))
        {
          g_snprintf (normal, sizeof normal, "%" G_GINT64_FORMAT, number);
          customer = normal;
        }
      customer_id = sd_import_customer (ctx, customer, NULL, NULL, country, error);
      if (customer_id < 0)
        return FALSE;
    }
  else
    sd_import_count (ctx, "rows-without-customer");

  product = g_hash_table_lookup (s->products, code);
  if (product == NULL)
    {
      product = g_new0 (Product, 1);
      product->id = sd_import_product_ref (ctx, code, description, error);
      if (product->id < 0)
        {
          g_free (product);
          return FALSE;
        }
      g_hash_table_insert (s->products, g_strdup (code), product);
      /* a product of an earlier import: its title then is one of its names */
      if (product->id <= s->last_old_product && !remember_old_title (ctx, product, error))
        return FALSE;
    }
  /* Only an ordinary sale says what a product is called and costs: adjustment rows
   * carry notes such as “damaged” and zero prices. */
  if (!cancelled && quantity > 0 && price > 0)
    {
      PriceCount *count = NULL;

      if (product->prices == NULL)
        product->prices = g_array_new (FALSE, TRUE, sizeof (PriceCount));
      for (guint i = 0; i < product->prices->len && count == NULL; i++)
        if (g_array_index (product->prices, PriceCount, i).price_cents == price)
          count = &g_array_index (product->prices, PriceCount, i);
      if (count == NULL)
        {
          g_array_set_size (product->prices, product->prices->len + 1);
          count = &g_array_index (product->prices, PriceCount, product->prices->len - 1);
          count->price_cents = price;
        }
      count->sales++;
      count->last_at = MAX (count->last_at, at);
      product->changed = TRUE;
      if (description && g_strcmp0 (product->title, description) != 0)
        {
          g_free (product->title);
          product->title = g_strdup (description);
          product->changed = TRUE;
          add_name (product, description);
        }
    }

  order = sd_import_order (ctx, invoice, customer_id, at, cancelled ? "cancelled" : "paid",
                           "GBP", country, error);
  if (order == NULL ||
      !sd_import_order_line (ctx, order, product->id, quantity, price, error))
    return FALSE;

  if (customer_id > 0 && !cancelled && quantity > 0)
    return sd_import_event (ctx, customer_id, product->id, SD_EVENT_PURCHASE, at, quantity,
                            0, NULL, error);
  return TRUE;
}

/* The product's other names (of earlier sales, in this file or an earlier import), without
 * the one it has now. */
static gboolean
save_aliases (SdImportContext  *ctx,
              const Product    *p,
              GError          **error)
{
  for (guint i = 0; p->names && i < p->names->len; i++)
    {
      const char *name = p->names->pdata[i];
      gboolean current = g_strcmp0 (name, p->title) == 0;
      g_autoptr(SdStmt) stmt = sd_store_prepare (ctx->store, current
          ? "DELETE FROM product_aliases WHERE product_id = ?1 AND title = ?2"
          : "INSERT OR IGNORE INTO product_aliases (product_id, title) VALUES (?1, ?2)", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, p->id);
      sqlite3_bind_text (stmt, 2, name, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return sd_store_fail (ctx->store, _("Could not update a product"), error);
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
      const PriceCount *usual = NULL;

      if (!p->changed)
        continue;
      for (guint i = 0; p->prices && i < p->prices->len; i++)
        {
          const PriceCount *c = &g_array_index (p->prices, PriceCount, i);
          if (usual == NULL || c->sales > usual->sales ||
              (c->sales == usual->sales && c->last_at > usual->last_at))
            usual = c;
        }
      stmt = sd_store_prepare (ctx->store,
                               "UPDATE products SET title = coalesce (?2, title),"
                               " price_cents = coalesce (?3, price_cents) WHERE id = ?1", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, p->id);
      if (p->title)
        sqlite3_bind_text (stmt, 2, p->title, -1, SQLITE_STATIC);
      if (usual)
        sqlite3_bind_int64 (stmt, 3, usual->price_cents);
      if (sqlite3_step (stmt) != SQLITE_DONE)
        return sd_store_fail (ctx->store, _("Could not update a product"), error);
      if (!save_aliases (ctx, p, error))
        return FALSE;
    }
  return TRUE;
}

const SdImportFormatInfo sd_import_online_retail = {
  .format = SD_IMPORT_ONLINE_RETAIL,
  .name = "online-retail",
  .label = N_("UCI Online Retail"),
  .match = match,
  .begin = begin,
  .row = row,
  .finish = finish,
  .state_new = state_new,
  .state_free = state_free,
  .has_header = TRUE,
  .required = required,
};
